import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSource, loadHubConfig, loadHubConfigFile } from '../../config/load.js';
import { ConfigError, parseHubConfig } from '../../shared/config.js';
import { scheduleIssue } from '../../shared/schedule-expression.js';

const dir = mkdtempSync(path.join(tmpdir(), 'config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('takes chat tools with their robot URL as a credential, a signing secret only where the tool signs, and no unknown key', () => {
    const chat = (c: Record<string, unknown>) => issuesOf({ receivers: [{ name: 'ops', chats: [c] }] });
    expect(chat({ type: 'dingtalk', webhook: { env: 'DING_URL' }, secret: { env: 'DING_SECRET' } })).toEqual([]);
    expect(chat({ type: 'slack', webhook: { env: 'SLACK_URL' }, secret: { env: 'S' } })).toEqual([{ path: 'receivers[0].chats[0].secret', message: expect.stringContaining('only dingtalk and feishu') }]);
    expect(chat({ type: 'wechat', webhook: { env: 'W' } }).map((i) => i.path)).toEqual(['receivers[0].chats[0].type']);
    expect(chat({ type: 'wecom', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }).map((i) => i.path)).toEqual(['receivers[0].chats[0].webhook']);
    expect(chat({ type: 'wecom', webhook: { env: 'W' }, mentions: ['@all'] })).toEqual([{ path: 'receivers[0].chats[0].mentions', message: expect.stringContaining('unknown key') }]);
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

// Config mistakes stop before anything starts or deploys, each with its field path and what to do: unknown keys (with
// the key meant), connector types the registry does not know, schedules EventBridge would refuse, JSON syntax errors.
/** Writes a config file and loads it the way `npm start -- --config` and `cdk synth` do. */
async function loadIssues(name: string, text: string) {
  writeFileSync(path.join(dir, name), text);
  try {
    await loadHubConfigFile(name, dir);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

const shop = { name: 'shop', type: 'shopify', endpoint: 'https://acme.myshopify.com' };

describe('unknown keys', () => {
  it('are errors at their path, with the key most likely meant', () => {
    expect(issuesOf({ rules: { reveiwPeriodDays: 3 } })).toEqual([{ path: 'rules.reveiwPeriodDays', message: 'unknown key; did you mean "reviewPeriodDays"?' }]);
    expect(issuesOf({ conectors: [] })).toEqual([{ path: 'conectors', message: 'unknown key; did you mean "connectors"?' }]);
    expect(issuesOf({ receivers: [{ name: 'ops', emial: ['ops@acme.example'] }] })).toEqual([{ path: 'receivers[0].emial', message: 'unknown key; did you mean "emails"?' }]);
    expect(issuesOf({ alerting: { route: { routes: [{ recevier: 'ops' }] } } })).toEqual([{ path: 'alerting.route.routes[0].recevier', message: 'unknown key; did you mean "receiver"?' }]);
    expect(issuesOf({ replenishment: { approval: { autoApprove: 100 } } })).toEqual([{ path: 'replenishment.approval.autoApprove', message: 'unknown key; did you mean "autoApproveBelow"?' }]);
  });

  it('list what there is when nothing is close', () => {
    expect(issuesOf({ locations: [{ id: 'wh', kind: 'warehouse', tz: 'Europe/Berlin' }] })).toEqual([
      { path: 'locations[0].tz', message: 'unknown key (expected one of id, name, kind, parent, group, timeZone)' },
    ]);
  });

  it('in a credential reference say the two shapes there are', () => {
    expect(issuesOf({ connectors: [{ ...shop, credentials: { secretname: 'shop' } }] })).toEqual([
      { path: 'connectors[0].credentials', message: 'expected { env: "VAR_NAME" } (locally) or { secretName: "name", field?: "key" } (Secrets Manager)' },
    ]);
  });
});

describe('connectors', () => {
  it('must be of a type the registry knows, checked when the file is loaded', async () => {
    expect(await loadIssues('typo.config.json', JSON.stringify({ connectors: [{ ...shop, type: 'shopfy' }] }))).toEqual([
      { path: 'connectors[0].type', message: 'no connector type "shopfy"; did you mean "shopify"? Or add one: `stocksentry connector new shopfy`.' },
    ]);
    const [unknown] = await loadIssues('other.config.json', JSON.stringify({ connectors: [{ ...shop, type: 'navision' }] }));
    expect(unknown).toMatchObject({ path: 'connectors[0].type', message: expect.stringMatching(/^no connector type "navision" \(known: rest-json, csv, shopify, odoo/) });
  });

  it('take only the options their spec knows, checked when the file is loaded', async () => {
    const issues = await loadIssues('odoo.config.json', JSON.stringify({ connectors: [{ name: 'erp', type: 'odoo', endpoint: 'https://erp.example', options: { database: 'acme', protocl: 'json2' } }] }));
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'connectors[0].options.protocl', message: 'unknown key; did you mean "protocol"?' },
      { path: 'connectors[0].options.database', message: expect.stringMatching(/^unknown key \(expected one of .*\bdb\b/) },
      { path: 'connectors[0].options.db', message: expect.stringContaining('expected string') },
    ]));
  });
});

describe('schedules', () => {
  it.each([
    ['rate(15 minute)', 'write rate(15 minutes) (the unit is singular for 1, plural otherwise)'],
    ['rate(1 minutes)', 'write rate(1 minute)'],
    ['rate(0 hours)', 'the value must be 1 or more'],
    ['rate(5 weeks)', 'the unit is minute(s), hour(s) or day(s)'],
    ['rate(1.5 hours)', 'expected rate(<whole number> <unit>)'],
    ['every 5 minutes', 'is not a schedule: expected rate('],
    ['cron(0 5 * * ?)', 'has 5 fields; AWS cron has 6'],
    ['cron(0 5 * * * *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 5 ? * ? *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(60 5 * * ? *)', 'minutes: "60" is not a value from 0 to 59'],
    ['cron(0 24 * * ? *)', 'hours: "24" is not a value from 0 to 23'],
    ['cron(0 5 32 * ? *)', 'day-of-month: "32" is not a value from 1 to 31'],
    ['cron(0 5 ? JANUARY MON *)', 'month: "JANUARY" is not a value from 1 to 12 or JAN-DEC'],
    ['cron(0 5 ? * 8 *)', 'day-of-week: "8" is not a value from 1 to 7 or SUN-SAT'],
    ['cron(0/0 5 * * ? *)', 'the step after / must be a whole number from 1 to 59'],
    ['cron(0 5 * * ? 1969)', 'year: "1969" is not a value from 1970 to 2199'],
  ])('%s is refused: %s', (expression, message) => {
    expect(scheduleIssue(expression)).toContain(message);
    expect(issuesOf({ connectors: [{ ...shop, schedule: expression }] })).toEqual([{ path: 'connectors[0].schedule', message: expect.stringContaining(message) }]);
  });

  it.each(['rate(1 minute)', 'rate(15 minutes)', 'rate(1 hour)', 'rate(2 days)', 'cron(0 5 * * ? *)', 'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(0 12 L * ? *)', 'cron(0 9 ? * 2#1 *)', 'cron(30 6 1,15 JAN-JUN ? 2026-2030)', 'cron(0 18 ? * 6L *)', 'cron(0 8 15W * ? *)'])('%s is accepted', (expression) => {
    expect(scheduleIssue(expression)).toBeUndefined();
  });

  it('are checked for the sweep too', () => {
    expect(issuesOf({ evaluation: { sweepSchedule: 'cron(0 5 * * * *)' } })).toEqual([{ path: 'evaluation.sweepSchedule', message: expect.stringContaining('must be ?') }]);
  });
});

describe('config files', () => {
  it('name the file, line and column of a JSON syntax error', async () => {
    expect(await loadIssues('broken.config.json', '{\n  "name": "acme",\n  "stage": "prod",,\n}\n')).toEqual([
      { path: '', message: expect.stringMatching(/^broken\.config\.json:3:19: JSON syntax error: Expected double-quoted property name/) },
    ]);
  });

  it('say which config was read, or that none was', async () => {
    expect(describeSource(await loadHubConfigFile(undefined, dir))).toMatch(/^Config: built-in defaults \(no hub\.config\.ts, hub\.config\.js, hub\.config\.json here/);
    writeFileSync(path.join(dir, 'hub.config.json'), '{ "name": "acme" }');
    expect(describeSource(await loadHubConfigFile(undefined, dir))).toBe('Config: hub.config.json');
    rmSync(path.join(dir, 'hub.config.json'));
  });

  it('hub.config.example.ts is the README example, and it is valid', async () => {
    const example = readFileSync('hub.config.example.ts', 'utf8');
    expect(readFileSync('README.md', 'utf8')).toContain(`\`\`\`ts\n${example}\`\`\``);
    const loaded = await loadHubConfigFile('hub.config.example.ts');
    expect(loaded.config.connectors.map((c) => c.type)).toEqual(['shopify', 'odoo']);
  });
});

describe('the commands that read a config', () => {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const bad = path.join(dir, 'bad.config.json');
  writeFileSync(bad, JSON.stringify({ connectors: [{ ...shop, type: 'shopfy', schedule: 'rate(1 minutes)' }] }));
  const fails = (args: string[], env: Record<string, string> = {}) => promisify(execFile)(tsx, args, { env: { ...process.env, ...env } })
    .then(() => undefined, (error: { code: number; stdout: string; stderr: string }) => error);

  it('`stocksentry start --config` stops before DynamoDB Local starts', async () => {
    const failure = await fails(['cli/main.ts', 'start', '--once', '--in-memory', '--state-dir', path.join(dir, 'state'), '--config', bad]);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('connectors[0].type: no connector type "shopfy"; did you mean "shopify"?');
    expect(failure?.stderr).toContain('connectors[0].schedule: rate(1 minutes): write rate(1 minute)');
    expect(`${failure?.stdout}${failure?.stderr}`).not.toContain('DynamoDB Local');
  }, 60_000);

  it('`cdk synth` says which config it read before anything else can fail', async () => {
    // A stage name the stack refuses: the app stops right after reading the config, without synthesizing.
    const failure = await fails(['infra/app.ts'], { HUB_CONFIG_FILE: 'hub.config.example.ts', CDK_CONTEXT_JSON: JSON.stringify({ stage: 'Not A Stage' }), CDK_OUTDIR: path.join(dir, 'cdk.out') });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/^Config: hub\.config\.example\.ts\n/);
  }, 120_000);
});
