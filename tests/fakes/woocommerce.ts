// A fake WooCommerce REST API v3 (/wp-json/wc/v3): Basic or query-string keys, page/per_page ≤ 100 with X-WP-Total,
// X-WP-TotalPages and Link, modified_after (exclusive, GMT), naive GMT dates, unmanaged products, variations.
// Webhooks: GET/POST/DELETE /webhooks (a new webhook's URL is pinged with an unsigned `webhook_id=<id>` form body), and
// `deliver` POSTs a topic's payload signed as WooCommerce signs (base64 HMAC-SHA256 of the body with the webhook secret).
import { createHash, createHmac } from 'node:crypto';
import type { PositionState } from '../../shared/model.js';
import type { Dataset } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, type FakeServer } from './server.js';

export interface FakeWooWebhook { id: number; name: string; status: string; topic: string; delivery_url: string; secret: string }

export interface FakeWoo extends FakeServer {
  update(next: Dataset): void;
  webhooks: FakeWooWebhook[];
  /** The status the ping of each created webhook got. */
  pings: number[];
  /** Delivers `payload` to every active webhook of `topic`; `deliveryId` is new per delivery unless given (to replay one). */
  deliver(topic: string, payload: unknown, deliveryId?: string): Promise<{ url: string; status: number; deliveryId: string }[]>;
  /** The product as the REST API (and a product.updated delivery) shows it. */
  productPayload(sku: string): Record<string, unknown>;
}

const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export async function startFakeWoo(dataset: Dataset, options: { key?: string; secret?: string; locationId?: string } = {}): Promise<FakeWoo> {
  const key = options.key ?? 'ck_test';
  const secret = options.secret ?? 'cs_test';
  const locationId = options.locationId ?? dataset.locations[0]?.id;
  let clock = FAKE_EPOCH;
  let current = dataset;
  const log = new ChangeLog<PositionState>((p) => p.sku);
  const load = (d: Dataset) => log.set(d.positions.filter((p) => p.locationId === locationId), clock);
  load(dataset);
  const webhooks: FakeWooWebhook[] = [];
  const pings: number[] = [];
  const product = ({ value: p, id, updatedAt }: { value: PositionState; id: number; updatedAt: number }): Record<string, unknown> => ({
    id, name: current.items.find((i) => i.sku === p.sku)?.name ?? p.sku, sku: p.sku, type: 'simple', status: 'publish',
    date_modified: gmt(updatedAt - 3 * 3600_000), date_modified_gmt: gmt(updatedAt), price: '9.99',
    manage_stock: true, stock_quantity: p.onHand, stock_status: p.onHand > 0 ? 'instock' : 'onbackorder', backorders: 'notify', low_stock_amount: null, variations: [],
  });

  const server = await startServer(async (req) => {
    const q = req.url.searchParams;
    const basic = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    if (req.headers.authorization !== basic && !(q.get('consumer_key') === key && q.get('consumer_secret') === secret)) {
      return json({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } }, 401);
    }
    const perPage = Number(q.get('per_page') ?? 10);
    if (perPage < 1 || perPage > 100) return json({ code: 'rest_invalid_param', message: 'Invalid parameter(s): per_page', data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' } } }, 400);
    const page = Number(q.get('page') ?? 1);
    const paged = (all: unknown[]) => {
      const total = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> = { 'x-wp-total': String(all.length), 'x-wp-totalpages': String(total) };
      if (page < total) {
        const next = new URL(req.url.toString().replace('http://127.0.0.1', server.url));
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return json(all.slice((page - 1) * perPage, page * perPage), 200, headers);
    };
    const path = req.url.pathname.replace('/wp-json/wc/v3', '');
    if (path === '/webhooks' && req.method === 'POST') {
      const input = JSON.parse(req.body) as { name?: string; topic?: string; delivery_url?: string; secret?: string; status?: string };
      if (!input.topic || !/^(product|order|coupon|customer)\.(created|updated|deleted|restored)$/.test(input.topic)) {
        return json({ code: 'woocommerce_rest_webhook_invalid_topic', message: 'Webhook topic is required and must be valid.', data: { status: 400 } }, 400);
      }
      if (!input.delivery_url) return json({ code: 'rest_missing_callback_param', message: 'Missing parameter(s): delivery_url', data: { status: 400 } }, 400);
      const created: FakeWooWebhook = { id: 100 + webhooks.length + 1, name: input.name ?? input.topic, status: input.status ?? 'active', topic: input.topic, delivery_url: input.delivery_url, secret: input.secret ?? 'generated-secret' };
      webhooks.push(created);
      const ping = await fetch(created.delivery_url, { method: 'POST', body: `webhook_id=${created.id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }).catch(() => undefined);
      pings.push(ping?.status ?? 0);
      await ping?.arrayBuffer();
      const { secret: _secret, ...shown } = created;
      return json(shown, 201);
    }
    if (path === '/webhooks') return paged(webhooks.map(({ secret: _secret, ...w }) => w));
    const webhookPath = /^\/webhooks\/(\d+)$/.exec(path);
    if (webhookPath && req.method === 'DELETE') {
      if (q.get('force') !== 'true') return json({ code: 'woocommerce_rest_trash_not_supported', message: 'Webhooks do not support trashing.', data: { status: 501 } }, 501);
      const index = webhooks.findIndex((w) => w.id === Number(webhookPath[1]));
      if (index < 0) return json({ code: 'woocommerce_rest_webhook_invalid_id', message: 'Invalid ID.', data: { status: 404 } }, 404);
      const [removed] = webhooks.splice(index, 1);
      const { secret: _secret, ...shown } = removed!;
      return json(shown);
    }
    if (path === '/products') {
      const after = q.get('modified_after');
      const products: Record<string, unknown>[] = log.all()
        .filter((r) => !after || r.updatedAt > Date.parse(`${after}Z`))
        .map(product);
      // Gift cards: stock not managed, never a position.
      if (!after) products.push({ id: 90_000, name: 'Gift card', sku: 'GIFT', type: 'simple', manage_stock: false, stock_quantity: null, date_modified_gmt: gmt(FAKE_EPOCH), price: '25.00', variations: [] });
      return paged(products);
    }
    if (path === '/orders') {
      const after = Date.parse(`${q.get('after') ?? '1970-01-01T00:00:00'}Z`);
      const orders = current.sales.filter((s) => s.locationId === locationId).map((s, i) => ({
        id: 1000 + i, status: i % 2 ? 'completed' : 'processing', date_created_gmt: `${s.day}T11:00:00`, date_created: `${s.day}T13:00:00`,
        // Line price is a number here, unlike the other money fields.
        line_items: [{ id: 1, name: s.sku, product_id: 1, variation_id: 0, quantity: s.qty, sku: s.sku, price: 3, subtotal: '3.00', total: '3.00' }],
      })).filter((o) => Date.parse(`${o.date_created_gmt}Z`) > after);
      return paged(orders);
    }
    return json({ code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } }, 404);
  });
  return {
    ...server,
    update(next) {
      clock += 60_000;
      current = next;
      load(next);
    },
    webhooks,
    pings,
    async deliver(topic, payload, fixedDeliveryId) {
      const body = JSON.stringify(payload);
      return Promise.all(webhooks.filter((w) => w.topic === topic && w.status === 'active').map(async (w) => {
        // Woo's delivery id: wp_hash(webhook id . time), new on every delivery.
        const deliveryId = fixedDeliveryId ?? createHash('md5').update(`${w.id}${performance.now()}${Math.random()}`).digest('hex');
        const response = await fetch(w.delivery_url, {
          method: 'POST', body,
          headers: {
            'content-type': 'application/json', 'user-agent': 'WooCommerce/9.0.0 Hookshot (WordPress/6.5)',
            'x-wc-webhook-source': `${server.url}/`, 'x-wc-webhook-topic': w.topic, 'x-wc-webhook-resource': w.topic.split('.')[0]!,
            'x-wc-webhook-event': w.topic.split('.')[1]!, 'x-wc-webhook-signature': createHmac('sha256', w.secret).update(body).digest('base64'),
            'x-wc-webhook-id': String(w.id), 'x-wc-webhook-delivery-id': deliveryId,
          },
        });
        await response.arrayBuffer();
        return { url: w.delivery_url, status: response.status, deliveryId };
      }));
    },
    productPayload(sku) {
      const row = log.get(sku);
      if (!row) throw new Error(`the fake has no product ${sku}`);
      return product(row);
    },
  };
}
