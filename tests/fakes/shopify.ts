// A fake Shopify Admin API serving any Dataset, over GraphQL and the legacy REST API.
// GraphQL: locations, inventoryLevels (available/on_hand/committed/incoming), orders, productVariants; Relay paging;
// a query-cost budget with THROTTLED answers (HTTP 200, no data).
// REST: locations, inventory_levels (location_ids/inventory_item_ids, updated_at_min), inventory_items (ids), orders;
// Link-header paging with an opaque page_info; times in the shop's -05:00; `available` null when untracked; a leaky
// bucket (X-Shopify-Shop-Api-Call-Limit on every answer, 429 + Retry-After: 2.0 when over); 403 for a missing scope.
// Both: access-token auth with Shopify's 401 body.
// Webhooks: webhookSubscriptions / webhookSubscriptionCreate / webhookSubscriptionDelete, and `deliver` POSTs a topic's
// payload to its subscriptions signed as Shopify signs (base64 HMAC-SHA256 of the raw body with the app's client secret).
import { createHmac, randomUUID } from 'node:crypto';
import type { Location, PositionState, SalesRecord } from '../../shared/model.js';
import type { Dataset } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, tokenBucket, type FakeRequest, type FakeResponse, type FakeServer } from './server.js';

export interface FakeShopifyOptions {
  token?: string;
  apiVersion?: string;
  /** Query-cost bucket: size and points restored per second. */
  budget?: { maximumAvailable: number; restoreRate: number };
  /** REST leaky bucket: requests it holds and leaks per second (default: the standard plan's 40 and 2). */
  restBucket?: { size: number; leakPerSecond: number };
  /** Access scopes granted to the token (default: all): REST answers 403 for resources needing others, GraphQL an ACCESS_DENIED error with the field null. */
  scopes?: string[];
  /** REST resources answered 404 although the API serves others (as Shopify does for what a token may not see). */
  notFound?: string[];
  /** Locations carry only their global id (no legacyResourceId), as some API versions and apps see them. */
  gidOnlyLocations?: boolean;
  /** SKUs whose stock Shopify does not track (GraphQL `tracked: false`, REST `available: null`). */
  untracked?: string[];
  /** The app's client secret, which signs webhook deliveries. */
  clientSecret?: string;
}

export interface FakeWebhookDelivery { topic: string; url: string; status: number; eventId: string; webhookId: string }

export interface FakeShopify extends FakeServer {
  /** Query-cost points spent so far (what the budget restored at restoreRate paid for). */
  cost: { spent: number; budget: { maximumAvailable: number; restoreRate: number } };
  /** Serve `next` from now on; changed levels (on hand, committed or incoming) get a newer updatedAt. */
  update(next: Dataset): void;
  /** Answers the next `count` REST requests 429, as when another client of the same app has just emptied the bucket. */
  throttleNextRest(count?: number): void;
  /** Webhook subscriptions made through the GraphQL Admin API. */
  subscriptions: { id: string; topic: string; callbackUrl: string }[];
  /**
   * Delivers `payload` to every subscription of `topic` with Shopify's headers; `eventId` is kept across deliveries of
   * one event (pass the same to replay it), the webhook id is new per delivery unless `webhookId` is given.
   */
  deliver(topic: string, payload: unknown, ids?: { eventId?: string; webhookId?: string }): Promise<FakeWebhookDelivery[]>;
  /** The inventory_levels/update payload of a position as the fake holds it (REST shape, `available` = on hand − committed). */
  levelPayload(sku: string, locationId: string): { inventory_item_id: number; location_id: number; available: number | null; updated_at: string };
  /** The shop's numeric location id of a hub location (what order and level payloads carry). */
  shopLocationId(locationId: string): number;
}

/** The connector's `locations` option that maps this fake's locations back to the dataset's ids and kinds. */
export function shopifyLocationMap(dataset: Dataset): Record<string, { id: string; kind: Location['kind'] }> {
  return Object.fromEntries(dataset.locations.map((l) => [l.name ?? l.id, { id: l.id, kind: l.kind }]));
}

const b64 = (n: number) => Buffer.from(`cursor:${n}`).toString('base64');
const unb64 = (s: unknown) => (typeof s === 'string' ? Number(Buffer.from(s, 'base64').toString().split(':')[1]) : 0);

function connection<T>(all: T[], first: number, after: unknown): { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: T[] } {
  const start = after ? unb64(after) : 0;
  const nodes = all.slice(start, start + first);
  return { pageInfo: { hasNextPage: start + first < all.length, endCursor: nodes.length ? b64(start + nodes.length) : null }, nodes };
}

/** `updated_at:>='2026-05-01T00:00:00Z'` → the instant and whether it is inclusive. */
function sinceFilter(query: unknown, field: string): { at: number; inclusive: boolean } | undefined {
  if (typeof query !== 'string') return undefined;
  const match = new RegExp(`${field}:(>=?)'?([^' ]+)'?`).exec(query);
  return match ? { at: Date.parse(match[2]!), inclusive: match[1] === '>=' } : undefined;
}

/** A level as the fake keeps it: the position and its incoming (the dataset's open purchase order lines). */
type FakeLevel = PositionState & { incoming: number };

const withIncoming = (d: Dataset): FakeLevel[] => d.positions.map((p) => ({
  ...p,
  incoming: d.purchaseOrders.filter((o) => o.sku === p.sku && o.locationId === p.locationId).reduce((n, o) => n + o.qty, 0),
}));

const gqlTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** REST answers in the shop's time zone. */
const shopTime = (ms: number) => `${new Date(ms - 5 * 3_600_000).toISOString().slice(0, 19)}-05:00`;

const REST_SCOPES: Record<string, string> = { locations: 'read_locations', inventory_levels: 'read_inventory', inventory_items: 'read_inventory', orders: 'read_orders' };
const ALL_SCOPES = [...new Set([...Object.values(REST_SCOPES), 'read_products'])];
/** The scope each GraphQL root field needs. */
const GRAPHQL_SCOPES: Record<string, string> = { locations: 'read_locations', location: 'read_inventory', orders: 'read_orders', productVariants: 'read_products' };
const PAGING_PARAMS = new Set(['limit', 'fields', 'page_info']);

/** What a page_info carries (opaque to clients): the first request's filters and where the page starts. */
interface PageInfo { filters: string; after?: number; before?: number }

/**
 * One page of a REST list: `limit` (default 50, max 250), `fields`, and Link rel="previous"/rel="next" URLs whose
 * page_info carries the first request's filters; a page_info request may add only limit and fields (else 400).
 */
function restPage(req: FakeRequest, baseUrl: string, key: string, select: (filters: URLSearchParams) => { id: number; row: Record<string, unknown> }[], headers: Record<string, string>): FakeResponse {
  const q = req.url.searchParams;
  const pageInfo = q.get('page_info');
  let at: PageInfo;
  if (pageInfo) {
    for (const name of q.keys()) {
      if (!PAGING_PARAMS.has(name)) return json({ [name]: `${name} cannot be passed when page_info is present. See https://shopify.dev/api/usage/pagination-rest for more information.` }, 400, headers);
    }
    at = JSON.parse(Buffer.from(pageInfo, 'base64url').toString()) as PageInfo;
  } else {
    at = { filters: new URLSearchParams([...q].filter(([name]) => !PAGING_PARAMS.has(name))).toString() };
  }
  const limit = Math.min(250, Number(q.get('limit') ?? 50));
  const all = select(new URLSearchParams(at.filters)).sort((a, b) => a.id - b.id);
  const page = at.before !== undefined ? all.filter((r) => r.id < at.before!).slice(-limit) : all.filter((r) => r.id > (at.after ?? 0)).slice(0, limit);
  const fields = q.get('fields')?.split(',');
  const link = (to: PageInfo, rel: string) => {
    const url = new URL(req.url.pathname, baseUrl);
    url.searchParams.set('limit', String(limit));
    if (fields) url.searchParams.set('fields', fields.join(','));
    url.searchParams.set('page_info', Buffer.from(JSON.stringify(to)).toString('base64url'));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  const [first, last] = [page[0], page.at(-1)];
  if (first && all[0]!.id < first.id) links.push(link({ filters: at.filters, before: first.id }, 'previous'));
  if (last && all.at(-1)!.id > last.id) links.push(link({ filters: at.filters, after: last.id }, 'next'));
  const rows = page.map(({ row }) => (fields ? Object.fromEntries(fields.filter((f) => f in row).map((f) => [f, row[f]])) : row));
  return json({ [key]: rows }, 200, { ...headers, ...(links.length ? { link: links.join(', ') } : {}) });
}

const ids = (value: string | null): Set<number> | undefined => (value === null ? undefined : new Set(value.split(',').map(Number)));

export async function startFakeShopify(dataset: Dataset, options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const token = options.token ?? 'shpat_test';
  const apiVersion = options.apiVersion ?? '2024-10';
  const budget = options.budget ?? { maximumAvailable: 2000, restoreRate: 1000 };
  const restBucket = options.restBucket ?? { size: 40, leakPerSecond: 2 };
  const scopes = new Set(options.scopes ?? ALL_SCOPES);
  const untracked = new Set(options.untracked ?? []);
  const clientSecret = options.clientSecret ?? 'shpss_test';
  const subscriptions: { id: string; topic: string; callbackUrl: string }[] = [];
  let subscriptionIds = 0;
  const overRestRate = tokenBucket({ perSecond: restBucket.leakPerSecond, burst: restBucket.size });
  let forcedThrottles = 0;
  let available = budget.maximumAvailable;
  let restoredAt = performance.now();
  let clock = FAKE_EPOCH;
  let current = dataset;
  const cost = { spent: 0, budget };
  const levels = new ChangeLog<FakeLevel>((p) => `${p.sku}@${p.locationId}`);
  levels.set(withIncoming(dataset), clock);

  const skuIds = () => {
    const skus = [...new Set([...current.items.map((i) => i.sku), ...current.positions.map((p) => p.sku)])];
    return new Map(skus.map((sku, i) => [sku, i + 1]));
  };
  const locationGid = (i: number) => `gid://shopify/Location/${1000 + i}`;
  const shopLocations = () => current.locations.map((l, i) => ({ id: locationGid(i), legacyResourceId: String(1000 + i), name: l.name ?? l.id, isActive: true, hub: l }));

  /** One order per location and day with up to 50 lines, as a shop's day of orders would be batched here. */
  const orderList = () => {
    const byDay = new Map<string, SalesRecord[]>();
    for (const sale of current.sales) {
      const key = `${sale.locationId}#${sale.day}`;
      byDay.set(key, [...(byDay.get(key) ?? []), sale]);
    }
    const locations = shopLocations();
    return [...byDay.values()]
      .flatMap((group) => Array.from({ length: Math.ceil(group.length / 50) }, (_, k) => group.slice(k * 50, k * 50 + 50)))
      .map((lines) => {
        const loc = locations.find((l) => l.hub.id === lines[0]!.locationId);
        return {
          // 03:00Z is the evening before in the shop's -05:00: a reader that takes REST's local date gets the wrong day.
          createdAt: Date.parse(`${lines[0]!.day}T03:00:00Z`),
          // Online orders carry no retail location.
          location: loc && loc.hub.kind !== 'channel' ? loc : undefined,
          lines,
        };
      })
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((order, i) => ({ ...order, id: i + 1 }));
  };

  function graphql(req: FakeRequest, stats: { throttled: number }): FakeResponse {
    const { query, variables = {} } = JSON.parse(req.body) as { query: string; variables?: Record<string, unknown> };
    const first = Number(variables.first ?? 1);
    const requested = 2 + first;
    const now = performance.now();
    available = Math.min(budget.maximumAvailable, available + ((now - restoredAt) / 1000) * budget.restoreRate);
    restoredAt = now;
    const throttleStatus = () => ({ maximumAvailable: budget.maximumAvailable, currentlyAvailable: Math.floor(available), restoreRate: budget.restoreRate });
    if (available < requested) {
      stats.throttled++;
      return json({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } } });
    }
    const answer = (data: unknown, nodes: number, errors?: unknown[]) => {
      const actual = 2 + nodes;
      available -= actual;
      cost.spent += actual;
      return json({ ...(errors ? { errors } : {}), data, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() } } });
    };
    const locations = shopLocations();
    const field = Object.keys(GRAPHQL_SCOPES).find((f) => new RegExp(`\\b${f}\\(`).test(query));
    if (field && !scopes.has(GRAPHQL_SCOPES[field]!)) {
      // Shopify's answer for a field the token may not read: the field null and an ACCESS_DENIED error.
      return answer({ [field]: null }, 0, [{
        message: `Access denied for ${field} field. Required access: \`${GRAPHQL_SCOPES[field]}\` access scope.`,
        locations: [{ line: 1, column: 1 }], path: [field], extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: `\`${GRAPHQL_SCOPES[field]}\` access scope.` },
      }]);
    }

    if (/\bshop\s*\{/.test(query)) return answer({ shop: { name: 'Fake Shop' } }, 0);
    if (/\blocations\(/.test(query)) {
      const page = connection(locations.map(({ hub: _hub, legacyResourceId, ...l }) => (options.gidOnlyLocations ? l : { ...l, legacyResourceId })), first, variables.after);
      return answer({ locations: page }, page.nodes.length);
    }
    if (/\binventoryLevels\(/.test(query)) {
      const location = locations.find((l) => l.id === variables.loc);
      if (!location) return answer({ location: null }, 0);
      const since = sinceFilter(variables.query, 'updated_at');
      const itemIds = skuIds();
      const rows = levels.all()
        .filter((r) => r.value.locationId === location.hub.id)
        .filter((r) => !since || (since.inclusive ? r.updatedAt >= since.at : r.updatedAt > since.at))
        .map(({ value: p, updatedAt }) => {
          const itemId = itemIds.get(p.sku) ?? 0;
          return {
            id: `gid://shopify/InventoryLevel/${location.legacyResourceId}?inventory_item_id=${itemId}`,
            updatedAt: gqlTime(updatedAt),
            item: { id: `gid://shopify/InventoryItem/${itemId}`, sku: p.sku, tracked: !untracked.has(p.sku), variant: { id: `gid://shopify/ProductVariant/${itemId}` } },
            quantities: [
              { name: 'available', quantity: p.onHand - p.reserved },
              { name: 'on_hand', quantity: p.onHand },
              { name: 'committed', quantity: p.reserved },
              { name: 'incoming', quantity: p.incoming },
            ],
          };
        });
      const page = connection(rows, first, variables.after);
      return answer({ location: { inventoryLevels: page } }, page.nodes.length);
    }
    if (/\borders\(/.test(query)) {
      const since = sinceFilter(variables.query, 'created_at');
      const orders = orderList()
        .filter((o) => !since || o.createdAt >= since.at)
        .map((o) => ({
          id: `gid://shopify/Order/${o.id}`,
          createdAt: gqlTime(o.createdAt),
          cancelledAt: null,
          retailLocation: o.location ? { id: o.location.id, name: o.location.name } : null,
          lineItems: { nodes: o.lines.map((s) => ({ sku: s.sku, quantity: s.qty, currentQuantity: s.qty })) },
        }));
      const page = connection(orders, first, variables.after);
      return answer({ orders: page }, page.nodes.length);
    }
    if (/\bnodes\(ids:/.test(query)) {
      const itemIds = skuIds();
      const nodes = ((variables.ids as string[] | undefined) ?? []).map((gid) => {
        const [, type, n] = /^gid:\/\/shopify\/(\w+)\/(\d+)/.exec(gid) ?? [];
        if (type === 'InventoryItem') {
          const sku = [...itemIds].find(([, id]) => id === Number(n))?.[0];
          return sku === undefined ? null : { __typename: 'InventoryItem', id: gid, sku, tracked: !untracked.has(sku) };
        }
        const location = type === 'Location' ? locations.find((l) => l.legacyResourceId === n) : undefined;
        return location ? { __typename: 'Location', id: gid, legacyResourceId: location.legacyResourceId, name: location.name } : null;
      });
      return answer({ nodes }, nodes.length);
    }
    if (/\bwebhookSubscriptionCreate\(/.test(query)) {
      const sub = variables.sub as { callbackUrl?: string; format?: string } | undefined;
      if (!sub?.callbackUrl?.startsWith('http')) return answer({ webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address is invalid' }] } }, 0);
      const created = { id: `gid://shopify/WebhookSubscription/${++subscriptionIds}`, topic: String(variables.topic), callbackUrl: sub.callbackUrl };
      subscriptions.push(created);
      return answer({ webhookSubscriptionCreate: { webhookSubscription: { id: created.id, topic: created.topic, endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: created.callbackUrl } }, userErrors: [] } }, 1);
    }
    if (/\bwebhookSubscriptionDelete\(/.test(query)) {
      const index = subscriptions.findIndex((x) => x.id === variables.id);
      if (index < 0) return answer({ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] } }, 0);
      subscriptions.splice(index, 1);
      return answer({ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: variables.id, userErrors: [] } }, 1);
    }
    if (/\bwebhookSubscriptions\(/.test(query)) {
      const page = connection(subscriptions.map((x) => ({ id: x.id, topic: x.topic, endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: x.callbackUrl } })), first, variables.after);
      return answer({ webhookSubscriptions: page }, page.nodes.length);
    }
    if (/\bproductVariants\(/.test(query)) {
      const itemIds = skuIds();
      const variants = current.items.map((item) => ({
        id: `gid://shopify/ProductVariant/${itemIds.get(item.sku)}`,
        sku: item.sku,
        price: (item.unitPrice ?? 0).toFixed(2),
        updatedAt: new Date(FAKE_EPOCH).toISOString(),
        product: { title: item.name ?? item.sku, productType: item.category ?? '' },
        inventoryItem: { unitCost: { amount: item.unitCost.toFixed(2) } },
      }));
      const page = connection(variants, first, variables.after);
      return answer({ productVariants: page }, page.nodes.length);
    }
    return json({ errors: [{ message: `Field not supported by the fake: ${query.slice(0, 80)}` }] });
  }

  function rest(req: FakeRequest, resource: string, stats: { throttled: number }): FakeResponse {
    // The level after this request, rounded up so a client never reads room that is not there yet.
    const callLimit = (level = Math.ceil(overRestRate.used())) => ({ 'x-shopify-shop-api-call-limit': `${level}/${restBucket.size}` });
    const forced = forcedThrottles > 0;
    if (forced || overRestRate() !== undefined) {
      forcedThrottles = Math.max(0, forcedThrottles - 1);
      stats.throttled++;
      return json({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, 429, { 'retry-after': '2.0', ...callLimit(forced ? restBucket.size : undefined) });
    }
    const headers = callLimit();
    const scope = REST_SCOPES[resource];
    if (scope === undefined || options.notFound?.includes(resource)) return json({ errors: 'Not Found' }, 404, headers);
    if (!scopes.has(scope)) return json({ errors: `[API] This action requires merchant approval for ${scope} scope.` }, 403, headers);
    const locations = shopLocations();
    const itemIds = skuIds();
    switch (resource) {
      case 'locations':
        return json({ locations: locations.map((l) => ({ id: Number(l.legacyResourceId), name: l.name, active: l.isActive, legacy: false, admin_graphql_api_id: l.id })) }, 200, headers);
      case 'inventory_levels': {
        const q = req.url.searchParams;
        if (!q.has('page_info') && !q.has('location_ids') && !q.has('inventory_item_ids')) {
          // Shopify requires one of the two filters (the wording of this error is the fake's).
          return json({ errors: 'inventory_item_ids or location_ids is required' }, 422, headers);
        }
        return restPage(req, server.url, 'inventory_levels', (filters) => {
          const locationIds = ids(filters.get('location_ids'));
          const items = ids(filters.get('inventory_item_ids'));
          const since = filters.get('updated_at_min');
          return levels.all().flatMap(({ value: p, updatedAt, id }) => {
            const location = locations.find((l) => l.hub.id === p.locationId);
            const itemId = itemIds.get(p.sku) ?? 0;
            if (!location || (locationIds && !locationIds.has(Number(location.legacyResourceId))) || (items && !items.has(itemId))) return [];
            // updated_at_min is inclusive ("updated at or after").
            if (since !== null && updatedAt < Date.parse(since)) return [];
            return [{ id, row: {
              inventory_item_id: itemId, location_id: Number(location.legacyResourceId),
              available: untracked.has(p.sku) ? null : p.onHand - p.reserved,
              updated_at: shopTime(updatedAt),
              admin_graphql_api_id: `gid://shopify/InventoryLevel/${location.legacyResourceId}?inventory_item_id=${itemId}`,
            } }];
          });
        }, headers);
      }
      case 'inventory_items': {
        const wanted = ids(req.url.searchParams.get('ids'));
        // Shopify takes at most 100 ids (the wording of this error is the fake's).
        if (wanted && wanted.size > 100) return json({ errors: 'ids: at most 100 ids' }, 422, headers);
        const skuOf = new Map([...itemIds].map(([sku, id]) => [id, sku]));
        return restPage(req, server.url, 'inventory_items', (filters) => {
          const only = ids(filters.get('ids'));
          return [...skuOf].filter(([id]) => !only || only.has(id)).map(([id, sku]) => ({ id, row: {
            id, sku, tracked: !untracked.has(sku), requires_shipping: true,
            cost: current.items.find((i) => i.sku === sku)?.unitCost.toFixed(2) ?? null,
            created_at: shopTime(FAKE_EPOCH), updated_at: shopTime(FAKE_EPOCH),
            admin_graphql_api_id: `gid://shopify/InventoryItem/${id}`,
          } }));
        }, headers);
      }
      case 'orders':
        return restPage(req, server.url, 'orders', (filters) => {
          // Past days' orders are closed: only status=any (or closed) lists them; Shopify's default is open.
          const status = filters.get('status') ?? 'open';
          if (status !== 'any' && status !== 'closed') return [];
          const since = filters.get('created_at_min');
          return orderList()
            .filter((o) => since === null || o.createdAt >= Date.parse(since))
            .map((o) => ({ id: o.id, row: {
              id: o.id, name: `#${1000 + o.id}`, created_at: shopTime(o.createdAt), closed_at: shopTime(o.createdAt), cancelled_at: null,
              location_id: o.location ? Number(o.location.legacyResourceId) : null,
              line_items: o.lines.map((s, k) => ({
                id: o.id * 100 + k, sku: s.sku, quantity: s.qty, current_quantity: s.qty, fulfillable_quantity: 0,
                price: (current.items.find((i) => i.sku === s.sku)?.unitPrice ?? 0).toFixed(2),
              })),
            } }));
        }, headers);
      default:
        return json({ errors: 'Not Found' }, 404, headers);
    }
  }

  const base = `/admin/api/${apiVersion}/`;
  const server = await startServer((req, stats) => {
    const path = req.url.pathname;
    const isGraphql = path === `${base}graphql.json` && req.method === 'POST';
    const restResource = req.method === 'GET' && path.startsWith(base) && path.endsWith('.json') ? path.slice(base.length, -'.json'.length) : undefined;
    if (!isGraphql && restResource === undefined) return json({ errors: 'Not Found' }, 404);
    if (req.headers['x-shopify-access-token'] !== token) {
      return json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401);
    }
    return isGraphql ? graphql(req, stats) : rest(req, restResource!, stats);
  });
  return {
    ...server,
    cost,
    update(next) {
      clock += 60_000;
      current = next;
      levels.set(withIncoming(next), clock);
    },
    throttleNextRest(count = 1) {
      forcedThrottles += count;
    },
    subscriptions,
    async deliver(topic, payload, ids = {}) {
      const body = JSON.stringify(payload);
      const eventId = ids.eventId ?? randomUUID();
      const targets = subscriptions.filter((x) => x.topic === topic.replace(/\//g, '_').toUpperCase());
      return Promise.all(targets.map(async (x) => {
        const webhookId = ids.webhookId ?? randomUUID();
        const response = await fetch(x.callbackUrl, {
          method: 'POST', body,
          headers: {
            'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'fake-shop.myshopify.com',
            'x-shopify-api-version': apiVersion, 'x-shopify-webhook-id': webhookId, 'x-shopify-event-id': eventId,
            'x-shopify-triggered-at': new Date().toISOString(), 'x-shopify-hmac-sha256': createHmac('sha256', clientSecret).update(body).digest('base64'),
          },
        });
        await response.arrayBuffer();
        return { topic, url: x.callbackUrl, status: response.status, eventId, webhookId };
      }));
    },
    levelPayload(sku, locationId) {
      const row = levels.get(`${sku}@${locationId}`);
      const location = shopLocations().find((l) => l.hub.id === locationId)!;
      return {
        inventory_item_id: skuIds().get(sku) ?? 0, location_id: Number(location.legacyResourceId),
        available: !row || untracked.has(sku) ? null : row.value.onHand - row.value.reserved, updated_at: shopTime(row?.updatedAt ?? clock),
      };
    },
    shopLocationId: (locationId) => Number(shopLocations().find((l) => l.hub.id === locationId)!.legacyResourceId),
  };
}
