import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { erpnext } from '../../../connectors/erpnext/index.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { erpnextLocationMap, startFakeErpnext } from '../../fakes/erpnext.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 61 });
const configFor = (url: string, d: Dataset) => ({ name: 'frappe', type: 'erpnext', endpoint: url, credentials: { env: 'ERPNEXT_TOKEN' }, options: { locations: erpnextLocationMap(d), pageSize: 10 } });

describeConnectorConformance({
  name: 'erpnext',
  connector: erpnext,
  dataset,
  credential: 'key:secret',
  startFake: (d, { rateLimited }) => startFakeErpnext(d, rateLimited ? { rateLimit: { limit: 3, windowSeconds: 0.25 } } : {}),
  config: (fake) => configFor(fake.url, dataset),
});

describe('erpnext connector', () => {
  it('maps Bins back, float noise rounded away, negative stock kept', async () => {
    const fake = await startFakeErpnext(sampleDataset());
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, sampleDataset())), store, clock: fixedClock(), credentials: async () => 'key:secret', connector: erpnext });
      expect(report.streams[0]).toMatchObject({ name: 'positions', read: 7, quarantined: 0 });
      await expectRoundTrip(store, sampleDataset(), { positions: ['onHand', 'reserved'] });
    } finally {
      await fake.stop();
    }
  });
});
