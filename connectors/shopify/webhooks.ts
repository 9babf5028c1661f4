// Shopify webhooks: inventory_levels/update (the stock level, as a count of what is available), orders/create,
// orders/cancelled and refunds/create (the day's demand). Signed with X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the
// raw body with the app's client secret); subscriptions managed with the GraphQL Admin API.
import { z } from 'zod';
import type { PositionChange } from '../../shared/push/movements.js';
import type { ConnectorContext } from '../sdk/contract.js';
import { ConnectorError } from '../sdk/contract.js';
import { mapLocation } from '../sdk/mapping.js';
import { graphqlPages, type Connection } from '../sdk/paging.js';
import { verifyBase64Delivery, type WebhookMapping, type WebhookSubscription, type WebhookSupport } from '../sdk/webhooks.js';
import { gql, NEEDS, type ShopifyOptions } from './index.js';

type Ctx = ConnectorContext<ShopifyOptions>;

export const SHOPIFY_TOPICS = ['inventory_levels/update', 'orders/create', 'orders/cancelled', 'refunds/create'] as const;
/** inventory_levels/update → INVENTORY_LEVELS_UPDATE, GraphQL's WebhookSubscriptionTopic. */
const enumOf = (topic: string) => topic.replace(/\//g, '_').toUpperCase();
const topicOf = (value: string) => SHOPIFY_TOPICS.find((t) => enumOf(t) === value) ?? value.toLowerCase();

const id = z.union([z.number(), z.string()]).transform(String);
const level = z.object({ inventory_item_id: id, location_id: id, available: z.number().nullable(), updated_at: z.string() });
const lineItem = z.object({ id, sku: z.string().nullish(), quantity: z.number(), current_quantity: z.number().nullish() });
const order = z.object({ id, created_at: z.string(), cancelled_at: z.string().nullish(), location_id: id.nullish(), line_items: z.array(lineItem) });
const refund = z.object({
  id, order_id: id, created_at: z.string(),
  refund_line_items: z.array(z.object({ id, quantity: z.number(), location_id: id.nullish(), line_item: lineItem.pick({ id: true, sku: true }) })),
});

interface ShopNode { __typename: string; id: string; sku?: string | null; tracked?: boolean; legacyResourceId?: string; name?: string }

/** Inventory items and locations by gid, looked up once per warm container (a SKU or a location name rarely changes). */
const nodeCache = new Map<string, Promise<ShopNode | null>>();

const NODES = `query($ids:[ID!]!){ nodes(ids:$ids){ __typename id ... on InventoryItem{ sku tracked } ... on Location{ legacyResourceId name } } }`;

async function lookUp(ctx: Ctx, gids: string[]): Promise<Map<string, ShopNode | null>> {
  const key = (gid: string) => `${ctx.endpoint}|${gid}`;
  const missing = [...new Set(gids)].filter((g) => !nodeCache.has(key(g)));
  if (missing.length > 0) {
    const answer = gql<{ nodes: (ShopNode | null)[] }>(ctx, NEEDS.webhooks, 'nodes', NODES, { ids: missing });
    missing.forEach((gid, i) => {
      const node = answer.then((data) => data.nodes[i] ?? null);
      nodeCache.set(key(gid), node);
      // A failed lookup is asked again next time.
      node.catch(() => nodeCache.delete(key(gid)));
    });
  }
  return new Map(await Promise.all([...new Set(gids)].map(async (g) => [g, await nodeCache.get(key(g))!] as const)));
}

const itemGid = (n: string) => `gid://shopify/InventoryItem/${n}`;
const locationGid = (n: string) => `gid://shopify/Location/${n}`;

function hubLocationOf(ctx: Ctx, nodes: Map<string, ShopNode | null>, shopLocation: string | null | undefined): string {
  if (shopLocation === null || shopLocation === undefined) return ctx.options.onlineLocation;
  const node = nodes.get(locationGid(shopLocation));
  return mapLocation(ctx.options.locations, shopLocation, node?.name ?? shopLocation).id;
}

/** Demand of an order's lines (their current quantity: removed and refunded items are not demand). */
function orderLines(ctx: Ctx, o: z.infer<typeof order>, nodes: Map<string, ShopNode | null>, kind: 'move' | 'void'): WebhookMapping {
  const out: WebhookMapping = { changes: [], invalid: [] };
  const locationId = hubLocationOf(ctx, nodes, o.location_id);
  for (const line of o.line_items) {
    if (!line.sku) { out.invalid.push({ reason: `order ${o.id} line ${line.id} has no SKU`, raw: line }); continue; }
    const changeId = `shopify:order:${o.id}:${line.id}`;
    out.changes.push({
      sku: line.sku, locationId,
      change: kind === 'void'
        ? { id: changeId, at: o.cancelled_at ?? o.created_at, kind: 'void', qty: 0 }
        : { id: changeId, at: o.created_at, kind: 'move', qty: 0, sold: line.current_quantity ?? line.quantity },
    });
  }
  return out;
}

async function map(ctx: Ctx, topic: string, payload: unknown): Promise<WebhookMapping> {
  switch (topic) {
    case 'inventory_levels/update': {
      const l = level.parse(payload);
      // `available` is null for an item whose stock Shopify does not track: nothing to watch.
      if (l.available === null) return { changes: [], invalid: [] };
      const nodes = await lookUp(ctx, [itemGid(l.inventory_item_id), locationGid(l.location_id)]);
      const item = nodes.get(itemGid(l.inventory_item_id));
      if (!item) return { changes: [], invalid: [{ reason: `Shopify has no inventory item ${l.inventory_item_id}`, raw: payload }] };
      if (item.tracked === false) return { changes: [], invalid: [] };
      if (!item.sku) return { changes: [], invalid: [{ reason: `inventory item ${l.inventory_item_id} has no SKU`, raw: payload }] };
      const locationId = hubLocationOf(ctx, nodes, l.location_id);
      return {
        changes: [{ sku: item.sku, locationId, change: { id: `shopify:level:${l.inventory_item_id}@${l.location_id}@${l.updated_at}`, at: l.updated_at, kind: 'count', qty: l.available, basis: 'available' } }],
        invalid: [],
      };
    }
    case 'orders/create':
    case 'orders/cancelled': {
      const o = order.parse(payload);
      const nodes = o.location_id ? await lookUp(ctx, [locationGid(o.location_id)]) : new Map<string, ShopNode | null>();
      // An order created already cancelled is no demand.
      if (topic === 'orders/create' && o.cancelled_at) return { changes: [], invalid: [] };
      return orderLines(ctx, o, nodes, topic === 'orders/cancelled' ? 'void' : 'move');
    }
    case 'refunds/create': {
      const r = refund.parse(payload);
      const locations = r.refund_line_items.flatMap((l) => (l.location_id ? [locationGid(l.location_id)] : []));
      const nodes = locations.length ? await lookUp(ctx, locations) : new Map<string, ShopNode | null>();
      const out: WebhookMapping = { changes: [], invalid: [] };
      for (const l of r.refund_line_items) {
        if (!l.line_item.sku) { out.invalid.push({ reason: `refund ${r.id} line ${l.id} has no SKU`, raw: l }); continue; }
        const change: PositionChange = {
          sku: l.line_item.sku, locationId: hubLocationOf(ctx, nodes, l.location_id),
          change: { id: `shopify:refund:${r.id}:${l.id}`, at: r.created_at, kind: 'move', qty: 0, sold: -l.quantity },
        };
        out.changes.push(change);
      }
      return out;
    }
    default:
      return { changes: [], invalid: [{ reason: `topic ${topic} is not one the hub subscribes to (${SHOPIFY_TOPICS.join(', ')})`, raw: payload }] };
  }
}

const pickFields = (payload: unknown, schema: z.ZodType): unknown => {
  const parsed = schema.safeParse(payload);
  // A payload that does not parse is kept whole: `map` reports why, and the quarantine keeps it.
  return parsed.success ? pick(payload, schema) : payload;
};

/** The payload with only the keys the schema reads (arrays of objects trimmed element by element). */
function pick(value: unknown, schema: z.ZodType): unknown {
  if (schema instanceof z.ZodObject && value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).filter(([k]) => k in (value as object)).map(([k, s]) => [k, pick((value as Record<string, unknown>)[k], s)]));
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => pick(v, schema.element as z.ZodType));
  if ((schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) && value !== null && value !== undefined) return pick(value, schema.unwrap() as z.ZodType);
  return value;
}

interface GqlSubscription { id: string; topic: string; endpoint: { __typename: string; callbackUrl?: string } }
const SUBSCRIPTION_FIELDS = 'id topic endpoint{ __typename ... on WebhookHttpEndpoint{ callbackUrl } }';
const toSubscription = (s: GqlSubscription): WebhookSubscription => ({ id: s.id, topic: topicOf(s.topic), url: s.endpoint.callbackUrl ?? `(${s.endpoint.__typename})` });
const userErrors = (what: string, errors: { field?: string[] | null; message: string }[]) => {
  if (errors.length) throw new ConnectorError('SHOPIFY_WEBHOOK', `Shopify refused to ${what}: ${errors.map((e) => `${(e.field ?? []).join('.') || '(input)'}: ${e.message}`).join('; ')}`);
};

export const shopifyWebhooks: WebhookSupport<ShopifyOptions> = {
  topics: SHOPIFY_TOPICS,
  // The event id is the same on every delivery of one event (retries, several subscriptions); the webhook id per delivery.
  receive: (request, secret) => verifyBase64Delivery(request, secret, {
    signature: 'X-Shopify-Hmac-Sha256', topic: 'X-Shopify-Topic', delivery: ['X-Shopify-Event-Id', 'X-Shopify-Webhook-Id'], secretName: 'the app\'s client secret',
  }),
  slim(topic, payload) {
    const schema = topic === 'inventory_levels/update' ? level : topic === 'refunds/create' ? refund : topic.startsWith('orders/') ? order : undefined;
    return schema ? pickFields(payload, schema) : payload;
  },
  map: (delivery, ctx) => map(ctx, delivery.topic, delivery.payload),
  async list(ctx) {
    const out: WebhookSubscription[] = [];
    const query = `query($first:Int!,$after:String){ webhookSubscriptions(first:$first, after:$after){ pageInfo{hasNextPage endCursor} nodes{ ${SUBSCRIPTION_FIELDS} } } }`;
    for await (const page of graphqlPages((after) => gql<{ webhookSubscriptions: Connection<GqlSubscription> }>(ctx, NEEDS.webhooks, 'webhookSubscriptions', query, { first: 100, after }).then((d) => d.webhookSubscriptions))) {
      out.push(...page.rows.map(toSubscription));
    }
    return out;
  },
  async register(ctx, url) {
    const existing = await this.list(ctx);
    const created: WebhookSubscription[] = [];
    for (const topic of SHOPIFY_TOPICS) {
      if (existing.some((s) => s.topic === topic && s.url === url)) continue;
      const data = await gql<{ webhookSubscriptionCreate: { webhookSubscription: GqlSubscription | null; userErrors: { field?: string[]; message: string }[] } }>(ctx, NEEDS.webhooks, 'webhookSubscriptionCreate',
        `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!){ webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub){ webhookSubscription{ ${SUBSCRIPTION_FIELDS} } userErrors{ field message } } }`,
        { topic: enumOf(topic), sub: { callbackUrl: url, format: 'JSON' } });
      userErrors(`subscribe ${url} to ${topic}`, data.webhookSubscriptionCreate.userErrors);
      created.push(toSubscription(data.webhookSubscriptionCreate.webhookSubscription!));
    }
    return created;
  },
  async remove(ctx, subscriptionId) {
    const data = await gql<{ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string | null; userErrors: { field?: string[]; message: string }[] } }>(ctx, NEEDS.webhooks, 'webhookSubscriptionDelete',
      'mutation($id: ID!){ webhookSubscriptionDelete(id: $id){ deletedWebhookSubscriptionId userErrors{ field message } } }', { id: subscriptionId });
    userErrors(`remove ${subscriptionId}`, data.webhookSubscriptionDelete.userErrors);
  },
};
