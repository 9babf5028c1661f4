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
  it('maps Bins, Items with their reorder level and default supplier, supplier lead times and open purchase order lines back', async () => {
    const fake = await startFakeErpnext(sampleDataset());
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, sampleDataset())), store, clock: fixedClock(), credentials: async () => 'key:secret', connector: erpnext });
      expect(report.streams.find((s) => s.name === 'positions')).toMatchObject({ read: 7, quarantined: 0 });
      expect(report.streams.map((s) => s.quarantined)).toEqual([0, 0, 0, 0]);
      await expectRoundTrip(store, sampleDataset(), {
        positions: ['onHand', 'reserved'], inbound: true,
        items: ['sku', 'name', 'category', 'unitCost', 'unitPrice', 'moq', 'minQty', 'maxQty', 'supplierId'],
        suppliers: ['id', 'name', 'leadTimeDays'],
      });
      // Only the open lines of submitted orders to receive: not the received line, the completed order or the draft.
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound.map((l) => [l.ref, l.qty])).toEqual([['PO00017', 240]]);
      expect(await store.getSupplier('SUP-UNUSED')).toBeUndefined();
    } finally {
      await fake.stop();
    }
  });
});

describe('erpnext items with reorder levels in several warehouses', () => {
  it('leaves min/max to the hub when an item is reordered in more than one warehouse', async () => {
    const d = sampleDataset();
    const fake = await startFakeErpnext(d, { reorderWarehouses: 2 });
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const config = connectorConfig.parse({ ...configFor(fake.url, d), options: { locations: erpnextLocationMap(d), pageSize: 10, streams: ['items'] } });
      await runSync({ config, store, clock: fixedClock(), credentials: async () => 'key:secret', connector: erpnext });
      const milk = await store.getItem('MILK-1L');
      expect(milk).toMatchObject({ moq: 12, supplierId: 'sup-acme' });
      expect([milk?.minQty, milk?.maxQty]).toEqual([undefined, undefined]);
    } finally {
      await fake.stop();
    }
  });
});
