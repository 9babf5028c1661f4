import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, parseHubConfig } from '../../shared/config.js';
import { loadHubConfig } from '../../cli/config.js';

const issuesOf = (input: unknown) => {
  try {
    parseHubConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
};

describe('hub config', () => {
  it('fills defaults for an empty config', () => {
    const config = parseHubConfig({});
    expect(config.rules.serviceLevel).toBe(0.95);
    expect(config.rules.reviewPeriodDays).toBe(7);
    expect(config.connectors).toEqual([]);
    expect(config.evaluation.sweepSchedule).toBe('cron(0 5 * * ? *)');
  });

  it('holds supplier endpoints to https like webhooks (plain http only on this machine)', () => {
    expect(issuesOf({ suppliers: [{ id: 'sup-a', leadTimeDays: 5, endpoint: 'http://supplier.example/orders' }] }))
      .toEqual([{ path: 'suppliers[0].endpoint', message: 'supplier endpoints must use https:// (http only on localhost)' }]);
    expect(issuesOf({ suppliers: [{ id: 'sup-a', leadTimeDays: 5, endpoint: 'https://supplier.example/orders' }, { id: 'sup-b', leadTimeDays: 5, endpoint: 'http://127.0.0.1:8080/orders' }] })).toEqual([]);
  });

  it('names the path of a wrong field and what was expected', () => {
    const issues = issuesOf({ connectors: [{ name: 'shop', type: 'shopify', endpoint: 'https://x', schedule: 'every 5 minutes' }] });
    expect(issues).toEqual([{ path: 'connectors[0].schedule', message: expect.stringContaining('expected rate(') }]);
  });

  it('rejects phone numbers that are not E.164 and http webhooks off localhost', () => {
    const issues = issuesOf({ receivers: [{ name: 'ops', phones: ['0151 123'], webhooks: [{ url: 'http://example.com/hook' }] }] });
    expect(issues.map((i) => i.path).sort()).toEqual(['receivers[0].phones[0]', 'receivers[0].webhooks[0].url']);
    expect(issues.find((i) => i.path === 'receivers[0].phones[0]')?.message).toContain('E.164');
  });

  it('checks that routes name a receiver, connector names are unique and backup suppliers exist', () => {
    const issues = issuesOf({
      connectors: [{ name: 'a', type: 'csv', endpoint: '/tmp' }, { name: 'a', type: 'csv', endpoint: '/tmp' }],
      receivers: [{ name: 'buyers' }],
      routes: [{ receiver: 'ops' }],
      suppliers: [{ id: 'sup-1', leadTimeDays: 5, backupSupplierId: 'sup-9' }],
    });
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'routes[0].receiver', message: 'no receiver named "ops" (known: buyers)' },
      { path: 'connectors[1].name', message: 'duplicate connector name "a"' },
      { path: 'suppliers[0].backupSupplierId', message: 'no supplier with id "sup-9"' },
    ]));
  });

  it('asks for replenishment.fromEmail once a supplier takes orders by email', () => {
    const suppliers = [{ id: 'sup-mail', leadTimeDays: 5, format: 'email', email: 'orders@sup.example.com' }, { id: 'sup-api', leadTimeDays: 5 }];
    expect(issuesOf({ suppliers })).toEqual([{ path: 'replenishment.fromEmail', message: expect.stringMatching(/^suppliers sup-mail get orders by email; set replenishment\.fromEmail/) }]);
    expect(issuesOf({ suppliers, replenishment: { fromEmail: 'buyer@acme.example.com' } })).toEqual([]);
    expect(issuesOf({ suppliers: [{ id: 'sup-api', leadTimeDays: 5 }] })).toEqual([]);
    expect(issuesOf({ suppliers, replenishment: { fromEmail: 'not-an-address' } }).map((i) => i.path)).toEqual(['replenishment.fromEmail']);
  });

  it('stops with the file name and the field path when a config file is wrong', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    writeFileSync(path.join(dir, 'hub.config.json'), JSON.stringify({ rules: { serviceLevel: 1.5 } }));
    await expect(loadHubConfig(undefined, dir)).rejects.toThrow(/hub\.config\.json:\n {2}- rules\.serviceLevel:/);
    writeFileSync(path.join(dir, 'ok.config.ts'), "export default { name: 'acme', stage: 'prod' };\n");
    expect((await loadHubConfig('ok.config.ts', dir)).stage).toBe('prod');
  });
});

describe('receivers that name suppliers', () => {
  const base = { suppliers: [{ id: 'sup-1', leadTimeDays: 5, email: 'orders@sup1.example' }, { id: 'sup-2', leadTimeDays: 5 }] };

  it('send to the supplier\'s email as one more address of the receiver', () => {
    const config = parseHubConfig({ ...base, receivers: [{ name: 'buyers', emails: ['buying@acme.example'], suppliers: ['sup-1'] }] });
    expect(config.receivers[0]!.emails).toEqual(['buying@acme.example', 'orders@sup1.example']);
  });

  it('must name a known supplier that has an email', () => {
    const issues = issuesOf({ ...base, receivers: [{ name: 'buyers', suppliers: ['sup-9', 'sup-2'] }] });
    expect(issues).toEqual([
      { path: 'receivers[0].suppliers[0]', message: 'no supplier with id "sup-9"' },
      { path: 'receivers[0].suppliers[1]', message: expect.stringContaining('has no email') },
    ]);
  });
});
