import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { woocommerce } from '../../../connectors/woocommerce/index.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset } from '../../fakes/dataset.js';
import { startFakeWoo } from '../../fakes/woocommerce.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

// Core WooCommerce has one stock number per product: a one-location dataset.
const dataset = generateDataset({ items: 20, locations: 1, seed: 51, salesDays: 2 });
const config = (url: string, extra: Record<string, unknown> = {}) => ({ name: 'woo', type: 'woocommerce', endpoint: url, credentials: { env: 'WOO_KEYS' }, options: { locationId: 'wh-main', perPage: 10, ...extra } });

describeConnectorConformance({
  name: 'woocommerce',
  connector: woocommerce,
  dataset,
  credential: 'ck_test:cs_test',
  startFake: (d) => startFakeWoo(d),
  config: (fake) => config(fake.url),
  corrupt: (d) => { d.positions[0]!.sku = ''; return /sku/; },
  noRateLimit: 'wc/v3 has no built-in rate limit; a host\'s 429/503 is retried with Retry-After',
});

describe('woocommerce connector', () => {
  it('maps stock (negative with backorders) and daily sales back, skipping unmanaged products, with keys in the query string', async () => {
    const fake = await startFakeWoo(dataset);
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const report = await runSync({ config: connectorConfig.parse(config(fake.url, { authInQuery: true })), store, clock: fixedClock(), credentials: async () => 'ck_test:cs_test', connector: woocommerce });
      expect(report.streams.map((s) => [s.name, s.read, s.quarantined])).toEqual([['positions', 20, 0], ['sales', expect.any(Number), 0]]);
      await expectRoundTrip(store, dataset, { positions: ['onHand'], sales: true });
    } finally {
      await fake.stop();
    }
  });
});
