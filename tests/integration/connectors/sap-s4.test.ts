import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { sapS4 } from '../../../connectors/sap-s4/index.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { sapLocationMap, startFakeSapS4 } from '../../fakes/sap-s4.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 41 });
const configFor = (url: string, d: Dataset) => ({
  name: 'sap', type: 'sap-s4', endpoint: url, credentials: { env: 'SAP_PASSWORD' },
  options: { user: 'COMM_USER', plants: Object.keys(sapLocationMap(d)), locations: sapLocationMap(d), pageSize: 20 },
});

describeConnectorConformance({
  name: 'sap-s4',
  connector: sapS4,
  dataset,
  credential: 'sap-pass',
  startFake: (d) => startFakeSapS4(d),
  config: (fake) => configFor(fake.url, dataset),
  corrupt: (d) => { d.positions[0]!.onHand = Number.NaN; return /not a decimal/; },
  noRateLimit: 'API_MATERIAL_STOCK_SRV has no standard rate limit (only API Management in front adds one)',
});

describe('sap-s4 connector', () => {
  it('sums unrestricted own stock over storage locations per plant, ignoring quality and consignment stock', async () => {
    const fake = await startFakeSapS4(sampleDataset());
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, sampleDataset())), store, clock: fixedClock(), credentials: async () => 'sap-pass', connector: sapS4 });
      expect(report.streams[0]).toMatchObject({ name: 'positions', read: 7, quarantined: 0 });
      // 0.3 arrives as "0.200" + "0.100" and is summed back to 0.3, not 0.30000000000000004.
      await expectRoundTrip(store, sampleDataset(), { positions: ['onHand'] });
    } finally {
      await fake.stop();
    }
  });
});
