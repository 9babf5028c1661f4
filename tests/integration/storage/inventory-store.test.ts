import { beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const at = new Date('2026-05-01T06:00:00Z');
let table: TestTable;
let store: DynamoInventoryStore;

beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoInventoryStore(table.doc, table.tableName);
});

const countRows = async (entity: string) =>
  (await table.doc.send(new ScanCommand({ TableName: table.tableName, FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': entity } }))).Items ?? [];

describe('positions', () => {
  it('writes a new position, then writes nothing for the same data', async () => {
    const first = await store.upsertPositions('shop', [{ sku: 'A', locationId: 'store-1', onHand: 10, reserved: 2 }], at);
    expect(first).toEqual({ written: 1, unchanged: 0, conflicts: 0 });
    const again = await store.upsertPositions('shop', [{ sku: 'A', locationId: 'store-1', onHand: 10, reserved: 2 }], at);
    expect(again).toEqual({ written: 0, unchanged: 1, conflicts: 0 });
    const p = await store.getPosition('A', 'store-1');
    expect(p).toMatchObject({ onHand: 10, reserved: 2, version: 1, sources: ['shop'], inbound: [] });
  });

  it('merges fields owned by different sources and keeps each source\'s inbound lines', async () => {
    await store.upsertPositions('shop', [{ sku: 'B', locationId: 'wh', onHand: 5 }], at);
    await store.upsertPositions('erp', [{ sku: 'B', locationId: 'wh', inbound: [{ qty: 20, eta: '2026-05-10', ref: 'PO-1' }] }], at);
    await store.upsertPositions('supplier-ack', [{ sku: 'B', locationId: 'wh', inbound: [{ qty: 7, eta: '2026-05-08', ref: 'REQ-9' }] }], at);
    await store.upsertPositions('erp', [{ sku: 'B', locationId: 'wh', inbound: [{ qty: 25, eta: '2026-05-11', ref: 'PO-1' }] }], at);
    const p = await store.getPosition('B', 'wh');
    expect(p?.onHand).toBe(5);
    expect(p?.inbound.map((l) => [l.ref, l.qty, l.source]).sort()).toEqual([['PO-1', 25, 'erp'], ['REQ-9', 7, 'supplier-ack']]);
    expect(p?.sources.sort()).toEqual(['erp', 'shop', 'supplier-ack']);
    expect(p?.version).toBe(4);
  });

  it('replaces only the lines inside a scope, so two requests acknowledged at once keep both their lines', async () => {
    await store.upsertPositions('erp', [{ sku: 'S', locationId: 'wh', inbound: [{ qty: 9, eta: '2026-05-20', ref: 'PO-7' }] }], at);
    await Promise.all([
      store.upsertPositions('supplier-ack', [{ sku: 'S', locationId: 'wh', inboundScope: 'req:a#', inbound: [{ qty: 1, eta: '2026-05-05', ref: 'req:a#1' }] }], at),
      store.upsertPositions('supplier-ack', [{ sku: 'S', locationId: 'wh', inboundScope: 'req:b#', inbound: [{ qty: 2, eta: '2026-05-06', ref: 'req:b#1' }] }], at),
    ]);
    await store.upsertPositions('supplier-ack', [{ sku: 'S', locationId: 'wh', inboundScope: 'req:a#', inbound: [{ qty: 3, eta: '2026-05-07', ref: 'req:a#1' }] }], at);
    const refs = (await store.getPosition('S', 'wh'))?.inbound.map((l) => `${l.ref}:${l.qty}`).sort();
    expect(refs).toEqual(['PO-7:9', 'req:a#1:3', 'req:b#1:2']);
  });

  it('lets exactly one of two concurrent writers of the same version win, and the other retries on the new state', async () => {
    await store.upsertPositions('shop', [{ sku: 'C', locationId: 'wh', onHand: 1 }], at);
    const results = await Promise.all([
      store.upsertPositions('shop', [{ sku: 'C', locationId: 'wh', onHand: 2 }], at),
      store.upsertPositions('erp', [{ sku: 'C', locationId: 'wh', inbound: [{ qty: 3, eta: '2026-05-09' }] }], at),
    ]);
    expect(results.reduce((n, r) => n + r.written, 0)).toBe(2);
    const p = await store.getPosition('C', 'wh');
    expect(p).toMatchObject({ onHand: 2, version: 3 });
    expect(p?.inbound).toHaveLength(1);
  });

  it('lists positions by location and marks the ones a source stopped reporting', async () => {
    await store.upsertPositions('pos', [{ sku: 'D', locationId: 'store-9', onHand: 1 }, { sku: 'E', locationId: 'store-9', onHand: 2 }], at);
    const listed = [];
    for await (const p of store.listPositions({ locationId: 'store-9' })) listed.push(p.sku);
    expect(listed.sort()).toEqual(['D', 'E']);
    expect(await store.markVanished('pos', new Set(['D@store-9']), at)).toBe(1);
    expect((await store.getPosition('E', 'store-9'))?.vanishedAt).toBe(at.toISOString());
    expect((await store.getPosition('D', 'store-9'))?.vanishedAt).toBeUndefined();
    // Reported again: it comes back.
    expect((await store.upsertPositions('pos', [{ sku: 'E', locationId: 'store-9', onHand: 2 }], at)).written).toBe(1);
    expect((await store.getPosition('E', 'store-9'))?.vanishedAt).toBeUndefined();
  });
});

describe('demand, reference data, cursors and quarantine', () => {
  it('keeps one rolling history item per position and sets (not adds) a day on re-read', async () => {
    const sales = [
      { sku: 'A', locationId: 'store-1', day: '2026-04-29', qty: 3 },
      { sku: 'A', locationId: 'store-1', day: '2026-04-30', qty: 0, outOfStock: true },
      { sku: 'A', locationId: 'store-1', day: '2026-05-01', qty: 4 },
    ];
    expect(await store.recordSales(sales)).toBe(1);
    expect(await store.recordSales(sales)).toBe(0);
    const months = await store.getDemand('A', 'store-1', '2026-04-01', '2026-05-31');
    expect(months.map((m) => m.month)).toEqual(['2026-04', '2026-05']);
    expect(months[0]!.daily[28]).toBe(3);
    expect(months[0]!.outOfStockDays).toEqual([30]);
    expect(months[1]!.daily).toEqual([4]);
  });

  it('writes items, locations and suppliers only when they changed', async () => {
    const items = [{ sku: 'A', unitCost: 2 }, { sku: 'B', unitCost: 3, packSize: 6 }];
    expect(await store.putItems(items)).toBe(2);
    expect(await store.putItems(items)).toBe(0);
    expect(await store.putItems([{ sku: 'A', unitCost: 2.5 }])).toBe(1);
    expect(await store.getItem('A')).toEqual({ sku: 'A', unitCost: 2.5 });
    expect([...(await store.getItems(['A', 'B', 'Z'])).keys()].sort()).toEqual(['A', 'B']);
    expect(await store.putLocations([{ id: 'wh', kind: 'warehouse' }])).toBe(1);
    expect(await store.listLocations()).toEqual([{ id: 'wh', kind: 'warehouse' }]);
    expect(await store.putSuppliers([{ id: 'sup-1', leadTimeDays: 5, observedLeadTimes: [5, 6] }])).toBe(1);
    expect(await store.getSupplier('sup-1')).toEqual({ id: 'sup-1', leadTimeDays: 5, observedLeadTimes: [5, 6] });
  });

  it('checkpoints cursors and quarantines bad records with their reason', async () => {
    expect(await store.getCursor('shop', 'positions')).toBeUndefined();
    await store.putCursor('shop', 'positions', 'c1', at);
    await store.putCursor('shop', 'positions', 'c2', at);
    expect(await store.getCursor('shop', 'positions')).toBe('c2');
    await store.quarantine([{ connector: 'shop', stream: 'positions', reason: 'onHand: expected number', raw: { sku: 'X', onHand: 'lots' } }], at);
    const q = await store.listQuarantine('shop');
    expect(q).toEqual([{ connector: 'shop', stream: 'positions', reason: 'onHand: expected number', raw: { sku: 'X', onHand: 'lots' }, at: at.toISOString() }]);
    expect((await countRows('quarantine'))[0]?.ttl).toBeGreaterThan(at.getTime() / 1000);
  });
});
