import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { supplierApi } from '../../../connectors/supplier-api/index.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { startFakeSupplierApi, SUPPLIER_API_KEY, supplierApiOptionsFor } from '../../fakes/supplier-api.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

/** Suppliers with per-item lead times; the second one's quote equals its slowest item, so the portal leaves it blank. */
function withLeadTimes(d: Dataset): Dataset {
  return {
    ...d,
    suppliers: d.suppliers.map((s, i) => (i % 2 === 0
      ? { ...s, observedLeadTimes: [s.leadTimeDays - 1, s.leadTimeDays, s.leadTimeDays + 2], onTimeRate: 0.9 }
      : { ...s, observedLeadTimes: [s.leadTimeDays, s.leadTimeDays - 2] })),
  };
}

const dataset = withLeadTimes(generateDataset({ items: 6, locations: 3, seed: 71, suppliers: 5, openOrderShare: 0.8 }));
const configFor = (url: string, d: Dataset, extra: Record<string, unknown> = {}) => ({ name: 'portal', type: 'supplier-api', endpoint: url, credentials: { env: 'PORTAL_KEY' }, options: { ...supplierApiOptionsFor(d), ...extra } });
const newStore = async () => {
  const table = await createTestTable();
  return new DynamoInventoryStore(table.doc, table.tableName);
};

describeConnectorConformance({
  name: 'supplier-api',
  connector: supplierApi,
  dataset,
  credential: SUPPLIER_API_KEY,
  startFake: (d, { rateLimited }) => startFakeSupplierApi(d, rateLimited ? { rateLimit: { perSecond: 50, burst: 5 } } : {}),
  config: (fake) => configFor(fake.url, dataset, fake.rateLimit ? { rateLimit: fake.rateLimit } : {}),
  primary: {
    stream: 'suppliers',
    count: (d) => d.suppliers.length,
    change: (d) => ({ dataset: { ...d, suppliers: d.suppliers.map((s, i) => (i < 2 ? { ...s, leadTimeDays: s.leadTimeDays + 3 } : s)) }, changed: 2 }),
    corrupt(d) {
      const [victim, good] = [d.suppliers[0]!, d.suppliers[1]!];
      victim.leadTimeDays = -4;
      return {
        reason: /leadTimeDays/,
        async landed(store) {
          expect(await store.getSupplier(victim.id)).toBeUndefined();
          expect((await store.getSupplier(good.id))?.leadTimeDays).toBe(good.leadTimeDays);
        },
      };
    },
  },
});

describe('supplier-api connector', () => {
  it('maps suppliers with per-item lead times and open order lines at the confirmed ETA, skipping closed orders and received lines', async () => {
    const d = withLeadTimes(sampleDataset());
    const fake = await startFakeSupplierApi(d);
    try {
      const store = await newStore();
      const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, d)), store, clock: fixedClock(), credentials: async () => SUPPLIER_API_KEY, connector: supplierApi });
      expect(report.streams.map((s) => [s.name, s.quarantined])).toEqual([['suppliers', 0], ['purchaseOrders', 0]]);
      await expectRoundTrip(store, d, { suppliers: ['id', 'name', 'leadTimeDays', 'observedLeadTimes', 'onTimeRate'], inbound: true });
      // The blank quote fell back to the slowest item's lead time.
      expect((await store.getSupplier('sup-bolt'))?.leadTimeDays).toBe(12);
      // One open line only: the fully received line and the closed and cancelled orders are not inbound.
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound.map((l) => l.ref)).toEqual(['PO00017']);
    } finally {
      await fake.stop();
    }
  });

  it('quarantines an open line without any ETA and keeps the others', async () => {
    const d = sampleDataset();
    const fake = await startFakeSupplierApi(d);
    try {
      const store = await newStore();
      const options = supplierApiOptionsFor(d) as { paths: { purchaseOrders: { fields: Record<string, string> } } };
      // Reading the ETA from a field the portal does not have leaves unconfirmed lines without one.
      options.paths.purchaseOrders.fields.eta = 'promised_date';
      const config = connectorConfig.parse({ name: 'portal', type: 'supplier-api', endpoint: fake.url, credentials: { env: 'K' }, options: { ...options, streams: ['purchaseOrders'] } });
      const report = await runSync({ config, store, clock: fixedClock(), credentials: async () => SUPPLIER_API_KEY, connector: supplierApi });
      const quarantine = await store.listQuarantine('portal');
      expect(report.streams[0]?.quarantined).toBe(1);
      expect(quarantine[0]?.reason).toMatch(/neither a confirmedEta nor an eta/);
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound.map((l) => l.eta)).toEqual(['2026-05-03']);
    } finally {
      await fake.stop();
    }
  });
});
