import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { odoo } from '../../../connectors/odoo/index.js';
import type { StreamName } from '../../../connectors/sdk/contract.js';
import { checkConnector, runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { odooLocationMap, startFakeOdoo, type FakeOdoo } from '../../fakes/odoo.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 31 });
const configFor = (url: string, d: Dataset) => ({
  name: 'erp', type: 'odoo', endpoint: url, credentials: { env: 'ODOO_API_KEY' },
  options: { db: 'shop', login: 'api@example.com', locations: odooLocationMap(d), pageSize: 10 },
});

/** JSON-2 needs no login: the API key names the user. */
const json2ConfigFor = (url: string, d: Dataset) => ({
  ...configFor(url, d),
  options: { db: 'shop', protocol: 'json2', locations: odooLocationMap(d), pageSize: 10 },
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

describeConnectorConformance({
  name: 'odoo json-2',
  connector: odoo,
  dataset,
  credential: 'odoo-key',
  // /jsonrpc switched off: every call must go over /json/2.
  startFake: (d) => startFakeOdoo(d, { version: 19, jsonRpc: false }),
  config: (fake) => json2ConfigFor(fake.url, dataset),
  noRateLimit: 'Odoo has no standard rate limiting',
});

describe('odoo connector', () => {
  for (const version of [15, 17, 18, 19] as const) {
    it(`maps the sample dataset back on Odoo ${version}: summed quants with lots, items with orderpoints and vendors, open PO lines`, async () => {
      const fake = await startFakeOdoo(sampleDataset(), { version });
      try {
        const table = await createTestTable();
        const store = new DynamoInventoryStore(table.doc, table.tableName);
        const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, sampleDataset())), store, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
        // protocol auto: the first call tries JSON-2; before v19 its 404 sends all the others over JSON-RPC.
        expect(fake.calls).toEqual(version >= 19 ? { json2: report.requests, jsonrpc: 0 } : { json2: 1, jsonrpc: report.requests - 1 });
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

  it('fails the check on a wrong API key over JSON-2 with a reason naming the key and the 401, without falling back', async () => {
    const fake = await startFakeOdoo(sampleDataset(), { version: 19 });
    try {
      for (const protocol of ['json2', 'auto']) {
        const config = connectorConfig.parse({ ...configFor(fake.url, sampleDataset()), options: { db: 'shop', login: 'api@example.com', protocol } });
        const result = await checkConnector({ config, clock: fixedClock(), credentials: async () => 'revoked-key', connector: odoo });
        expect(result, protocol).toEqual({ ok: false, reason: expect.stringMatching(/refused the API key on database "shop" \(401: Invalid apikey\)/) });
        expect(JSON.stringify(result)).not.toContain('revoked-key');
      }
      expect(fake.calls).toEqual({ json2: 2, jsonrpc: 0 });
    } finally {
      await fake.stop();
    }
  });

  it('asks for the login when auto falls back to JSON-RPC on Odoo 17, and passes the check with it', async () => {
    const fake = await startFakeOdoo(sampleDataset(), { version: 17 });
    try {
      const check = (options: Record<string, unknown>) => checkConnector({ config: connectorConfig.parse({ ...configFor(fake.url, sampleDataset()), options }), clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      expect(await check({ db: 'shop' })).toEqual({ ok: false, reason: expect.stringContaining('Odoo JSON-RPC needs options.login') });
      expect(await check({ db: 'shop', login: 'api@example.com' })).toEqual({ ok: true });
      // One JSON-2 probe per check; JSON-RPC was reached only with a login.
      expect(fake.calls.json2).toBe(2);
      expect(fake.calls.jsonrpc).toBeGreaterThan(0);
    } finally {
      await fake.stop();
    }
  });

  it('speaks only JSON-RPC with protocol jsonrpc, even to Odoo 19, and only JSON-2 with json2', async () => {
    const fake = await startFakeOdoo(sampleDataset(), { version: 19 });
    try {
      const check = (options: Record<string, unknown>) => checkConnector({ config: connectorConfig.parse({ ...configFor(fake.url, sampleDataset()), options }), clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      expect(await check({ db: 'shop', protocol: 'jsonrpc' })).toEqual({ ok: false, reason: expect.stringContaining('needs options.login') });
      expect(await check({ db: 'shop', login: 'api@example.com', protocol: 'jsonrpc' })).toEqual({ ok: true });
      expect(fake.calls.json2).toBe(0);
      const rpcCalls = fake.calls.jsonrpc;
      expect(await check({ db: 'shop', protocol: 'json2' })).toEqual({ ok: true });
      // The check reads one row of each enabled stream's model (five streams), nothing else.
      expect(fake.calls).toEqual({ json2: 5, jsonrpc: rpcCalls });
    } finally {
      await fake.stop();
    }
  });

  it('fails the JSON-2 check for a database the server does not host, naming it', async () => {
    const fake = await startFakeOdoo(sampleDataset(), { version: 19, jsonRpc: false });
    try {
      const config = connectorConfig.parse({ ...json2ConfigFor(fake.url, sampleDataset()), options: { db: 'other', protocol: 'json2' } });
      const result = await checkConnector({ config, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('No Odoo JSON-2 API at') });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('database "other"') });
    } finally {
      await fake.stop();
    }
  });

  it('names the model when the database lacks an app (JSON-2 404) or the user may not read it (403); skips lot expiry without product_expiry', async () => {
    const sync = async (fake: FakeOdoo, streams?: StreamName[]) => {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      return runSync({ config: connectorConfig.parse(json2ConfigFor(fake.url, sampleDataset())), store, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo, streams });
    };
    const noPurchase = await startFakeOdoo(sampleDataset(), { version: 19, jsonRpc: false, missingModels: ['purchase.order.line'] });
    try {
      await expect(sync(noPurchase)).rejects.toMatchObject({
        failures: [{ stream: 'purchaseOrders', code: 'ODOO_RPC', message: expect.stringMatching(/has no purchase\.order\.line\.search_read: the model 'purchase\.order\.line' does not exist; install the app/) }],
      });
      // As the message says: without the stream that needs it, the sync runs.
      const report = await sync(noPurchase, ['locations', 'items', 'suppliers', 'positions']);
      expect(report.streams.find((s) => s.name === 'positions')?.written).toBe(sampleDataset().positions.length);
    } finally {
      await noPurchase.stop();
    }
    // Without product_expiry, lots have no expiration_date: the connector does not ask for it (a 500 the client would retry).
    const noExpiry = await startFakeOdoo(sampleDataset(), { version: 19, jsonRpc: false, productExpiry: false });
    try {
      const report = await sync(noExpiry);
      expect(report.retries).toBe(0);
      expect(report.streams.every((s) => s.quarantined === 0)).toBe(true);
    } finally {
      await noExpiry.stop();
    }
    const denied = await startFakeOdoo(sampleDataset(), { version: 19, jsonRpc: false, deniedModels: ['res.partner'] });
    try {
      await expect(sync(denied)).rejects.toMatchObject({
        failures: expect.arrayContaining([expect.objectContaining({
          stream: 'suppliers', message: expect.stringContaining("res.partner.read failed (HTTP 403): odoo.exceptions.AccessError: You are not allowed to access 'res.partner' records.; give the API key's user read access to res.partner"),
        })]),
      });
    } finally {
      await denied.stop();
    }
  });

  it('asks only for what the enabled streams need: positions sync without vendor or location rights, items degrade with a warning', async () => {
    const fake = await startFakeOdoo(sampleDataset(), { version: 19, jsonRpc: false, deniedModels: ['product.supplierinfo', 'stock.location'] });
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const config = (streams?: StreamName[]) => connectorConfig.parse({ ...json2ConfigFor(fake.url, sampleDataset()), options: { ...json2ConfigFor(fake.url, sampleDataset()).options, ...(streams ? { streams } : {}) } });
      const check = (streams?: StreamName[]) => checkConnector({ config: config(streams), clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      expect(await check(['items', 'positions', 'purchaseOrders'])).toEqual({ ok: true });
      expect(await check()).toEqual({ ok: false, reason: expect.stringMatching(/^stream locations \(reads stock\.location\): .*AccessError/) });

      const report = await runSync({ config: config(['items', 'positions', 'purchaseOrders']), store, clock: fixedClock(), credentials: async () => 'odoo-key', connector: odoo });
      expect(report.failed).toEqual([]);
      expect(report.streams.find((r) => r.name === 'positions')?.written).toBe(sampleDataset().positions.length);
      expect(report.streams.find((r) => r.name === 'items')?.warnings).toEqual([expect.stringMatching(/^moq and supplierId \(vendors\) left out: .*product\.supplierinfo/)]);
      await expectRoundTrip(store, sampleDataset(), { positions: ['onHand', 'reserved'], inbound: true, items: ['sku', 'name', 'minQty', 'maxQty'] });
    } finally {
      await fake.stop();
    }
  });
});
