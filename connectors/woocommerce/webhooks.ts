// WooCommerce webhooks: product.updated (the managed stock quantity, as a count) and order.created / order.updated (the
// day's demand of processing and completed orders; a cancelled, refunded or failed order takes it back). Signed with
// X-WC-Webhook-Signature (base64 HMAC-SHA256 of the raw body with the webhook's secret); managed with /wc/v3/webhooks.
import { z } from 'zod';
import { utcInstant } from '../sdk/mapping.js';
import { numberedPages } from '../sdk/paging.js';
import { ConnectorError, type ConnectorContext } from '../sdk/contract.js';
import { verifyBase64Delivery, type WebhookMapping, type WebhookSubscription, type WebhookSupport } from '../sdk/webhooks.js';
import { url, type WooOptions } from './index.js';

type Ctx = ConnectorContext<WooOptions>;

export const WOO_TOPICS = ['product.updated', 'order.created', 'order.updated'] as const;
/** Statuses whose orders count as demand (as the pull sums them). */
const COUNTED = new Set(['processing', 'completed']);
/** Statuses that take an order's demand back. */
const VOIDED = new Set(['cancelled', 'refunded', 'failed', 'trash']);

const product = z.object({
  id: z.number(), sku: z.string().nullish(), manage_stock: z.union([z.boolean(), z.literal('parent')]),
  stock_quantity: z.number().nullish(), date_modified_gmt: z.string(),
});
const order = z.object({
  id: z.number(), status: z.string(), date_created_gmt: z.string(), date_modified_gmt: z.string().nullish(),
  line_items: z.array(z.object({ id: z.number(), sku: z.string().nullish(), quantity: z.number() })),
});

/** Woo's *_gmt dates are UTC without an offset. */
const gmt = (naive: string) => utcInstant(naive);

function map(ctx: Ctx, topic: string, payload: unknown): WebhookMapping {
  const locationId = ctx.options.locationId;
  if (topic === 'product.updated' || topic === 'product.created') {
    const p = product.parse(payload);
    // Stock not managed here (or counted on the parent) is not a position, as in the pull.
    if (p.manage_stock !== true || p.stock_quantity === null || p.stock_quantity === undefined) return { changes: [], invalid: [] };
    if (!p.sku) return { changes: [], invalid: [{ reason: `product ${p.id} manages stock but has no SKU`, raw: payload }] };
    return { changes: [{ sku: p.sku, locationId, change: { id: `woo:product:${p.id}@${p.date_modified_gmt}`, at: gmt(p.date_modified_gmt), kind: 'count', qty: p.stock_quantity } }], invalid: [] };
  }
  if (topic === 'order.created' || topic === 'order.updated') {
    const o = order.parse(payload);
    const out: WebhookMapping = { changes: [], invalid: [] };
    const counted = COUNTED.has(o.status);
    if (!counted && !VOIDED.has(o.status)) return out;
    for (const line of o.line_items) {
      if (!line.sku) { out.invalid.push({ reason: `order ${o.id} line ${line.id} has no SKU`, raw: line }); continue; }
      // One id per line whatever the topic: the update of an order already counted is a repeat.
      const changeId = `woo:order:${o.id}:${line.id}`;
      out.changes.push({
        sku: line.sku, locationId,
        change: counted
          ? { id: changeId, at: gmt(o.date_created_gmt), kind: 'move', qty: 0, sold: line.quantity }
          : { id: changeId, at: gmt(o.date_modified_gmt ?? o.date_created_gmt), kind: 'void', qty: 0 },
      });
    }
    return out;
  }
  return { changes: [], invalid: [{ reason: `topic ${topic} is not one the hub subscribes to (${WOO_TOPICS.join(', ')})`, raw: payload }] };
}

interface WooWebhook { id: number; name: string; status: string; topic: string; delivery_url: string }
const toSubscription = (w: WooWebhook): WebhookSubscription => ({ id: String(w.id), topic: w.topic, url: w.delivery_url, status: w.status });

function refused(response: { status: number; body: unknown }, what: string): ConnectorError {
  const message = (response.body as { message?: string } | undefined)?.message ?? '';
  return new ConnectorError('WOO_WEBHOOK', `WooCommerce refused to ${what} (HTTP ${response.status}${message ? `: ${message}` : ''}); the API keys need read/write access.`);
}

export const wooWebhooks: WebhookSupport<WooOptions> = {
  topics: WOO_TOPICS,
  receive(request, secret) {
    // Woo pings a new webhook's URL with an unsigned form body `webhook_id=<id>` and disables it unless it gets a 200.
    if (!request.header('x-wc-webhook-signature') && /^webhook_id=\d+$/.test(request.body.trim())) return { kind: 'ping' };
    return verifyBase64Delivery(request, secret, { signature: 'X-WC-Webhook-Signature', topic: 'X-WC-Webhook-Topic', delivery: ['X-WC-Webhook-Delivery-ID'], secretName: 'the webhook secret' });
  },
  slim(topic, payload) {
    const schema = topic.startsWith('product.') ? product : topic.startsWith('order.') ? order : undefined;
    const parsed = schema?.safeParse(payload);
    return parsed?.success ? parsed.data : payload;
  },
  map: async (delivery, ctx) => map(ctx, delivery.topic, delivery.payload),
  async list(ctx) {
    const out: WebhookSubscription[] = [];
    for await (const page of numberedPages(ctx.http, (n) => url(ctx, '/webhooks', { per_page: '100', page: String(n) }), (body) => {
      if (!Array.isArray(body)) throw new ConnectorError('WOO_WEBHOOK', `WooCommerce answered /webhooks with ${JSON.stringify(body).slice(0, 200)}; the API keys need read/write access.`);
      return body as WooWebhook[];
    })) out.push(...page.rows.map(toSubscription));
    return out;
  },
  async register(ctx, deliveryUrl, secret) {
    const existing = await this.list(ctx);
    const created: WebhookSubscription[] = [];
    for (const topic of WOO_TOPICS) {
      if (existing.some((s) => s.topic === topic && s.url === deliveryUrl)) continue;
      const response = await ctx.http.post(url(ctx, '/webhooks', {}), { name: `StockSentry ${topic}`, topic, delivery_url: deliveryUrl, secret, status: 'active' });
      if (response.status !== 201 && response.status !== 200) throw refused(response, `create the ${topic} webhook`);
      created.push(toSubscription(response.body as WooWebhook));
    }
    return created;
  },
  async remove(ctx, id) {
    const response = await ctx.http.request('DELETE', url(ctx, `/webhooks/${encodeURIComponent(id)}`, { force: 'true' }));
    if (response.status !== 200) throw refused(response, `delete webhook ${id}`);
  },
};
