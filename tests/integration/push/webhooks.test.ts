// Shop webhooks end to end: subscriptions made with `connector webhooks` at fakes that sign like Shopify and
// WooCommerce, deliveries through the push API into DynamoDB Local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorWebhooks } from '../../../cli/commands/webhooks.js';
import { envCredentials } from '../../../connectors/sdk/credentials.js';
import { sampleDataset } from '../../fakes/dataset.js';
import { shopifyLocationMap, startFakeShopify, type FakeShopify } from '../../fakes/shopify.js';
import { startFakeWoo, type FakeWoo } from '../../fakes/woocommerce.js';
import { startPushHarness, type PushHarness } from '../../support/push.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const ENV = { SHOP_TOKEN: 'shpat_test', SHOP_APP_SECRET: 'shpss_app_secret', WOO_KEYS: 'ck_test:cs_test', WOO_HOOK_SECRET: 'woo-hook-secret' };
const dataset = sampleDataset();
let shop: FakeShopify;
let woo: FakeWoo;
let hub: PushHarness;

beforeAll(async () => {
  shop = await startFakeShopify(dataset, { clientSecret: ENV.SHOP_APP_SECRET });
  woo = await startFakeWoo(dataset, { locationId: 'web' });
  hub = await startPushHarness({
    locations: dataset.locations,
    connectors: [
      { name: 'shop', type: 'shopify', endpoint: shop.url, credentials: { env: 'SHOP_TOKEN' }, options: { locations: shopifyLocationMap(dataset), onlineLocation: 'web' } },
      { name: 'woo', type: 'woocommerce', endpoint: woo.url, credentials: { env: 'WOO_KEYS' }, options: { locationId: 'web' } },
    ],
    push: { webhooks: [{ connector: 'shop', secret: { env: 'SHOP_APP_SECRET' } }, { connector: 'woo', secret: { env: 'WOO_HOOK_SECRET' } }] },
  }, { clock: { now: () => NOW }, env: ENV });
  await hub.services.store.upsertPositions('shop', dataset.positions, new Date('2026-05-01T08:00:00Z'));
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await shop?.stop();
  await woo?.stop();
});

const command = (connector: string) => ({ config: hub.services.config, connector, credentials: envCredentials(ENV), pushUrl: `${hub.url}/push` });
const position = (sku: string, locationId: string) => hub.services.store.getPosition(sku, locationId);
const demandOn = async (sku: string, locationId: string, day = '2026-05-01') =>
  (await hub.services.store.getDemand(sku, locationId, day, day))[0]?.daily[Number(day.slice(8)) - 1] ?? 0;

describe('Shopify webhooks', () => {
  it('registers one subscription per topic at the hub\'s URL, once', async () => {
    const created = await connectorWebhooks('register', command('shop'));
    expect(created.map((s) => s.topic).sort()).toEqual(['inventory_levels/update', 'orders/cancelled', 'orders/create', 'refunds/create']);
    expect(new Set(created.map((s) => s.url))).toEqual(new Set([`${hub.url}/push/webhooks/shop`]));
    expect(await connectorWebhooks('register', command('shop'))).toEqual([]);
    expect(await connectorWebhooks('list', command('shop'))).toHaveLength(4);
  });

  it('takes an inventory level as a count of what is available (on hand = available + reserved)', async () => {
    const before = await position('MILK-1L', 'wh-central');
    const payload = { ...shop.levelPayload('MILK-1L', 'wh-central'), available: 100, updated_at: '2026-05-01T06:30:00-05:00' };
    const [delivery] = await shop.deliver('inventory_levels/update', payload);
    expect(delivery!.status).toBe(200);
    await hub.push.idle();
    expect((await position('MILK-1L', 'wh-central'))?.onHand).toBe(100 + before!.reserved);
  });

  it('refuses a delivery whose signature is wrong, whatever it says', async () => {
    const body = JSON.stringify({ ...shop.levelPayload('HAMMER', 'web'), available: 0, updated_at: '2026-05-01T07:00:00-05:00' });
    const forged = await hub.post('/push/webhooks/shop', body, { 'x-shopify-topic': 'inventory_levels/update', 'x-shopify-hmac-sha256': 'bm90IHRoZSBzaWduYXR1cmU=', 'x-shopify-webhook-id': 'w-1' });
    expect(forged.status).toBe(401);
    expect((await position('HAMMER', 'web'))?.onHand).toBe(4);
  });

  it('counts an order\'s lines as demand at its location once, however often it is delivered', async () => {
    const order = { id: 4501, created_at: '2026-05-01T10:15:00Z', cancelled_at: null, location_id: shop.shopLocationId('store-north'), line_items: [{ id: 1, sku: 'FLOUR-1KG', quantity: 3, current_quantity: 3 }] };
    const first = await shop.deliver('orders/create', order, { eventId: 'evt-4501', webhookId: 'wh-4501' });
    expect(first.map((d) => d.status)).toEqual([200]);
    await shop.deliver('orders/create', order, { eventId: 'evt-4501', webhookId: 'wh-4501' });
    await shop.deliver('orders/create', order);
    await hub.push.idle();
    expect(await demandOn('FLOUR-1KG', 'store-north')).toBe(3);
    // Demand only: the stock comes with the inventory level the same order moves.
    expect((await position('FLOUR-1KG', 'store-north'))?.onHand).toBe(35);
  });

  it('takes a cancelled order\'s demand back, also when the cancellation arrives before the order', async () => {
    const order = { id: 4502, created_at: '2026-05-01T10:20:00Z', location_id: null, line_items: [{ id: 7, sku: 'HAMMER', quantity: 2 }] };
    await shop.deliver('orders/cancelled', { ...order, cancelled_at: '2026-05-01T10:25:00Z' });
    await shop.deliver('orders/create', { ...order, cancelled_at: null });
    await hub.push.idle();
    expect(await demandOn('HAMMER', 'web')).toBe(0);

    const kept = { id: 4503, created_at: '2026-05-01T10:30:00Z', cancelled_at: null, location_id: null, line_items: [{ id: 8, sku: 'HAMMER', quantity: 5 }] };
    await shop.deliver('orders/create', kept);
    await shop.deliver('refunds/create', { id: 99, order_id: 4503, created_at: '2026-05-01T11:00:00Z', refund_line_items: [{ id: 1, quantity: 2, line_item_id: 8, location_id: null, restock_type: 'return', line_item: { id: 8, sku: 'HAMMER' } }] });
    await hub.push.idle();
    expect(await demandOn('HAMMER', 'web')).toBe(3);
  });

  it('quarantines what it cannot map, with the reason', async () => {
    await shop.deliver('orders/create', { id: 4504, created_at: '2026-05-01T10:40:00Z', location_id: null, line_items: [{ id: 9, sku: null, quantity: 1 }] });
    await hub.push.idle();
    expect((await hub.services.store.listQuarantine('shop')).map((q) => q.reason)).toContain('order 4504 line 9 has no SKU');
  });

  it('removes the subscriptions pointing at the hub', async () => {
    expect(await connectorWebhooks('remove', command('shop'))).toHaveLength(4);
    expect(shop.subscriptions).toEqual([]);
  });
});

describe('WooCommerce webhooks', () => {
  it('registers the topics with the hub\'s secret, answering WooCommerce\'s unsigned ping', async () => {
    const created = await connectorWebhooks('register', command('woo'));
    expect(created.map((s) => s.topic).sort()).toEqual(['order.created', 'order.updated', 'product.updated']);
    expect(woo.pings).toEqual([200, 200, 200]);
    expect(woo.webhooks.every((w) => w.secret === ENV.WOO_HOOK_SECRET && w.delivery_url === `${hub.url}/push/webhooks/woo`)).toBe(true);
  });

  it('takes a product update as a count of its managed stock', async () => {
    const product = { ...woo.productPayload('HAMMER'), stock_quantity: 9, date_modified_gmt: '2026-05-01T09:00:00' };
    expect((await woo.deliver('product.updated', product)).map((d) => d.status)).toEqual([200]);
    await hub.push.idle();
    expect((await position('HAMMER', 'web'))?.onHand).toBe(9);
  });

  it('counts a processing order as demand once (a replayed delivery id changes nothing) and takes a cancelled one back', async () => {
    const order = { id: 731, status: 'processing', date_created_gmt: '2026-05-01T09:30:00', date_modified_gmt: '2026-05-01T09:30:00', line_items: [{ id: 1, sku: 'MILK-1L', quantity: 4 }] };
    await woo.deliver('order.created', order, 'delivery-731');
    await woo.deliver('order.created', order, 'delivery-731');
    await woo.deliver('order.updated', { ...order, status: 'completed' });
    await hub.push.idle();
    expect(await demandOn('MILK-1L', 'web')).toBe(4);
    await woo.deliver('order.updated', { ...order, status: 'cancelled', date_modified_gmt: '2026-05-01T10:00:00' });
    await hub.push.idle();
    expect(await demandOn('MILK-1L', 'web')).toBe(0);
  });

  it('refuses a delivery signed with another secret', async () => {
    const body = JSON.stringify({ ...woo.productPayload('HAMMER'), stock_quantity: 1 });
    const forged = await hub.post('/push/webhooks/woo', body, { 'x-wc-webhook-topic': 'product.updated', 'x-wc-webhook-signature': 'AAAA', 'x-wc-webhook-delivery-id': 'x' });
    expect(forged.status).toBe(401);
    expect((await position('HAMMER', 'web'))?.onHand).toBe(9);
  });

  it('removes its webhooks', async () => {
    expect(await connectorWebhooks('remove', command('woo'))).toHaveLength(3);
    expect(woo.webhooks).toEqual([]);
  });
});
