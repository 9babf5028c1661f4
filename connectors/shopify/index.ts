// shopify: GraphQL Admin API (default) or the legacy REST Admin API. Inventory levels per location, orders → daily sales,
// locations, variants → items (GraphQL only). Each API is a transport; mapping, cursors and sales totals are shared.
import { z } from 'zod';
import type { InboundLine } from '../../shared/model.js';
import { addDays } from '../../shared/time.js';
import { baseOptions, checkpoint, ConnectorError, defineConnector, mapRecord, parseCursor, record, warning, type ConnectorContext, type ReadMessage, type StreamName } from '../sdk/contract.js';
import { CostBudgetLimiter, LeakyBucketLimiter, type HttpClient, type HttpResponse } from '../sdk/http.js';
import { later, locationMapOption, mapLocation, utcDay, utcInstant, type LocationMap } from '../sdk/mapping.js';
import { graphqlPages, linkHeaderPages, type Connection, type Page } from '../sdk/paging.js';

export const shopifyOptions = baseOptions.extend({
  /** REST is legacy since 2024-10 but some custom apps and older shops still only have REST access. */
  api: z.enum(['graphql', 'rest']).default('graphql'),
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/, 'expected an API version like 2024-10').default('2024-10'),
  /** Shopify location (legacy id or name) → hub location; unmapped locations use their slugified name. */
  locations: locationMapOption,
  /** The hub location for orders without a retail location (online store orders). */
  onlineLocation: z.string().min(1).default('web'),
  /** Days of order history the first sync reads. */
  salesHistoryDays: z.number().int().positive().default(90),
  /** Also sync variants as items (off when an ERP owns item master data and costs). GraphQL only. */
  syncItems: z.boolean().default(false),
  /** Records per page: GraphQL nodes (cost grows with it, default 100) or the REST `limit` (default 250, its maximum). */
  pageSize: z.number().int().min(1).max(250).optional(),
  /**
   * Map Shopify's `incoming` (stock on its way from transfers and purchase orders, without an ETA) to an inbound line
   * due `etaDays` after the level last changed. Off by default: when an ERP owns the purchase orders, the same stock
   * would be counted twice. GraphQL only.
   */
  incoming: z.object({ etaDays: z.number().int().nonnegative() }).optional(),
}).superRefine((options, issues) => {
  if (options.api !== 'rest') return;
  if (options.syncItems) issues.addIssue({ code: 'custom', path: ['syncItems'], message: "items are read through GraphQL only: set api 'graphql' or turn syncItems off" });
  if (options.incoming) issues.addIssue({ code: 'custom', path: ['incoming'], message: "the REST Admin API has no incoming quantity: set api 'graphql' or remove incoming" });
});
export type ShopifyOptions = z.infer<typeof shopifyOptions>;
type Ctx = ConnectorContext<ShopifyOptions>;

/** Standard plans' REST leak rate; faster plans only make the limiter cautious when the bucket is nearly full. */
const REST_LEAK_PER_SECOND = 2;
/** inventory_items.json takes at most 100 ids per call. */
const ITEM_IDS_PER_CALL = 100;
/** The ref of the inbound line `incoming` maps to. */
const INCOMING_REF = 'shopify-incoming';

const pageSize = (ctx: Ctx): number => ctx.options.pageSize ?? (ctx.options.api === 'rest' ? 250 : 100);

// What both transports hand the shared readers.

/** A Shopify location: `id` is what the API pages levels by (GraphQL gid or REST id), `legacyId` the numeric id maps use. */
interface ShopLocation { id: string; legacyId: string; name: string; active: boolean }

/** One inventory level, quantities already in hub terms. */
interface StockLevel {
  /** Breaks ties between levels updated in the same second (`gid://shopify/InventoryLevel/{location}?inventory_item_id={item}`). */
  id: string;
  /** UTC ISO instant. */
  updatedAt: string;
  sku: string | null | undefined;
  /** False when Shopify does not track the item's stock: nothing to watch. */
  tracked: boolean;
  onHand: number | undefined;
  reserved: number;
  /** Stock on its way (GraphQL only). */
  incoming?: number;
  /** The level as the API sent it, kept with a quarantined record. */
  raw: unknown;
}

interface ShopOrder {
  createdAt: string;
  cancelled: boolean;
  /** The retail (POS) location, or undefined for an online order. */
  location: Pick<ShopLocation, 'legacyId' | 'name'> | undefined;
  lines: { sku: string | null; qty: number }[];
}

interface ShopifyApi {
  /** Proves reach and credentials; throws a ConnectorError saying what is wrong. */
  check(ctx: Ctx): Promise<void>;
  locations(ctx: Ctx): Promise<ShopLocation[]>;
  /** A reader of levels for one sync: pages of a location's levels updated at or after `since`, resumed at `after` (a page's `next`). */
  levelReader(ctx: Ctx): (location: ShopLocation, since: string | undefined, after: string | undefined) => AsyncIterable<Page<StockLevel>>;
  /** Pages of orders created on or after the UTC day `from`. */
  orders(ctx: Ctx, from: string): AsyncIterable<ShopOrder[]>;
}

// Errors both transports raise.

const errorsOf = (body: unknown): string => JSON.stringify((body as { errors?: unknown } | undefined)?.errors ?? body);

const unauthorized = (response: HttpResponse): ConnectorError =>
  new ConnectorError('SHOPIFY_UNAUTHORIZED', `Shopify refused the access token (HTTP ${response.status}): ${errorsOf(response.body)}. Check the Admin API access token and its read_inventory, read_locations, read_orders scopes.`);

const notFound = (ctx: Ctx): ConnectorError =>
  new ConnectorError('SHOPIFY_NOT_FOUND', `No Shopify Admin API at ${ctx.endpoint} (API version ${ctx.options.apiVersion}); check endpoint and apiVersion.`);

/** What each stream reads and the access scope it needs, so a refusal says which stream and which permission. */
interface Need { stream: StreamName | 'check' | 'webhooks'; scope: string }
export const NEEDS = {
  check: { stream: 'check', scope: 'read_locations' },
  locations: { stream: 'locations', scope: 'read_locations' },
  positions: { stream: 'positions', scope: 'read_inventory' },
  sales: { stream: 'sales', scope: 'read_orders' },
  items: { stream: 'items', scope: 'read_products' },
  // Webhooks: subscribing needs each topic's scope; mapping a delivery looks up inventory items and locations.
  webhooks: { stream: 'webhooks', scope: 'read_inventory, read_locations and read_orders' },
} as const satisfies Record<string, Need>;

const missingScope = (need: Need, detail: string): ConnectorError =>
  new ConnectorError('SHOPIFY_MISSING_SCOPE', `Shopify refused the ${need.stream} stream: ${detail}. Give the app's Admin API access token the ${need.scope} scope, then reinstall the app.`);

/** A 404 for one resource, once the API answered others: the resource is hidden from this token or this API version. */
const resourceNotFound = (ctx: Ctx, need: Need, path: string): ConnectorError => (need.stream === 'check' ? notFound(ctx)
  : new ConnectorError('SHOPIFY_NOT_FOUND', `Shopify answered 404 for ${path}, which the ${need.stream} stream reads: the access token may lack the ${need.scope} scope (Shopify hides what a token may not read), or API version ${ctx.options.apiVersion} does not offer it.`));

// GraphQL transport.

interface ThrottleBody { errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable: number; restoreRate: number } } } }

/** A THROTTLED GraphQL answer (HTTP 200): wait until the bucket holds the requested cost again. */
function throttledDelayMs(response: HttpResponse): number | undefined {
  const body = response.body as ThrottleBody | undefined;
  if (!body?.errors?.some((e) => e.extensions?.code === 'THROTTLED')) return undefined;
  const cost = body.extensions?.cost;
  if (!cost?.throttleStatus || !cost.requestedQueryCost) return 1000;
  return Math.max(50, ((cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable) / cost.throttleStatus.restoreRate) * 1000);
}

/** The requested cost Shopify last reported per query shape, so the limiter budgets each query for its own cost. */
const requestedCosts = new Map<string, number>();

/** Runs a query for `need`; `field` is the top-level field the caller reads, which must be in the answer. */
export async function gql<T>(ctx: Ctx, need: Need, field: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const shape = `${query}#${String(variables.first ?? '')}`;
  const response = await ctx.http.post(`${ctx.endpoint}/admin/api/${ctx.options.apiVersion}/graphql.json`, { query, variables }, { cost: requestedCosts.get(shape) });
  const requested = (response.body as ThrottleBody | undefined)?.extensions?.cost?.requestedQueryCost;
  if (requested) requestedCosts.set(shape, requested);
  if (response.status === 401 || response.status === 403) throw unauthorized(response);
  if (response.status === 404) throw notFound(ctx);
  const body = response.body as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  const denied = body.errors?.find((e) => e.extensions?.code === 'ACCESS_DENIED');
  if (denied) throw missingScope(need, denied.message);
  if (body.errors?.length) throw new ConnectorError('SHOPIFY_GRAPHQL', `Shopify GraphQL error in the ${need.stream} stream: ${body.errors.map((e) => e.message).join('; ')}`);
  // A null field without an error (hidden by permissions, or an API version without it) must not surface as a TypeError.
  if (!body.data || body.data[field] === undefined || (body.data[field] === null && field !== 'location')) {
    throw new ConnectorError('SHOPIFY_GRAPHQL', `Shopify answered the ${need.stream} query without "${field}": the access token may lack the ${need.scope} scope, or API version ${ctx.options.apiVersion} lacks the field.`);
  }
  return body.data as T;
}

interface GqlLocation { id: string; legacyResourceId?: string | null; name: string; isActive: boolean }

const LOCATIONS = `query($first:Int!,$after:String){ locations(first:$first, after:$after){ pageInfo{hasNextPage endCursor} nodes{ id legacyResourceId name isActive } } }`;

interface GqlLevel {
  id: string;
  updatedAt: string;
  item: { sku: string | null; tracked: boolean } | null;
  quantities: { name: string; quantity: number }[];
}

const LEVELS = `query($loc:ID!,$first:Int!,$after:String,$query:String){ location(id:$loc){ inventoryLevels(first:$first, after:$after, query:$query){
  pageInfo{hasNextPage endCursor}
  nodes{ id updatedAt item{ id sku tracked } quantities(names:["available","on_hand","committed","incoming"]){ name quantity } } } } }`;

function gqlLevel(level: GqlLevel): StockLevel {
  const q = Object.fromEntries(level.quantities.map((x) => [x.name, x.quantity]));
  return {
    id: level.id, updatedAt: level.updatedAt, sku: level.item?.sku, tracked: level.item?.tracked ?? true,
    onHand: q.on_hand ?? q.available, reserved: q.committed ?? 0, incoming: q.incoming ?? 0, raw: level,
  };
}

interface GqlOrder {
  id: string;
  createdAt: string;
  cancelledAt: string | null;
  retailLocation: { id: string; name: string } | null;
  lineItems: { nodes: { sku: string | null; quantity: number; currentQuantity: number }[] };
}

const ORDERS = `query($first:Int!,$after:String,$query:String){ orders(first:$first, after:$after, query:$query, sortKey:CREATED_AT){
  pageInfo{hasNextPage endCursor}
  nodes{ id createdAt cancelledAt retailLocation{ id name } lineItems(first:100){ nodes{ sku quantity currentQuantity } } } } }`;

const graphqlApi: ShopifyApi = {
  async check(ctx) {
    await gql(ctx, NEEDS.check, 'shop', '{ shop { name } }', {});
  },
  async locations(ctx) {
    const out: ShopLocation[] = [];
    for await (const page of graphqlPages((after) => gql<{ locations: Connection<GqlLocation> }>(ctx, NEEDS.locations, 'locations', LOCATIONS, { first: 250, after }).then((d) => d.locations))) {
      // Maps keyed by the numeric id work as in REST: legacyResourceId, else the id at the end of the global id.
      out.push(...page.rows.map((l) => ({ id: l.id, legacyId: l.legacyResourceId ?? l.id.split('/').pop() ?? l.id, name: l.name, active: l.isActive })));
    }
    return out;
  },
  levelReader: (ctx) => async function* (location, since, after) {
    const pages = graphqlPages((cursor) => gql<{ location: { inventoryLevels: Connection<GqlLevel> } | null }>(ctx, NEEDS.positions, 'location', LEVELS, {
      loc: location.id, first: pageSize(ctx), after: cursor, query: since ? `updated_at:>='${since}'` : null,
    }).then((d) => d.location?.inventoryLevels ?? { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } }), { after });
    for await (const page of pages) yield { ...page, rows: page.rows.map(gqlLevel) };
  },
  async *orders(ctx, from) {
    const pages = graphqlPages((after) => gql<{ orders: Connection<GqlOrder> }>(ctx, NEEDS.sales, 'orders', ORDERS, { first: pageSize(ctx), after, query: `created_at:>='${from}T00:00:00Z'` }).then((d) => d.orders));
    for await (const page of pages) {
      yield page.rows.map((o) => ({
        createdAt: o.createdAt,
        cancelled: Boolean(o.cancelledAt),
        location: o.retailLocation ? { legacyId: o.retailLocation.id.split('/').pop() ?? o.retailLocation.id, name: o.retailLocation.name } : undefined,
        lines: o.lineItems.nodes.map((l) => ({ sku: l.sku, qty: l.currentQuantity ?? l.quantity })),
      }));
    }
  },
};

// REST transport.

interface RestLocation { id: number; name: string; active: boolean }
interface RestLevel { inventory_item_id: number; location_id: number; available: number | null; updated_at: string }
interface RestInventoryItem { id: number; sku: string | null; tracked: boolean }
interface RestOrder { id: number; created_at: string; cancelled_at: string | null; location_id: number | null; line_items: { sku: string | null; quantity: number; current_quantity?: number }[] }

function restUrl(ctx: Ctx, resource: string, params: Record<string, string | undefined>): string {
  const url = new URL(`${ctx.endpoint}/admin/api/${ctx.options.apiVersion}/${resource}.json`);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Pages of a REST list (Link-header cursors); a refusal becomes a ConnectorError that says what to fix. */
function restList<T>(ctx: Ctx, url: string, key: string, need: Need): AsyncGenerator<Page<T>> {
  return linkHeaderPages(ctx.http, url, (body, response) => {
    if (response.status === 401) throw unauthorized(response);
    if (response.status === 403) throw missingScope(need, `${new URL(response.url).pathname} answered HTTP 403: ${errorsOf(body)}`);
    if (response.status === 404) throw resourceNotFound(ctx, need, new URL(response.url).pathname);
    const rows = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(rows)) throw new ConnectorError('SHOPIFY_REST', `Shopify answered ${new URL(response.url).pathname} without a "${key}" list: ${JSON.stringify(body).slice(0, 200)}`);
    return rows as T[];
  });
}

async function restLocations(ctx: Ctx, need: Need = NEEDS.locations): Promise<ShopLocation[]> {
  const out: ShopLocation[] = [];
  for await (const page of restList<RestLocation>(ctx, restUrl(ctx, 'locations', {}), 'locations', need)) {
    out.push(...page.rows.map((l) => ({ id: String(l.id), legacyId: String(l.id), name: l.name, active: l.active })));
  }
  return out;
}

/** REST levels carry no SKU: looks up the inventory items of `ids` not yet in `known` (null: no such item). */
async function lookUpItems(ctx: Ctx, known: Map<number, RestInventoryItem | null>, ids: number[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  for (let i = 0; i < missing.length; i += ITEM_IDS_PER_CALL) {
    const chunk = missing.slice(i, i + ITEM_IDS_PER_CALL);
    for (const id of chunk) known.set(id, null);
    const url = restUrl(ctx, 'inventory_items', { ids: chunk.join(','), limit: String(chunk.length) });
    for await (const page of restList<RestInventoryItem>(ctx, url, 'inventory_items', NEEDS.positions)) {
      for (const item of page.rows) known.set(item.id, item);
    }
  }
}

function restLevel(level: RestLevel, item: RestInventoryItem | null | undefined): StockLevel {
  return {
    id: `gid://shopify/InventoryLevel/${level.location_id}?inventory_item_id=${level.inventory_item_id}`,
    // REST answers in the shop's offset (e.g. -05:00); cursors compare UTC.
    updatedAt: utcInstant(level.updated_at),
    sku: item?.sku,
    // `available` is null for untracked items.
    tracked: level.available !== null && item?.tracked !== false,
    // REST has only `available`: onHand = available with reserved 0 keeps available-to-sell (onHand − reserved) right.
    onHand: level.available ?? undefined,
    reserved: 0,
    raw: level,
  };
}

const restApi: ShopifyApi = {
  async check(ctx) {
    await restLocations(ctx, NEEDS.check);
  },
  locations: (ctx) => restLocations(ctx),
  levelReader(ctx) {
    // Each inventory item is looked up once per sync, whatever number of locations stock it.
    const items = new Map<number, RestInventoryItem | null>();
    return async function* (location, since, after) {
      // inventory_levels.json documents updated_at_min (inclusive); one location per call is well under its 50 location_ids.
      const first = restUrl(ctx, 'inventory_levels', { location_ids: location.id, limit: String(pageSize(ctx)), updated_at_min: since });
      for await (const page of restList<RestLevel>(ctx, after ?? first, 'inventory_levels', NEEDS.positions)) {
        await lookUpItems(ctx, items, page.rows.filter((l) => l.available !== null).map((l) => l.inventory_item_id));
        yield { ...page, rows: page.rows.map((l) => restLevel(l, items.get(l.inventory_item_id))) };
      }
    };
  },
  async *orders(ctx, from) {
    // Orders carry only the POS location's id; its name is what name-keyed location maps use.
    const locations = new Map((await locationsOnce(ctx)).map((l) => [l.legacyId, l]));
    const url = restUrl(ctx, 'orders', { status: 'any', created_at_min: `${from}T00:00:00Z`, limit: String(pageSize(ctx)), fields: 'id,created_at,cancelled_at,location_id,line_items' });
    for await (const page of restList<RestOrder>(ctx, url, 'orders', NEEDS.sales)) {
      yield page.rows.map((o) => {
        const locationId = o.location_id === null ? undefined : String(o.location_id);
        return {
          createdAt: o.created_at,
          cancelled: Boolean(o.cancelled_at),
          // A deleted location is no longer listed: map it by its id alone.
          location: locationId === undefined ? undefined : locations.get(locationId) ?? { legacyId: locationId, name: locationId },
          lines: o.line_items.map((l) => ({ sku: l.sku, qty: l.current_quantity ?? l.quantity })),
        };
      });
    }
  },
};

const apiOf = (ctx: Ctx): ShopifyApi => (ctx.options.api === 'rest' ? restApi : graphqlApi);

// Readers shared by both transports.

const hubLocation = (map: LocationMap, location: Pick<ShopLocation, 'legacyId' | 'name'>) => mapLocation(map, location.legacyId, location.name);

/** The shop's locations, fetched once per sync (per HTTP client) however many streams and readers ask. */
const locationLists = new WeakMap<HttpClient, Promise<ShopLocation[]>>();
function locationsOnce(ctx: Ctx): Promise<ShopLocation[]> {
  let list = locationLists.get(ctx.http);
  if (!list) {
    list = apiOf(ctx).locations(ctx);
    locationLists.set(ctx.http, list);
    list.catch(() => locationLists.delete(ctx.http));
  }
  return list;
}

/** With a location map configured, a location it names neither by id nor by name lands under its slug: say so. */
function* unmapped(ctx: Ctx, locations: ShopLocation[]): Generator<ReadMessage> {
  const map = ctx.options.locations;
  if (Object.keys(map).length === 0) return;
  for (const l of locations) {
    if (l.active && map[l.legacyId] === undefined && map[l.name] === undefined) {
      yield warning(`Shopify location "${l.name}" (id ${l.legacyId}) is not in options.locations; its stock is kept under "${hubLocation(map, l).id}". Map it by id or name.`);
    }
  }
}

const levelCursor = z.object({
  since: z.string().optional(), sinceId: z.string().optional(),
  /** The location being read and where in it: a GraphQL cursor or a REST page URL. */
  loc: z.string().optional(), after: z.string().optional(),
  max: z.string().optional(), maxId: z.string().optional(),
});

const byId = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * Shopify's incoming as the position's inbound from this source (the store keeps other sources' lines). Shopify has
 * no ETA, so it is `etaDays` after the day the level last changed: an unchanged level then maps to the same line on
 * every run, where "today + etaDays" would move daily and rewrite every such position on every sync. A level that
 * changes (a sale, a receipt) moves it on. Nothing incoming is an empty list, which clears a received transfer's line.
 */
function incomingInbound(level: StockLevel, etaDays: number): InboundLine[] {
  const qty = level.incoming ?? 0;
  return qty > 0 ? [{ qty, eta: addDays(utcDay(level.updatedAt), etaDays), ref: INCOMING_REF }] : [];
}

async function* readPositions(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const api = apiOf(ctx);
  const { incoming } = ctx.options;
  const state = parseCursor(levelCursor, cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  const sinceId = ctx.full ? undefined : state.sinceId;
  let { max, maxId } = state;
  const all = await locationsOnce(ctx);
  yield* unmapped(ctx, all);
  const locations = all.filter((l) => l.active).sort((a, b) => byId(a.id, b.id));
  const levelPages = api.levelReader(ctx);
  // loc '' marks "all locations read, only the final checkpoint is missing".
  const start = state.loc === undefined ? 0 : state.loc === '' ? locations.length : Math.max(0, locations.findIndex((l) => l.id === state.loc));
  for (const location of locations.slice(start)) {
    const locationId = hubLocation(ctx.options.locations, location).id;
    const resume = location.id === state.loc ? state.after : undefined;
    for await (const page of levelPages(location, since, resume)) {
      for (const level of page.rows) {
        // The filter is inclusive; what the last run read at exactly `since` is skipped by id.
        if (since !== undefined && sinceId !== undefined && level.updatedAt === since && byId(level.id, sinceId) <= 0) continue;
        if (max === undefined || level.updatedAt > max || (level.updatedAt === max && byId(level.id, maxId ?? '') > 0)) {
          max = later(max, level.updatedAt);
          maxId = level.id;
        }
        // Untracked items have no stock to watch.
        if (!level.tracked) continue;
        yield mapRecord(level.raw, () => ({
          sku: level.sku ?? '', locationId, onHand: level.onHand, reserved: level.reserved, sourceUpdatedAt: level.updatedAt,
          // Scoped to its own line: an ERP's inbound for the position is never touched, and with incoming off a line
          // written while it was on is cleared.
          inbound: incoming ? incomingInbound(level, incoming.etaDays) : [], inboundScope: INCOMING_REF,
        }));
      }
      if (page.next) yield checkpoint({ since, sinceId, loc: location.id, after: page.next, max, maxId });
    }
    yield checkpoint({ since, sinceId, loc: locations[locations.indexOf(location) + 1]?.id ?? '', max, maxId });
  }
  yield checkpoint({ since: max ?? since, sinceId: max === undefined ? sinceId : maxId });
}

async function* readSales(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const from = (ctx.full ? undefined : parseCursor(z.object({ from: z.string() }), cursor)?.from)
    ?? new Date(Date.parse(`${today}T00:00:00Z`) - ctx.options.salesHistoryDays * 86_400_000).toISOString().slice(0, 10);
  // A day's total is only right once all of its orders are summed, so sum the whole window, then emit.
  const totals = new Map<string, { sku: string; locationId: string; day: string; qty: number }>();
  for await (const orders of apiOf(ctx).orders(ctx, from)) {
    for (const order of orders) {
      if (order.cancelled) continue;
      const locationId = order.location ? hubLocation(ctx.options.locations, order.location).id : ctx.options.onlineLocation;
      const day = utcDay(order.createdAt);
      for (const line of order.lines) {
        if (!line.sku) continue;
        const key = `${line.sku}@${locationId}#${day}`;
        const entry = totals.get(key) ?? { sku: line.sku, locationId, day, qty: 0 };
        entry.qty += line.qty;
        totals.set(key, entry);
      }
    }
  }
  for (const total of totals.values()) yield record(total);
  // Today is still selling: the next run re-sums it.
  yield checkpoint({ from: today });
}

async function* readLocations(ctx: Ctx): AsyncGenerator<ReadMessage> {
  const locations = await locationsOnce(ctx);
  yield* unmapped(ctx, locations);
  for (const location of locations) {
    if (!location.active) continue;
    const mapped = hubLocation(ctx.options.locations, location);
    yield record({ id: mapped.id, name: location.name, kind: mapped.kind ?? 'store' }, location);
  }
}

interface Variant { id: string; sku: string | null; price: string; updatedAt: string; product: { title: string; productType: string }; inventoryItem: { unitCost: { amount: string } | null } }

const VARIANTS = `query($first:Int!,$after:String,$query:String){ productVariants(first:$first, after:$after, query:$query){
  pageInfo{hasNextPage endCursor}
  nodes{ id sku price updatedAt product{ title productType } inventoryItem{ unitCost{ amount } } } } }`;

async function* readItems(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(z.object({ since: z.string().optional(), after: z.string().optional(), max: z.string().optional() }), cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  let max = state.max;
  const pages = graphqlPages((after) => gql<{ productVariants: Connection<Variant> }>(ctx, NEEDS.items, 'productVariants', VARIANTS, { first: pageSize(ctx), after, query: since ? `updated_at:>'${since}'` : null }).then((d) => d.productVariants), { after: state.after });
  for await (const page of pages) {
    for (const v of page.rows) {
      max = later(max, v.updatedAt);
      yield mapRecord(v, (x) => ({ sku: x.sku ?? '', name: x.product.title, category: x.product.productType || undefined, unitPrice: x.price, unitCost: x.inventoryItem.unitCost?.amount }));
    }
    yield checkpoint(page.next ? { since, after: page.next, max } : { since: max ?? since });
  }
}

export const shopify = defineConnector<ShopifyOptions>({
  type: 'shopify',
  spec: shopifyOptions,
  http: (ctx) => ({
    headers: ctx.credential === undefined ? {} : { 'X-Shopify-Access-Token': ctx.credential } as Record<string, string>,
    ...(ctx.options.api === 'rest'
      ? { rateLimiter: new LeakyBucketLimiter(REST_LEAK_PER_SECOND) }
      : { rateLimiter: new CostBudgetLimiter(), throttledDelayMs }),
  }),
  async check(ctx) {
    try {
      await apiOf(ctx).check(ctx);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  },
  // Items are read through GraphQL only; the spec refuses syncItems with api 'rest'.
  discover: (options) => (['locations', 'positions', 'sales', ...(options.syncItems ? ['items'] : [])] as StreamName[]).map((name) => ({ name })),
  read(stream, cursor, ctx) {
    switch (stream) {
      case 'positions': return readPositions(cursor, ctx);
      case 'sales': return readSales(cursor, ctx);
      case 'locations': return readLocations(ctx);
      case 'items': return readItems(cursor, ctx);
      default: return (async function* () {})();
    }
  },
});
