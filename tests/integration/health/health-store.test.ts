// The stock-health cells on DynamoDB Local: contributions replaced, differences added, concurrent writers merged, and
// a finished sweep's sums set over whatever the cells held.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoHealthStore } from '../../../shared/adapters/dynamodb/health-store.js';
import { addToSums, contributionOf, positionHealth, summarizeHealth, type HealthInput } from '../../../shared/health/model.js';
import type { Finding } from '../../../shared/engine/snapshot.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

let table: TestTable;
beforeAll(async () => { table = await createTestTable(); });

const risk: Finding = { type: 'STOCKOUT_RISK', severity: 'warning', message: 'm', facts: { valueAtRisk: 10 } };
const input = (sku: string, patch: Partial<HealthInput> = {}): HealthInput =>
  ({ sku, locationId: sku.endsWith('1') ? 'store-1' : 'store-2', category: 'tea', day: '2026-03-10', onHand: 5, unitCost: 1, forecastDaily: 1, daysOfCover: 5, findings: [], ...patch });
const contribution = (sku: string, patch: Partial<HealthInput> = {}) => contributionOf(positionHealth(input(sku, patch)));

describe('health store', () => {
  it('keeps the cells equal to the sum of the latest contributions, with two writers at once', async () => {
    const a = new DynamoHealthStore(table.doc, table.tableName);
    const b = new DynamoHealthStore(table.doc, table.tableName);
    const skus = Array.from({ length: 40 }, (_, i) => `SKU-${i}`);
    await a.record(skus.map((s) => contribution(s)));
    // Both evaluate every position again at the same time (a sweep worker and the stream): only one write of each
    // position wins its version, the other re-reads and applies the remaining difference.
    await Promise.all([
      a.record(skus.map((s) => contribution(s, { findings: [risk] }))),
      b.record(skus.map((s) => contribution(s, { findings: [risk], onHand: 3 }))),
    ]);
    const latest = await Promise.all(skus.map((s) => a.positionHealth(s, input(s).locationId)));
    const cells = await a.cells();
    const summary = summarizeHealth(cells, {}, new Map());
    expect(summary.totals.positions).toBe(40);
    expect(summary.totals.atRisk).toBe(40);
    expect(summary.totals.valueAtRisk).toBe(400);
    expect(summary.totals.stockValue).toBe(latest.reduce((s, h) => s + (h!.vector.stockValue ?? 0), 0));
    // The calendar's figures (fill by day, cost of demand) come from the sweep, not from the differences.
    expect(summary.fillRate).toEqual([]);
    expect(summary.totals.cogsPerDay).toBe(0);
    expect(cells.map((c) => c.locationId).sort()).toEqual(['store-1', 'store-2']);
  });

  it('writes nothing for an unchanged contribution', async () => {
    const store = new DynamoHealthStore(table.doc, table.tableName);
    const h = contribution('SKU-X1');
    await store.record([h]);
    expect(await store.record([h])).toBe(0);
  });

  it('sets the cells to a sweep\'s sums: cells without positions become zero, fill figures older than 30 days go', async () => {
    const own = await createTestTable();
    const store = new DynamoHealthStore(own.doc, own.tableName);
    const sums = (day: string, skus: string[]) => [...addToSums(new Map(), skus.map((s) => positionHealth(input(s, { day, onHand: 0, daysOfCover: 0 })))).values()];
    // A cell as kept before its fill figures moved beside it: they are dropped from the cell item.
    const cellKey = { pk: 'HEALTH', sk: 'CELL#store-1#tea' };
    await own.doc.send(new PutCommand({ TableName: own.tableName, Item: { ...cellKey, entity: 'healthCell', locationId: 'store-1', category: 'tea', positions: 7, 'fd:2026-02-01': 3, 'fl:2026-02-01': 1 } }));
    await store.setCells(sums('2026-03-01', ['A-1', 'B-2']), '2026-03-01');
    const cell = (await own.doc.send(new GetCommand({ TableName: own.tableName, Key: cellKey }))).Item!;
    expect(Object.keys(cell).filter((k) => k.startsWith('f'))).toEqual([]);
    expect(cell.positions).toBe(1);
    // Drift between sweeps (a difference counted twice) is overwritten by the next sweep.
    await store.addToCells([{ locationId: 'store-1', category: 'tea', vector: { positions: 5 } }]);
    await store.setCells(sums('2026-03-30', ['A-1', 'C-1']), '2026-03-30');
    let cells = await store.cells();
    expect(cells.map((c) => [c.locationId, c.vector.positions, c.vector.cogsPerDay, Object.keys(c.fill).sort()])).toEqual([
      ['store-1', 2, 2, ['2026-03-01', '2026-03-30']], ['store-2', 0, 0, ['2026-03-01', '2026-03-30']],
    ]);
    expect(summarizeHealth(cells, {}, new Map()).fillRate).toEqual([{ day: '2026-03-01', rate: 1 }, { day: '2026-03-30', rate: 1 }]);
    await store.setCells(sums('2026-03-31', ['A-1']), '2026-03-31');
    cells = await store.cells();
    expect(cells.map((c) => Object.keys(c.fill).sort())).toEqual([['2026-03-30', '2026-03-31'], ['2026-03-30', '2026-03-31']]);
    expect(cells.map((c) => c.vector.positions)).toEqual([1, 0]);
  });
});
