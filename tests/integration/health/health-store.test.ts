// The stock-health cells on DynamoDB Local: contributions replaced, differences added, concurrent writers merged.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoHealthStore } from '../../../shared/adapters/dynamodb/health-store.js';
import { positionHealth, summarizeHealth, type HealthInput } from '../../../shared/health/model.js';
import type { Finding } from '../../../shared/engine/snapshot.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

let table: TestTable;
beforeAll(async () => { table = await createTestTable(); });

const risk: Finding = { type: 'STOCKOUT_RISK', severity: 'warning', message: 'm', facts: { valueAtRisk: 10 } };
const input = (sku: string, patch: Partial<HealthInput> = {}): HealthInput =>
  ({ sku, locationId: sku.endsWith('1') ? 'store-1' : 'store-2', category: 'tea', day: '2026-03-10', onHand: 5, unitCost: 1, forecastDaily: 1, daysOfCover: 5, findings: [], ...patch });

describe('health store', () => {
  it('keeps the cells equal to the sum of the latest contributions, with two writers at once', async () => {
    const a = new DynamoHealthStore(table.doc, table.tableName);
    const b = new DynamoHealthStore(table.doc, table.tableName);
    const skus = Array.from({ length: 40 }, (_, i) => `SKU-${i}`);
    await a.record(skus.map((s) => positionHealth(input(s))));
    // Both evaluate every position again at the same time (a sweep worker and the stream): only one write of each
    // position wins its version, the other re-reads and applies the remaining difference.
    await Promise.all([
      a.record(skus.map((s) => positionHealth(input(s, { findings: [risk] })))),
      b.record(skus.map((s) => positionHealth(input(s, { findings: [risk], onHand: 3 })))),
    ]);
    const latest = await Promise.all(skus.map((s) => a.positionHealth(s, input(s).locationId)));
    const cells = await a.cells();
    const summary = summarizeHealth(cells, {}, new Map());
    expect(summary.totals.positions).toBe(40);
    expect(summary.totals.atRisk).toBe(40);
    expect(summary.totals.valueAtRisk).toBe(400);
    expect(summary.totals.stockValue).toBe(latest.reduce((s, h) => s + h!.vector.stockValue, 0));
    expect(summary.fillRate).toEqual([{ day: '2026-03-10', rate: 1 }]);
    expect(cells.map((c) => c.locationId).sort()).toEqual(['store-1', 'store-2']);
  });

  it('writes nothing for an unchanged contribution', async () => {
    const store = new DynamoHealthStore(table.doc, table.tableName);
    const h = positionHealth(input('SKU-X1'));
    await store.record([h]);
    expect(await store.record([h])).toBe(0);
  });
});
