import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestStore } from '../../../shared/adapters/dynamodb/request-store.js';
import type { Item } from '../../../shared/model.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../../shared/replenishment/config.js';
import { newRequest } from '../../../shared/replenishment/request.js';
import { markSent, planReplenishment, type ReplenishmentDeps } from '../../../shared/replenishment/service.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const T0 = new Date('2026-05-04T08:00:00Z');
const config = replenishmentConfig.parse({ approval: { autoApproveBelow: 100_000 } });
const suppliers = new Map<string, ReplenishmentSupplier>([['sup-std', { id: 'sup-std', leadTimeDays: 5, format: 'json' }]]);
const items = new Map<string, Item>(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((s) => [`SKU-${s}`, { sku: `SKU-${s}`, unitCost: 1, packSize: 6 }]));
const decision = (sku: string, qty = 10) => ({ sku, location: 'store-1', replenish: { qty, supplierId: 'sup-std', needBy: '2026-05-10' } });

let table: TestTable;
// Each evaluator has its own client, as separate Lambda containers would.
const evaluator = (): ReplenishmentDeps => ({ requests: new DynamoRequestStore(table.doc, table.tableName), clock: { now: () => T0 }, config, suppliers });

beforeAll(async () => { table = await createTestTable(); });

describe('DynamoRequestStore', () => {
  it('creates once, then saves only on the version it read', async () => {
    const store = new DynamoRequestStore(table.doc, table.tableName);
    const request = newRequest({ idempotencyKey: 'sup-x|s|2026-05-04', supplierId: 'sup-x', locationId: 's', orderDay: '2026-05-04', lines: [{ sku: 'SKU-A', qty: 6, needBy: '2026-05-10', unitCost: 1 }] }, { currency: 'EUR', approval: config.approval, at: T0 });
    const created = await store.create(request);
    expect(created?.version).toBe(1);
    expect(await store.create(request)).toBeUndefined();
    const saved = await store.save({ ...created!, state: 'sent' });
    expect(saved).toMatchObject({ status: 'saved', request: { version: 2, state: 'sent' } });
    expect(await store.save({ ...created!, state: 'cancelled' })).toEqual({ status: 'conflict' });
    expect((await store.get(request.idempotencyKey))?.state).toBe('sent');
    expect((await store.listByState('sent')).map((r) => r.idempotencyKey)).toContain(request.idempotencyKey);
    expect((await store.listBySupplier('sup-x')).map((r) => r.idempotencyKey)).toEqual([request.idempotencyKey]);
  });

  it('refuses a message id it has seen from the same sender, atomically with the request write', async () => {
    const store = new DynamoRequestStore(table.doc, table.tableName);
    const created = await store.create(newRequest({ idempotencyKey: 'sup-y|s|2026-05-04', supplierId: 'sup-y', locationId: 's', orderDay: '2026-05-04', lines: [{ sku: 'SKU-A', qty: 6, needBy: '2026-05-10', unitCost: 1 }] }, { currency: 'EUR', approval: config.approval, at: T0 }));
    const message = { senderId: 'sup-y', messageId: 'msg-0001', kind: 'ack' as const, requestKey: created!.idempotencyKey, receivedAt: T0.toISOString(), body: '{}' };
    const first = await store.save({ ...created!, state: 'acknowledged' }, { message });
    expect(first.status).toBe('saved');
    const again = await store.save(first.status === 'saved' ? { ...first.request, state: 'rejected' } : created!, { message });
    expect(again).toEqual({ status: 'replayed' });
    expect((await store.get(created!.idempotencyKey))).toMatchObject({ state: 'acknowledged', version: 2 });
    expect(await store.listMessages(created!.idempotencyKey)).toEqual([message]);
  });
});

describe('concurrent evaluators', () => {
  it('eight evaluators planning the same day at once create one request, not a second', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => planReplenishment(evaluator(), [decision('SKU-A'), decision('SKU-B')], items)));
    const stored = await evaluator().requests.listBySupplier('sup-std');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ idempotencyKey: 'sup-std|store-1|2026-05-04', revision: 1, version: 1 });
    expect(stored[0]?.lines.map((l) => [l.sku, l.qty])).toEqual([['SKU-A', 12], ['SKU-B', 12]]);
    // Every evaluator announces the approved, unsent request (sending is idempotent), all at the one stored version.
    expect(results.flatMap((r) => r.events).filter((e) => e.detailType === 'ReplenishmentRequested')).toHaveLength(8);
    expect(new Set(results.map((r) => r.requests[0]?.version))).toEqual(new Set([1]));
  });

  it('evaluators that each saw different positions amend the one request with every line', async () => {
    const skus = ['SKU-C', 'SKU-D', 'SKU-E', 'SKU-F', 'SKU-G', 'SKU-H'];
    await Promise.all(skus.map((sku) => planReplenishment(evaluator(), [decision(sku, 7)], items)));
    const [request] = await evaluator().requests.listBySupplier('sup-std');
    expect(request?.lines.map((l) => l.sku).sort()).toEqual(['SKU-A', 'SKU-B', ...skus]);
    expect(request?.lines.filter((l) => skus.includes(l.sku)).every((l) => l.qty === 12)).toBe(true);
    expect(new Set(request?.lines.map((l) => l.lineNo)).size).toBe(8);
    expect(request?.revision).toBe(1 + skus.length);
  });
});

describe('markSent', () => {
  it('remembers a revision that reached the supplier even if the request was amended meanwhile', async () => {
    const deps = evaluator();
    await planReplenishment(deps, [{ sku: 'SKU-A', location: 'store-7', replenish: { qty: 6, supplierId: 'sup-std', needBy: '2026-05-10' } }], items);
    await planReplenishment(deps, [{ sku: 'SKU-B', location: 'store-7', replenish: { qty: 6, supplierId: 'sup-std', needBy: '2026-05-10' } }], items);
    const key = 'sup-std|store-7|2026-05-04';
    expect(await markSent(deps, key, 1)).toMatchObject({ revision: 2, sentRevision: 1, state: 'approved' });
    expect(await markSent(deps, key, 1)).toBeUndefined();
    expect(await markSent(deps, key, 2)).toMatchObject({ revision: 2, sentRevision: 2, state: 'sent', ackDueAt: '2026-05-06T08:00:00.000Z' });
  });
});

describe('approval tasks', () => {
  it('ask the buyers again when the waiting request changes materially, not for a small drift', async () => {
    const strict = replenishmentConfig.parse({ approval: { autoApproveBelow: 1 } });
    const deps: ReplenishmentDeps = { requests: new DynamoRequestStore(table.doc, table.tableName), clock: { now: () => new Date('2026-05-06T08:00:00Z') }, config: strict, suppliers };
    const first = await planReplenishment(deps, [decision('SKU-A', 120)], items);
    expect(first.events.map((e) => e.detailType)).toEqual(['ReplenishmentApprovalRequested']);
    // A line added: material, so the buyers get the new revision.
    const second = await planReplenishment(deps, [decision('SKU-B')], items);
    expect(second.requests[0]).toMatchObject({ state: 'pending_approval', revision: 2, announcedRevision: 2 });
    expect(second.requests[0]!.lines.map((l) => l.sku).sort()).toEqual(['SKU-A', 'SKU-B']);
    expect(second.events).toMatchObject([{ detailType: 'ReplenishmentApprovalRequested', detail: { revision: 2 } }]);
    // SKU-A one pack larger: 132 → 138, under 10% of the total, so nobody is asked again.
    const third = await planReplenishment(deps, [decision('SKU-A', 126)], items);
    expect(third.requests[0]).toMatchObject({ revision: 3, total: 138, announcedRevision: 2 });
    expect(third.events).toEqual([]);
  });
});
