import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { odoo } from '../../../connectors/odoo/index.js';
import { checkConnector, runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { odooLocationMap, startFakeOdoo } from '../../fakes/odoo.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 31 });
const configFor = (url: string, d: Dataset) => ({
  name: 'erp', type: 'odoo', endpoint: url, credentials: { env: 'ODOO_API_KEY' },
  options: { db: 'shop', login: 'api@example.com', locations: odooLocationMap(d), pageSize: 10 },
});

describeConnectorConformance({
  name: 'odoo',
  connector: odoo,
  dataset,
  credential: 'odoo-key',
  startFake: (d) => startFakeOdoo(d),
  config: (fake) => configFor(fake.url, dataset),
  noRateLimit: 'Odoo has no standard rate limiting',
});

describe('odoo connector', () => {
  for (const version of [15, 17, 18] as const) {
    it(`maps the sample dataset back on Odoo ${version}: summed quants with lots, items with orderpoints and vendors, open PO lines`, async () => {
      const fake = await startFakeOdoo(sampleDataset(), { version });
      try {
        const table = await createTestTable();
        const store = new DynamoInventoryStore(table.doc, table.tableName);
        const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, sampleDataset())), store, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
        expect(report.streams.map((s) => [s.name, s.quarantined])).toEqual([['locations', 0], ['items', 0], ['suppliers', 0], ['positions', 0], ['purchaseOrders', 0]]);
        await expectRoundTrip(store, sampleDataset(), {
          positions: ['onHand', 'reserved', 'lots'], inbound: true,
          items: ['sku', 'name', 'category', 'unitCost', 'unitPrice', 'minQty', 'maxQty', 'moq', 'supplierId'],
          locations: ['id', 'kind'], suppliers: ['id', 'name', 'leadTimeDays'],
        });
      } finally {
        await fake.stop();
      }
    });
  }

  it('clears inbound of purchase orders that were received since the last sync', async () => {
    const fake = await startFakeOdoo(sampleDataset());
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const config = connectorConfig.parse(configFor(fake.url, sampleDataset()));
      const sync = () => runSync({ config, store, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      await sync();
      expect((await store.getPosition('HAMMER', 'wh-central'))?.inbound).toHaveLength(1);
      fake.update({ ...sampleDataset(), purchaseOrders: sampleDataset().purchaseOrders.filter((l) => l.sku !== 'HAMMER') });
      await sync();
      expect((await store.getPosition('HAMMER', 'wh-central'))?.inbound).toEqual([]);
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });

  it('fails the check with Odoo\'s reason for a wrong database', async () => {
    const fake = await startFakeOdoo(sampleDataset());
    try {
      const config = connectorConfig.parse({ ...configFor(fake.url, sampleDataset()), options: { db: 'other', login: 'api@example.com' } });
      const result = await checkConnector({ config, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('database "other"') });
    } finally {
      await fake.stop();
    }
  });
});
