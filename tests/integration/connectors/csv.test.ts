import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { csv } from '../../../connectors/csv/index.js';
import { runSync, type SyncProgress } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset } from '../../fakes/dataset.js';
import { startFakeCsv } from '../../fakes/csv.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

describeConnectorConformance({
  name: 'csv',
  connector: csv,
  dataset: generateDataset({ items: 8, locations: 3, seed: 5, salesDays: 1 }),
  startFake: (d) => startFakeCsv(d),
  config: (fake) => ({ name: 'files', type: 'csv', endpoint: fake.url, options: { checkpointEvery: 20 } }),
  badConfig: (fake) => ({ name: 'files', type: 'csv', endpoint: path.join(fake.url, 'missing'), options: {} }),
  noRateLimit: 'files on disk have no rate limit',
});

describe('csv connector', () => {
  it('maps the sample dataset back to the same canonical values', async () => {
    const fake = await startFakeCsv(sampleDataset());
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const report = await runSync({ config: connectorConfig.parse({ name: 'files', type: 'csv', endpoint: fake.url }), store, clock: fixedClock(), connector: csv });
      expect(report.streams.every((s) => s.quarantined === 0)).toBe(true);
      await expectRoundTrip(store, sampleDataset(), {
        positions: ['onHand', 'reserved'], inbound: true, sales: true,
        items: ['sku', 'name', 'category', 'unitCost', 'unitPrice', 'minQty', 'maxQty', 'moq', 'supplierId'],
        locations: ['id', 'name', 'kind', 'parent'], suppliers: ['id', 'name', 'leadTimeDays'],
      });
    } finally {
      await fake.stop();
    }
  });

  it('reads quoted cells, other column names and decimal strings, and names the line of a bad row', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'csv-quirks-'));
    writeFileSync(path.join(dir, 'stock.csv'), 'Article;Store;Qty\n"SKU;1";north;"100,5"\nSKU-2;north;12.000\n;north;3\n');
    const table = await createTestTable();
    const store = new DynamoInventoryStore(table.doc, table.tableName);
    const config = connectorConfig.parse({ name: 'files', type: 'csv', endpoint: dir, options: { delimiter: ';', files: { positions: 'stock.csv' }, columns: { sku: 'Article', locationId: 'Store', onHand: 'Qty' }, streams: ['positions'] } });
    const report = await runSync({ config, store, clock: fixedClock(), connector: csv });
    expect(report.streams[0]).toMatchObject({ read: 3, written: 1, quarantined: 2 });
    expect((await store.getPosition('SKU-2', 'north'))?.onHand).toBe(12);
    const reasons = (await store.listQuarantine('files')).map((q) => q.reason).sort();
    expect(reasons[0]).toMatch(/onHand/);
    expect(reasons[1]).toMatch(/sku/);
    expect((await store.listQuarantine('files')).map((q) => (q.raw as { _line: number })._line).sort()).toEqual([2, 4]);
  });

  it('reports progress while it reads: records, pages, rate, and an ETA from the rows the file holds', async () => {
    const dataset = generateDataset({ items: 40, locations: 5, seed: 9, salesDays: 1 });
    const fake = await startFakeCsv(dataset);
    try {
      const table = await createTestTable();
      const progress: SyncProgress[] = [];
      await runSync({
        config: connectorConfig.parse({ name: 'files', type: 'csv', endpoint: fake.url, options: { checkpointEvery: 25, streams: ['positions'] } }),
        store: new DynamoInventoryStore(table.doc, table.tableName), clock: fixedClock(), connector: csv, onProgress: (p) => progress.push(p),
      });
      const positions = dataset.positions.length;
      expect(progress[0]).toMatchObject({ connector: 'files', stream: 'positions', records: 0, done: false });
      expect(progress.find((p) => p.total !== undefined)).toMatchObject({ total: positions, etaSeconds: expect.any(Number) });
      expect(progress.at(-1)).toMatchObject({ records: positions, total: positions, done: true });
      expect(progress.at(-1)!.rate).toBeGreaterThan(0);
    } finally {
      await fake.stop();
    }
  });
});
