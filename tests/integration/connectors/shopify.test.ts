import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { shopify } from '../../../connectors/shopify/index.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { shopifyLocationMap, startFakeShopify } from '../../fakes/shopify.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 21, salesDays: 2 });
const configFor = (url: string, d: Dataset, extra: Record<string, unknown> = {}) => ({
  name: 'shop', type: 'shopify', endpoint: url, credentials: { env: 'SHOPIFY_TOKEN' },
  options: { locations: shopifyLocationMap(d), pageSize: 10, ...extra },
});

describeConnectorConformance({
  name: 'shopify',
  connector: shopify,
  dataset,
  credential: 'shpat_test',
  startFake: (d, { rateLimited }) => startFakeShopify(d, rateLimited ? { budget: { maximumAvailable: 300, restoreRate: 300 } } : {}),
  config: (fake) => configFor(fake.url, dataset),
});

describe('shopify connector', () => {
  it('maps the sample dataset back: on hand and committed per location, daily sales incl. online orders, items', async () => {
    const fake = await startFakeShopify(sampleDataset());
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const config = connectorConfig.parse(configFor(fake.url, sampleDataset(), { syncItems: true }));
      const report = await runSync({ config, store, clock: fixedClock(), credentials: async () => 'shpat_test', connector: shopify });
      expect(report.streams.map((s) => s.name)).toEqual(['locations', 'items', 'positions', 'sales']);
      // Flour's 0.3 on hand is not an Int in Shopify; the fake sends it as is and the SDK keeps it.
      await expectRoundTrip(store, sampleDataset(), {
        positions: ['onHand', 'reserved'], sales: true,
        locations: ['id', 'name', 'kind'], items: ['sku', 'name', 'category', 'unitCost', 'unitPrice'],
      });
    } finally {
      await fake.stop();
    }
  });
});
