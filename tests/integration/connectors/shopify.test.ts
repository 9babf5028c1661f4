import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import type { PositionState } from '../../../shared/model.js';
import { shopify, type ShopifyOptions } from '../../../connectors/shopify/index.js';
import { checkConnector, connectorContext, runSync, SyncStreamsFailedError } from '../../../connectors/sdk/sync.js';
import { generateDataset, sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { shopifyLocationMap, startFakeShopify } from '../../fakes/shopify.js';
import { createTestTable } from '../../support/dynamo.js';
import { describeConnectorConformance, expectRoundTrip, fixedClock, storeState } from './conformance.js';

const dataset = generateDataset({ items: 8, locations: 3, seed: 21, salesDays: 2 });
const configFor = (url: string, d: Dataset, extra: Record<string, unknown> = {}) => ({
  name: 'shop', type: 'shopify', endpoint: url, credentials: { env: 'SHOPIFY_TOKEN' },
  options: { locations: shopifyLocationMap(d), pageSize: 10, ...extra },
});
const token = async (): Promise<string> => 'shpat_test';
const newStore = async (): Promise<DynamoInventoryStore> => {
  const table = await createTestTable();
  return new DynamoInventoryStore(table.doc, table.tableName);
};

describeConnectorConformance({
  name: 'shopify',
  connector: shopify,
  dataset,
  credential: 'shpat_test',
  startFake: (d, { rateLimited }) => startFakeShopify(d, rateLimited ? { budget: { maximumAvailable: 300, restoreRate: 300 } } : {}),
  config: (fake) => configFor(fake.url, dataset),
});

describeConnectorConformance({
  name: 'shopify rest',
  connector: shopify,
  dataset,
  credential: 'shpat_test',
  // Rate-limited: a bucket of 2 at the standard plan's 2 requests/s, which a sync overflows again after a 429's 2 s
  // unless the client paces itself. Otherwise a bucket too large to matter keeps the other checks quick.
  startFake: (d, { rateLimited }) => startFakeShopify(d, { restBucket: rateLimited ? { size: 2, leakPerSecond: 2 } : { size: 1000, leakPerSecond: 1000 } }),
  config: (fake) => configFor(fake.url, dataset, { api: 'rest' }),
  // REST has no committed quantity to break; a variant without a SKU is the bad record it can carry. The kit checks the
  // next position's on hand, which REST reports as available: give it no reservations so the two are one number.
  corrupt: (d) => {
    d.positions[0]!.sku = '';
    d.positions[1]!.reserved = 0;
    return /sku/;
  },
});

describe('shopify connector', () => {
  it('maps the sample dataset back: on hand and committed per location, daily sales incl. online orders, items', async () => {
    const fake = await startFakeShopify(sampleDataset());
    try {
      const store = await newStore();
      const config = connectorConfig.parse(configFor(fake.url, sampleDataset(), { syncItems: true }));
      const report = await runSync({ config, store, clock: fixedClock(), credentials: token, connector: shopify });
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

describe('shopify over REST', () => {
  it('reads available per location, daily sales equal to GraphQL\'s, and skips untracked items', async () => {
    const giftCard: PositionState = { sku: 'GIFT-CARD', locationId: 'web', onHand: 0, reserved: 0, inbound: [], openOrders: [] };
    const shop = { ...sampleDataset(), positions: [...sampleDataset().positions, giftCard] };
    const fake = await startFakeShopify(shop, { untracked: ['GIFT-CARD'] });
    try {
      const [rest, graphql] = await Promise.all([newStore(), newStore()]);
      const report = await runSync({ config: connectorConfig.parse(configFor(fake.url, shop, { api: 'rest' })), store: rest, clock: fixedClock(), credentials: token, connector: shopify });
      await runSync({ config: connectorConfig.parse(configFor(fake.url, shop)), store: graphql, clock: fixedClock(), credentials: token, connector: shopify });

      expect(report.streams.map((s) => [s.name, s.quarantined])).toEqual([['locations', 0], ['positions', 0], ['sales', 0]]);
      // REST has only `available`: it lands as on hand with nothing reserved, so available-to-sell is the shop's.
      for (const p of sampleDataset().positions) {
        const stored = await rest.getPosition(p.sku, p.locationId);
        expect({ available: stored?.onHand, reserved: stored?.reserved }, `${p.sku}@${p.locationId}`).toEqual({ available: p.onHand - p.reserved, reserved: 0 });
      }
      expect(await rest.getPosition('GIFT-CARD', 'web')).toBeUndefined();
      await expectRoundTrip(rest, sampleDataset(), { sales: true, locations: ['id', 'name', 'kind'] });
      for (const sale of sampleDataset().sales) {
        const window = ['2026-04-01', '2026-05-01'] as const;
        expect(await rest.getDemand(sale.sku, sale.locationId, ...window)).toEqual(await graphql.getDemand(sale.sku, sale.locationId, ...window));
      }
    } finally {
      await fake.stop();
    }
  });

  it('resumes a location mid-way from the exact page URL of its Link header', async () => {
    const fake = await startFakeShopify(dataset);
    try {
      const config = connectorConfig.parse(configFor(fake.url, dataset, { api: 'rest', pageSize: 3 }));
      const whole = await newStore();
      await runSync({ config, store: whole, clock: fixedClock(), credentials: token, connector: shopify });

      // Checkpoints are stored per record (batchSize 1); crash right after the first one inside a location.
      const resumed = await newStore();
      let crashedAt: { loc?: string; after?: string } | undefined;
      const crashMidLocation = (stream: string, cursor: string) => {
        const state = JSON.parse(cursor) as { loc?: string; after?: string };
        if (stream !== 'positions' || !state.after || crashedAt) return;
        crashedAt = state;
        throw new Error('crash after checkpoint');
      };
      await expect(runSync({ config, store: resumed, clock: fixedClock(), credentials: token, connector: shopify, batchSize: 1, onCheckpoint: crashMidLocation })).rejects.toThrow('crash after checkpoint');
      expect(crashedAt?.after).toMatch(/\/inventory_levels\.json\?limit=3&page_info=/);
      // The fake answers 400 if a filter is added to a page_info URL, as Shopify does.
      await runSync({ config, store: resumed, clock: fixedClock(), credentials: token, connector: shopify, batchSize: 1 });
      expect(await storeState(resumed, dataset)).toEqual(await storeState(whole, dataset));
    } finally {
      await fake.stop();
    }
  });

  it('waits out a 429 for its Retry-After of 2.0 s and carries on', async () => {
    const fake = await startFakeShopify(sampleDataset());
    try {
      // Another client of the same app has just emptied the bucket.
      fake.throttleNextRest();
      const waits: number[] = [];
      const report = await runSync({
        config: connectorConfig.parse(configFor(fake.url, sampleDataset(), { api: 'rest' })), store: await newStore(), clock: fixedClock(), credentials: token, connector: shopify,
        http: { sleep: async (ms) => { waits.push(ms); } },
      });
      expect(waits).toEqual([2000]);
      expect({ client: report.throttled, server: fake.stats.throttled }).toEqual({ client: 1, server: 1 });
      expect(report.streams.find((s) => s.name === 'positions')?.written).toBe(sampleDataset().positions.length);
    } finally {
      await fake.stop();
    }
  });

  it('says what to fix when Shopify refuses: a bad token, a missing scope, a wrong API version', async () => {
    const fake = await startFakeShopify(sampleDataset(), { scopes: ['read_locations', 'read_inventory'] });
    try {
      const config = (extra: Record<string, unknown> = {}) => connectorConfig.parse(configFor(fake.url, sampleDataset(), { api: 'rest', ...extra }));
      const unauthorized = 'Shopify refused the access token (HTTP 401): "[API] Invalid API key or access token (unrecognized login or wrong password)". Check the Admin API access token and its read_inventory, read_locations, read_orders scopes.';
      await expect(runSync({ config: config(), store: await newStore(), clock: fixedClock(), credentials: async () => 'shpat_wrong', connector: shopify })).rejects.toMatchObject({
        code: 'SYNC_STREAMS_FAILED',
        failures: [{ stream: 'locations', code: 'SHOPIFY_UNAUTHORIZED', message: unauthorized }, { stream: 'positions', code: 'SHOPIFY_UNAUTHORIZED' }, { stream: 'sales', code: 'SHOPIFY_UNAUTHORIZED' }],
      });
      // Positions need read_inventory (granted) and sync; sales need read_orders (not granted).
      await expect(runSync({ config: config(), store: await newStore(), clock: fixedClock(), credentials: token, connector: shopify })).rejects.toMatchObject({
        failures: [{ stream: 'sales', code: 'SHOPIFY_MISSING_SCOPE', message: expect.stringMatching(/^Shopify refused the sales stream: \/admin\/api\/2024-10\/orders\.json answered HTTP 403: .*Give the app's Admin API access token the read_orders scope/) }],
      });
      const wrongVersion = await checkConnector({ config: config({ apiVersion: '2023-01' }), clock: fixedClock(), credentials: token, connector: shopify });
      expect(wrongVersion).toEqual({ ok: false, reason: `No Shopify Admin API at ${fake.url} (API version 2023-01); check endpoint and apiVersion.` });
    } finally {
      await fake.stop();
    }
  });

  it('refuses options only GraphQL can serve, naming the field', async () => {
    const check = (extra: Record<string, unknown>) => checkConnector({ config: connectorConfig.parse(configFor('https://shop.example', dataset, { api: 'rest', ...extra })), clock: fixedClock(), credentials: token, connector: shopify });
    expect(await check({ syncItems: true })).toEqual({ ok: false, reason: expect.stringContaining("options.syncItems: items are read through GraphQL only: set api 'graphql' or turn syncItems off") });
    expect(await check({ incoming: { etaDays: 5 } })).toEqual({ ok: false, reason: expect.stringContaining("options.incoming: the REST Admin API has no incoming quantity: set api 'graphql' or remove incoming") });
  });
});

describe('shopify incoming', () => {
  /** The ERP's own open purchase order line on a position Shopify also reports incoming for. */
  const erpLine = { qty: 50, eta: '2026-05-20', ref: 'PO-ERP-1' };
  const withErpLine = async (store: DynamoInventoryStore) => {
    await store.upsertPositions('erp', [{ sku: 'MILK-1L', locationId: 'wh-central', inbound: [erpLine] }], new Date('2026-05-01T00:00:00Z'));
  };

  it('maps incoming to one inbound line due etaDays after the level changed: stable across days, cleared when received', async () => {
    const shop = sampleDataset();
    const fake = await startFakeShopify(shop);
    try {
      const store = await newStore();
      await withErpLine(store);
      const config = connectorConfig.parse(configFor(fake.url, shop, { incoming: { etaDays: 7 } }));
      await runSync({ config, store, clock: fixedClock('2026-05-01T12:00:00Z'), credentials: token, connector: shopify });
      // The levels last changed on 2026-05-01 (the fake's epoch): due a week later. The ERP's line stays beside it.
      const shopLine = (qty: number) => ({ qty, eta: '2026-05-08', ref: 'shopify-incoming', source: 'shop' });
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound).toEqual([{ ...erpLine, source: 'erp' }, shopLine(240)]);
      expect((await store.getPosition('FLOUR-1KG', 'wh-central'))?.inbound).toEqual([shopLine(100)]);
      expect((await store.getPosition('MILK-1L', 'store-north'))?.inbound).toEqual([]);

      // A day later, re-reading every level (a full reconcile) writes nothing: the ETA does not follow today.
      const again = await runSync({ config, store, clock: fixedClock('2026-05-02T12:00:00Z'), credentials: token, connector: shopify, full: true });
      expect(again.streams.find((s) => s.name === 'positions')).toMatchObject({ read: shop.positions.length, written: 0 });

      // The milk transfer is received: its incoming drops to 0 and its line goes; the ERP's stays.
      fake.update({ ...shop, purchaseOrders: shop.purchaseOrders.filter((o) => o.sku !== 'MILK-1L') });
      const received = await runSync({ config, store, clock: fixedClock('2026-05-02T12:00:00Z'), credentials: token, connector: shopify });
      expect(received.streams.find((s) => s.name === 'positions')).toMatchObject({ read: 1, written: 1 });
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound).toEqual([{ ...erpLine, source: 'erp' }]);
      expect((await store.getPosition('FLOUR-1KG', 'wh-central'))?.inbound).toEqual([shopLine(100)]);
    } finally {
      await fake.stop();
    }
  });

  it('with incoming off, reports no incoming line, and switching it off clears the one it wrote (never the ERP\'s)', async () => {
    const shop = sampleDataset();
    const fake = await startFakeShopify(shop);
    try {
      const off = connectorConfig.parse(configFor(fake.url, shop));
      const ctx = await connectorContext<ShopifyOptions>(shopify, { config: off, clock: fixedClock(), credentials: token }, true);
      const records: { inbound?: unknown[]; inboundScope?: string }[] = [];
      for await (const message of shopify.read('positions', undefined, ctx)) if (message.type === 'record') records.push(message.record as { inbound?: unknown[] });
      expect(records).toHaveLength(shop.positions.length);
      expect(records.every((r) => r.inbound?.length === 0 && r.inboundScope === 'shopify-incoming')).toBe(true);

      const store = await newStore();
      await withErpLine(store);
      const on = connectorConfig.parse(configFor(fake.url, shop, { incoming: { etaDays: 7 } }));
      await runSync({ config: on, store, clock: fixedClock(), credentials: token, connector: shopify });
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound).toHaveLength(2);
      const switchedOff = await runSync({ config: off, store, clock: fixedClock(), credentials: token, connector: shopify, full: true });
      expect((await store.getPosition('MILK-1L', 'wh-central'))?.inbound).toEqual([{ ...erpLine, source: 'erp' }]);
      expect((await store.getPosition('FLOUR-1KG', 'wh-central'))?.inbound).toEqual([]);
      // Only the positions that had an incoming line changed.
      const withIncoming = shop.positions.filter((p) => shop.purchaseOrders.some((o) => o.sku === p.sku && o.locationId === p.locationId)).length;
      expect(switchedOff.streams.find((s) => s.name === 'positions')?.written).toBe(withIncoming);
    } finally {
      await fake.stop();
    }
  });
});

describe('shopify when a stream is refused', () => {
  const update = (d: Dataset): Dataset => ({ ...d, positions: d.positions.map((p, i) => (i === 0 ? { ...p, onHand: p.onHand + 7 } : p)) });

  it('keeps refreshing positions while a token without read_orders fails the sales stream, and names the stream and the scope', async () => {
    const shop = sampleDataset();
    const fake = await startFakeShopify(shop, { scopes: ['read_locations', 'read_inventory'] });
    try {
      const store = await newStore();
      const config = connectorConfig.parse(configFor(fake.url, shop));
      const run = async () => (await runSync({ config, store, clock: fixedClock(), credentials: token, connector: shopify }).catch((e: unknown) => e)) as SyncStreamsFailedError;
      const first = await run();
      expect(first).toBeInstanceOf(SyncStreamsFailedError);
      expect(first.failures).toEqual([expect.objectContaining({ stream: 'sales', code: 'SHOPIFY_MISSING_SCOPE', message: expect.stringMatching(/^Shopify refused the sales stream: Access denied for orders field.*read_orders scope/) })]);
      expect(first.report.streams.find((r) => r.name === 'positions')?.written).toBe(shop.positions.length);
      fake.update(update(shop));
      const second = await run();
      expect(second.report.streams.find((r) => r.name === 'positions')).toMatchObject({ read: 1, written: 1 });
      const p0 = shop.positions[0]!;
      expect((await store.getPosition(p0.sku, p0.locationId))?.onHand).toBe(p0.onHand + 7);
    } finally {
      await fake.stop();
    }
  });

  it('does not leave positions stale when a later stream crashes every run: only the run right after a crash skips what was done', async () => {
    const shop = sampleDataset();
    const fake = await startFakeShopify(shop);
    try {
      const store = await newStore();
      const config = connectorConfig.parse(configFor(fake.url, shop));
      const crashInSales = (stream: string) => { if (stream === 'sales') throw new Error('process killed'); };
      const run = () => runSync({ config, store, clock: fixedClock(), credentials: token, connector: shopify, onCheckpoint: crashInSales }).catch((e: unknown) => e);
      await run();
      fake.update(update(shop));
      await run(); // resumes: skips locations and positions, crashes in sales again
      await run(); // must read positions again
      const p0 = shop.positions[0]!;
      expect((await store.getPosition(p0.sku, p0.locationId))?.onHand).toBe(p0.onHand + 7);
    } finally {
      await fake.stop();
    }
  });

  it('says which stream and which permission a REST 404 or a GraphQL answer without orders is about', async () => {
    const rest = await startFakeShopify(sampleDataset(), { notFound: ['orders'] });
    const graphql = await startFakeShopify(sampleDataset(), { scopes: ['read_locations', 'read_inventory'] });
    try {
      const failure = async (url: string, extra: Record<string, unknown>) => {
        const error = (await runSync({ config: connectorConfig.parse(configFor(url, sampleDataset(), { ...extra, streams: ['sales'] })), store: await newStore(), clock: fixedClock(), credentials: token, connector: shopify }).catch((e: unknown) => e)) as SyncStreamsFailedError;
        return error.failures[0]!.message;
      };
      const notFound = await failure(rest.url, { api: 'rest' });
      expect(notFound).toMatch(/^Shopify answered 404 for \/admin\/api\/2024-10\/orders\.json, which the sales stream reads: the access token may lack the read_orders scope/);
      expect(notFound).not.toContain('No Shopify Admin API');
      const denied = await failure(graphql.url, {});
      expect(denied).toMatch(/sales stream.*read_orders/);
      expect(denied).not.toMatch(/TypeError|pageInfo/);
    } finally {
      await rest.stop();
      await graphql.stop();
    }
  });
});

describe('shopify GraphQL locations and cost', () => {
  it('maps locations by the numeric id in their global id, warns about unmapped ones, and lists them once per sync', async () => {
    const shop = sampleDataset();
    const fake = await startFakeShopify(shop, { gidOnlyLocations: true });
    try {
      // Keyed by numeric id (1000 + index), with the last location left out of the map.
      const byId = Object.fromEntries(shop.locations.slice(0, -1).map((l, i) => [String(1000 + i), { id: l.id, kind: l.kind }]));
      const left = shop.locations.at(-1)!;
      let locationQueries = 0;
      const counting: typeof fetch = async (input, init) => {
        if (String(init?.body ?? '').includes('locations(')) locationQueries++;
        return fetch(input, init);
      };
      const store = await newStore();
      const config = connectorConfig.parse({ ...configFor(fake.url, shop), options: { locations: byId, pageSize: 10 } });
      const report = await runSync({ config, store, clock: fixedClock(), credentials: token, connector: shopify, http: { fetch: counting } });
      expect(locationQueries).toBe(1);
      const mapped = shop.positions.find((p) => p.locationId !== left.id)!;
      expect((await store.getPosition(mapped.sku, mapped.locationId))?.onHand).toBe(mapped.onHand);
      expect(report.streams.find((r) => r.name === 'positions')?.warnings).toEqual([expect.stringContaining(`Shopify location "${left.name ?? left.id}" (id ${1000 + shop.locations.length - 1}) is not in options.locations`)]);
    } finally {
      await fake.stop();
    }
  });

  it('starts a run from the budget the last run\'s last response reported, so back-to-back runs are not THROTTLED', async () => {
    const shop = sampleDataset();
    const fake = await startFakeShopify(shop, { budget: { maximumAvailable: 300, restoreRate: 150 } });
    try {
      const store = await newStore();
      const config = connectorConfig.parse(configFor(fake.url, shop));
      const sync = () => runSync({ config, store, clock: fixedClock(), credentials: token, connector: shopify });
      await sync();
      const before = fake.stats.throttled;
      await sync();
      expect(fake.stats.throttled - before).toBe(0);
    } finally {
      await fake.stop();
    }
  });
});
