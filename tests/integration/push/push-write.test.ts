// How pushed changes reach the table on DynamoDB Local: each existing position with its demand-history change as one
// unit in packed TransactWriteItems calls — a redelivery changes neither, and a writer that gets there first makes the
// unit read again and retry, never lose a change.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import type { StockChange } from '../../../shared/model.js';
import { LOCAL_AWS } from '../../../infra/local/dynamodb.js';
import { instrument } from '../../support/dynamo-calls.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const NOW = new Date('2026-05-01T12:00:00Z');
// After the pull at NOW (moves before it are already in what the pull read).
const sale = (id: string, qty: number): StockChange => ({ id, at: '2026-05-01T12:00:30Z', kind: 'move', qty: -qty, sold: qty });
const dayOf = async (store: DynamoInventoryStore, sku: string) => (await store.getDemand(sku, 'wh', '2026-05-01', '2026-05-01'))[0]?.daily[0];

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});

/** A store on its own client, so calls can be counted or intercepted for this test only. */
function storeOnOwnClient(): { store: DynamoInventoryStore; doc: DynamoDBDocumentClient } {
  const doc = documentClient({ endpoint: table.endpoint, ...LOCAL_AWS });
  return { store: new DynamoInventoryStore(doc, table.tableName), doc };
}

describe('pushed changes to existing positions', () => {
  it('write each position with its demand in one transaction unit, and a redelivery writes nothing', async () => {
    const { store, doc } = storeOnOwnClient();
    const skus = Array.from({ length: 60 }, (_, i) => `W${i}`);
    await store.upsertPositions('shop', skus.map((sku) => ({ sku, locationId: 'wh', onHand: 10, reserved: 0 })), NOW);
    await store.recordSales([{ sku: 'W0', locationId: 'wh', day: '2026-05-01', qty: 4 }]);
    const calls = instrument(doc);
    const push = skus.map((sku) => ({ sku, locationId: 'wh', changes: [sale(`${sku}-s1`, 2), sale(`${sku}-s2`, 1)] }));

    const first = await store.upsertPositions('pos', push, NOW);
    expect(first).toMatchObject({ written: 60, conflicts: 0, changes: { applied: 120, duplicate: 0 } });
    // 60 positions and 60 histories: two packed calls, no single-item writes.
    expect(calls.byOperation.TransactWriteItems).toBe(2);
    expect(calls.byOperation.PutItem).toBeUndefined();
    expect((await store.getPosition('W0', 'wh'))?.onHand).toBe(7);
    expect(await dayOf(store, 'W0')).toBe(7);
    expect(await dayOf(store, 'W59')).toBe(3);

    calls.reset();
    const again = await store.upsertPositions('pos', push, NOW);
    expect(again).toMatchObject({ written: 0, unchanged: 60, changes: { applied: 0, duplicate: 120 } });
    expect(calls.byOperation.TransactWriteItems).toBeUndefined();
    expect((await store.getPosition('W0', 'wh'))?.onHand).toBe(7);
    expect(await dayOf(store, 'W0')).toBe(7);
  });

  it('read again and retry when another writer changed the position or its history first', async () => {
    const { store, doc } = storeOnOwnClient();
    const other = storeOnOwnClient().store;
    await store.upsertPositions('shop', [{ sku: 'C1', locationId: 'wh', onHand: 10, reserved: 0 }, { sku: 'C2', locationId: 'wh', onHand: 10, reserved: 0 }], NOW);
    await store.recordSales([{ sku: 'C2', locationId: 'wh', day: '2026-05-01', qty: 1 }]);
    // Between the applier's read and its write: a receipt pushed through another applier to C1, and C2's day of
    // sales pulled again (set to 5) — both change what the transaction was conditioned on.
    let interfered = false;
    doc.middlewareStack.add((next, context) => async (args) => {
      if (!interfered && context.commandName === 'TransactWriteItemsCommand') {
        interfered = true;
        await other.upsertPositions('wms', [{ sku: 'C1', locationId: 'wh', changes: [{ id: 'r1', at: '2026-05-01T12:00:40Z', kind: 'move', qty: 5 }] }], NOW);
        await other.recordSales([{ sku: 'C2', locationId: 'wh', day: '2026-05-01', qty: 5 }]);
      }
      return next(args);
    }, { step: 'initialize' });
    const calls = instrument(doc);

    const result = await store.upsertPositions('pos', [
      { sku: 'C1', locationId: 'wh', changes: [sale('c1-s1', 2)] },
      { sku: 'C2', locationId: 'wh', changes: [sale('c2-s1', 3)] },
    ], NOW);

    expect(interfered).toBe(true);
    expect(calls.conditionFailures).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ written: 2, conflicts: 0, changes: { applied: 2, duplicate: 0 } });
    const c1 = await store.getPosition('C1', 'wh');
    expect(c1?.onHand).toBe(13);
    expect(c1?.ledger?.moves.map((m) => m.id).sort()).toEqual(['c1-s1', 'r1']);
    expect(await dayOf(store, 'C1')).toBe(2);
    expect((await store.getPosition('C2', 'wh'))?.onHand).toBe(7);
    expect(await dayOf(store, 'C2')).toBe(8);
  });

  it('create a position that does not exist yet, with its demand, outside the transactions', async () => {
    const { store } = storeOnOwnClient();
    const result = await store.upsertPositions('pos', [{ sku: 'N1', locationId: 'wh', changes: [sale('n1-s1', 2)] }], NOW);
    expect(result).toMatchObject({ written: 1, conflicts: 0 });
    expect((await store.getPosition('N1', 'wh'))?.onHand).toBe(-2);
    expect(await dayOf(store, 'N1')).toBe(2);
  });
});
