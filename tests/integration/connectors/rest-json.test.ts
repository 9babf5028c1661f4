import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { restJson } from '../../../connectors/rest-json/index.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset } from '../../fakes/dataset.js';
import { restJsonOptionsFor, startFakeRestJson } from '../../fakes/rest-json.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 11, salesDays: 1 });

describeConnectorConformance({
  name: 'rest-json',
  connector: restJson,
  dataset,
  credential: 'test-token',
  startFake: (d, { rateLimited }) => startFakeRestJson(d, { rateLimit: rateLimited ? { perSecond: 50, burst: 5 } : undefined }),
  config: (fake) => ({ name: 'erp-json', type: 'rest-json', endpoint: fake.url, credentials: { env: 'ERP_TOKEN' }, options: { ...restJsonOptionsFor('keyset'), ...(fake.rateLimit ? { rateLimit: fake.rateLimit } : {}) } }),
});

describe('rest-json paging styles', () => {
  for (const paging of ['keyset', 'link', 'page', 'offset'] as const) {
    it(`maps the sample dataset back to the same canonical values with ${paging} paging`, async () => {
      const fake = await startFakeRestJson(sampleDataset(), { paging });
      try {
        const table = await createTestTable();
        const store = new DynamoInventoryStore(table.doc, table.tableName);
        const config = connectorConfig.parse({ name: 'erp-json', type: 'rest-json', endpoint: fake.url, credentials: { env: 'T' }, options: restJsonOptionsFor(paging) });
        const report = await runSync({ config, store, clock: fixedClock(), credentials: async () => 'test-token', connector: restJson });
        expect(report.streams.map((s) => s.quarantined)).toEqual([0, 0, 0, 0, 0, 0]);
        await expectRoundTrip(store, sampleDataset(), {
          positions: ['onHand', 'reserved'], inbound: true, sales: true,
          items: ['sku', 'name', 'category', 'unitCost', 'unitPrice', 'minQty', 'maxQty', 'moq', 'supplierId'],
          locations: ['id', 'name', 'kind', 'parent'], suppliers: ['id', 'name', 'leadTimeDays'],
        });
      } finally {
        await fake.stop();
      }
    });
  }
});
