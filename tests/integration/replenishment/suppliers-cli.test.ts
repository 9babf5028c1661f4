import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../../cli/commands/suppliers.js';
import { DynamoRequestStore } from '../../../shared/adapters/dynamodb/request-store.js';
import { parseHubConfig } from '../../../shared/config.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../../shared/replenishment/config.js';
import { amendRequest, newRequest } from '../../../shared/replenishment/request.js';
import type { ReplenishmentEvent } from '../../../shared/replenishment/service.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const NOW = new Date('2026-05-20T10:00:00Z');
let table: TestTable;
let store: DynamoRequestStore;
const published: ReplenishmentEvent[] = [];
const config = replenishmentConfig.parse({ approval: { autoApproveBelow: 100 }, leadTimeRisk: { minReceipts: 2, recentWindow: 2 } });
const suppliers = new Map<string, ReplenishmentSupplier>([['sup-std', { id: 'sup-std', leadTimeDays: 4, format: 'json' }], ['sup-new', { id: 'sup-new', leadTimeDays: 2, format: 'json' }]]);

async function run(...args: string[]): Promise<string> {
  const out: string[] = [];
  const program = new Command().exitOverride();
  register(program, async () => ({ hub: parseHubConfig({}), requests: store, clock: { now: () => NOW }, config, suppliers, publish: async (e) => { published.push(...e); } }), { now: () => NOW }, (t) => out.push(t));
  await program.parseAsync(['node', 'stocksentry', 'suppliers', ...args]);
  return out.join('\n');
}

beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoRequestStore(table.doc, table.tableName);
  const r = await store.create(newRequest({ idempotencyKey: 'sup-std|s1|2026-05-01', supplierId: 'sup-std', locationId: 's1', orderDay: '2026-05-01', lines: [{ sku: 'SKU-A', qty: 10, needBy: '2026-05-08', unitCost: 1 }] }, { currency: 'EUR', approval: config.approval, at: NOW }));
  const obs = (sku: string, receivedOn: string, leadTimeDays: number, onTime: boolean) => ({ supplierId: 'sup-std', sku, locationId: 's1', requestKey: `k-${receivedOn}`, orderedOn: '2026-05-01', receivedOn, leadTimeDays, promisedDate: '2026-05-05', onTime, confirmedQty: 10, receivedQty: 9 });
  await store.save(r!, { observations: [obs('SKU-A', '2026-05-05', 4, true), obs('SKU-A', '2026-05-09', 8, false), obs('SKU-B', '2026-05-10', 9, false)] });
  await store.create(newRequest({ idempotencyKey: 'sup-std|s2|2026-05-20', supplierId: 'sup-std', locationId: 's2', orderDay: '2026-05-20', lines: [{ sku: 'SKU-A', qty: 240, needBy: '2026-05-28', unitCost: 1 }, { sku: 'SKU-B', qty: 10, needBy: '2026-05-28', unitCost: 1 }] }, { currency: 'EUR', approval: config.approval, at: NOW }));
});

describe('stocksentry suppliers', () => {
  it('scorecard prints lead time, on-time and fill rate per supplier and the LEAD_TIME_RISK signal', async () => {
    const text = await run('scorecard', '--items');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^supplier\s+receipts\s+quoted d\s+mean d\s+σ d\s+recent d\s+on-time\s+fill\s+signal$/);
    expect(lines[1]).toMatch(/^sup-new\s+0\s+2\.0\s+0\.0\s+0\.0\s+0\.0\s+—\s+—\s+ok$/);
    expect(lines[2]).toMatch(/^sup-std\s+3\s+4\.0\s+7\.0\s+2\.6\s+8\.5\s+33%\s+90%\s+LEAD_TIME_RISK \(critical\)$/);
    expect(lines[3]).toMatch(/^ {2}SKU-A\s+2\s+6\.0/);
    expect(text).toContain('! Supplier sup-std: recent lead time 8.5 d is 2.13× the quoted 4 d');
    const json = JSON.parse(await run('scorecard', '--json', '--supplier', 'sup-std')) as { supplierId: string; observedLeadTimes: number[] }[];
    expect(json.map((c) => [c.supplierId, c.observedLeadTimes])).toEqual([['sup-std', [4, 8, 9]]]);
    expect(await store.getScorecard('sup-std')).toMatchObject({ receipts: 3, computedAt: NOW.toISOString() });
  });

  it('lists requests waiting for approval, and approve of the reviewed revision changes quantities and publishes the send', async () => {
    expect(await run('requests')).toMatch(/sup-std\|s2\|2026-05-20\s+pending_approval\s+1\s+2\s+250\.00 EUR/);
    // Without a revision the command shows what the request holds now instead of approving it blind.
    await expect(run('approve', 'sup-std|s2|2026-05-20', '--by', 'dana')).rejects.toThrow(/--revision.*revision 1:\n {2}SKU-A: 240 for 240\.00 EUR, need by 2026-05-28\n[\s\S]*total 250\.00 EUR/);
    const out = await run('approve', 'sup-std|s2|2026-05-20', '--revision', '1', '--set', 'SKU-A=50', '--by', 'dana');
    expect(out).toBe('sup-std|s2|2026-05-20: approved (sent to the bus)');
    expect(await store.get('sup-std|s2|2026-05-20')).toMatchObject({ state: 'approved', total: 60, approval: { decidedBy: 'dana' } });
    expect(published.map((e) => e.detailType)).toEqual(['ReplenishmentRequested']);
    await expect(run('approve', 'sup-std|s2|2026-05-20', '--revision', '1')).rejects.toThrow(/is approved, so it cannot be approved/);
  });

  it('refuses to approve a revision the request has moved past, and shows the difference', async () => {
    const key = 'sup-std|s3|2026-05-20';
    const ctx = { currency: 'EUR', approval: config.approval, at: NOW };
    const first = newRequest({ idempotencyKey: key, supplierId: 'sup-std', locationId: 's3', orderDay: '2026-05-20', lines: [{ sku: 'SKU-A', qty: 200, needBy: '2026-05-28', unitCost: 1 }] }, ctx);
    await store.create(first);
    const grown = amendRequest({ ...first, version: 1 }, { idempotencyKey: key, supplierId: 'sup-std', locationId: 's3', orderDay: '2026-05-20', lines: [
      { sku: 'SKU-A', qty: 300, needBy: '2026-05-28', unitCost: 1 }, { sku: 'SKU-B', qty: 50, needBy: '2026-05-28', unitCost: 2 },
    ] }, ctx).request;
    expect(await store.save(grown)).toMatchObject({ status: 'saved' });
    await expect(run('approve', key, '--revision', '1', '--by', 'dana'))
      .rejects.toThrow('changed since revision 1: it is at revision 2 now (added SKU-B (50); SKU-A 200 → 300; total 200.00 → 400.00 EUR)');
    expect(await store.get(key)).toMatchObject({ state: 'pending_approval', revision: 2 });
    expect(await run('approve', key, '--revision', '2', '--by', 'dana')).toMatch(/approved/);
  });
});
