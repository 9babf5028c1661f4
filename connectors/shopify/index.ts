// shopify: GraphQL Admin API. inventoryLevels per location (on_hand, committed), orders → daily sales, locations, variants → items.
import { z } from 'zod';
import { baseOptions, checkpoint, ConnectorError, defineConnector, mapRecord, parseCursor, record, type ConnectorContext, type ReadMessage, type StreamName } from '../sdk/contract.js';
import { CostBudgetLimiter, type HttpResponse } from '../sdk/http.js';
import { later, locationMapOption, mapLocation, utcDay, type LocationMap } from '../sdk/mapping.js';
import { graphqlPages, type Connection } from '../sdk/paging.js';

export const shopifyOptions = baseOptions.extend({
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/, 'expected an API version like 2024-10').default('2024-10'),
  /** Shopify location (legacy id or name) → hub location; unmapped locations use their slugified name. */
  locations: locationMapOption,
  /** The hub location for orders without a retail location (online store orders). */
  onlineLocation: z.string().min(1).default('web'),
  /** Days of order history the first sync reads. */
  salesHistoryDays: z.number().int().positive().default(90),
  /** Also sync variants as items (off when an ERP owns item master data and costs). */
  syncItems: z.boolean().default(false),
  /** Nodes per GraphQL page (cost grows with it). */
  pageSize: z.number().int().min(1).max(250).default(100),
});
export type ShopifyOptions = z.infer<typeof shopifyOptions>;
type Ctx = ConnectorContext<ShopifyOptions>;

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

async function gql<T>(ctx: Ctx, query: string, variables: Record<string, unknown>): Promise<T> {
  const shape = `${query}#${String(variables.first ?? '')}`;
  const response = await ctx.http.post(`${ctx.endpoint}/admin/api/${ctx.options.apiVersion}/graphql.json`, { query, variables }, { cost: requestedCosts.get(shape) });
  const requested = (response.body as ThrottleBody | undefined)?.extensions?.cost?.requestedQueryCost;
  if (requested) requestedCosts.set(shape, requested);
  if (response.status === 401 || response.status === 403) {
    throw new ConnectorError('SHOPIFY_UNAUTHORIZED', `Shopify refused the access token (HTTP ${response.status}): ${JSON.stringify((response.body as { errors?: unknown })?.errors ?? response.body)}. Check the Admin API access token and its read_inventory, read_locations, read_orders scopes.`);
  }
  if (response.status === 404) throw new ConnectorError('SHOPIFY_NOT_FOUND', `No Shopify Admin API at ${ctx.endpoint} (API version ${ctx.options.apiVersion}); check endpoint and apiVersion.`);
  const body = response.body as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new ConnectorError('SHOPIFY_GRAPHQL', `Shopify GraphQL error: ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return body.data;
}

interface ShopifyLocation { id: string; legacyResourceId: string; name: string; isActive: boolean }

const LOCATIONS = `query($first:Int!,$after:String){ locations(first:$first, after:$after){ pageInfo{hasNextPage endCursor} nodes{ id legacyResourceId name isActive } } }`;

async function allLocations(ctx: Ctx): Promise<ShopifyLocation[]> {
  const out: ShopifyLocation[] = [];
  for await (const page of graphqlPages((after) => gql<{ locations: Connection<ShopifyLocation> }>(ctx, LOCATIONS, { first: 250, after }).then((d) => d.locations))) out.push(...page.rows);
  return out;
}

const hubLocation = (map: LocationMap, loc: { legacyResourceId?: string; id: string; name: string }) =>
  mapLocation(map, loc.legacyResourceId ?? loc.id.split('/').pop() ?? loc.id, loc.name);

interface Level {
  id: string;
  updatedAt: string;
  item: { sku: string | null; tracked: boolean } | null;
  quantities: { name: string; quantity: number }[];
}

const LEVELS = `query($loc:ID!,$first:Int!,$after:String,$query:String){ location(id:$loc){ inventoryLevels(first:$first, after:$after, query:$query){
  pageInfo{hasNextPage endCursor}
  nodes{ id updatedAt item{ id sku tracked } quantities(names:["available","on_hand","committed","incoming"]){ name quantity } } } } }`;

const levelCursor = z.object({
  since: z.string().optional(), sinceId: z.string().optional(),
  loc: z.string().optional(), after: z.string().optional(),
  max: z.string().optional(), maxId: z.string().optional(),
});

const byId = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

async function* readPositions(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(levelCursor, cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  const sinceId = ctx.full ? undefined : state.sinceId;
  let { max, maxId } = state;
  const locations = (await allLocations(ctx)).filter((l) => l.isActive).sort((a, b) => byId(a.id, b.id));
  // loc '' marks "all locations read, only the final checkpoint is missing".
  const start = state.loc === undefined ? 0 : state.loc === '' ? locations.length : Math.max(0, locations.findIndex((l) => l.id === state.loc));
  for (const location of locations.slice(start)) {
    const locationId = hubLocation(ctx.options.locations, location).id;
    const resume = location.id === state.loc ? state.after : undefined;
    const pages = graphqlPages((after) => gql<{ location: { inventoryLevels: Connection<Level> } | null }>(ctx, LEVELS, {
      loc: location.id, first: ctx.options.pageSize, after, query: since ? `updated_at:>='${since}'` : null,
    }).then((d) => d.location?.inventoryLevels ?? { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } }), { after: resume });
    for await (const page of pages) {
      for (const level of page.rows) {
        // The filter is inclusive; what the last run read at exactly `since` is skipped by id.
        if (since !== undefined && sinceId !== undefined && level.updatedAt === since && byId(level.id, sinceId) <= 0) continue;
        if (max === undefined || level.updatedAt > max || (level.updatedAt === max && byId(level.id, maxId ?? '') > 0)) {
          max = later(max, level.updatedAt);
          maxId = level.id;
        }
        // Untracked items have no stock to watch.
        if (level.item && !level.item.tracked) continue;
        yield mapRecord(level, (l) => {
          const q = Object.fromEntries(l.quantities.map((x) => [x.name, x.quantity]));
          return { sku: l.item?.sku ?? '', locationId, onHand: q.on_hand ?? q.available, reserved: q.committed ?? 0, sourceUpdatedAt: l.updatedAt };
        });
      }
      if (page.next) yield checkpoint({ since, sinceId, loc: location.id, after: page.next, max, maxId });
    }
    yield checkpoint({ since, sinceId, loc: locations[locations.indexOf(location) + 1]?.id ?? '', max, maxId });
  }
  yield checkpoint({ since: max ?? since, sinceId: max === undefined ? sinceId : maxId });
}

interface Order {
  id: string;
  createdAt: string;
  cancelledAt: string | null;
  retailLocation: { id: string; name: string } | null;
  lineItems: { nodes: { sku: string | null; quantity: number; currentQuantity: number }[] };
}

const ORDERS = `query($first:Int!,$after:String,$query:String){ orders(first:$first, after:$after, query:$query, sortKey:CREATED_AT){
  pageInfo{hasNextPage endCursor}
  nodes{ id createdAt cancelledAt retailLocation{ id name } lineItems(first:100){ nodes{ sku quantity currentQuantity } } } } }`;

async function* readSales(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const from = (ctx.full ? undefined : parseCursor(z.object({ from: z.string() }), cursor)?.from)
    ?? new Date(Date.parse(`${today}T00:00:00Z`) - ctx.options.salesHistoryDays * 86_400_000).toISOString().slice(0, 10);
  // A day's total is only right once all of its orders are summed, so sum the whole window, then emit.
  const totals = new Map<string, { sku: string; locationId: string; day: string; qty: number }>();
  const pages = graphqlPages((after) => gql<{ orders: Connection<Order> }>(ctx, ORDERS, { first: ctx.options.pageSize, after, query: `created_at:>='${from}T00:00:00Z'` }).then((d) => d.orders));
  for await (const page of pages) {
    for (const order of page.rows) {
      if (order.cancelledAt) continue;
      const locationId = order.retailLocation ? hubLocation(ctx.options.locations, order.retailLocation).id : ctx.options.onlineLocation;
      const day = utcDay(order.createdAt);
      for (const line of order.lineItems.nodes) {
        if (!line.sku) continue;
        const key = `${line.sku}@${locationId}#${day}`;
        const entry = totals.get(key) ?? { sku: line.sku, locationId, day, qty: 0 };
        entry.qty += line.currentQuantity ?? line.quantity;
        totals.set(key, entry);
      }
    }
  }
  for (const total of totals.values()) yield record(total);
  // Today is still selling: the next run re-sums it.
  yield checkpoint({ from: today });
}

async function* readLocations(ctx: Ctx): AsyncGenerator<ReadMessage> {
  for (const location of await allLocations(ctx)) {
    if (!location.isActive) continue;
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
  const pages = graphqlPages((after) => gql<{ productVariants: Connection<Variant> }>(ctx, VARIANTS, { first: ctx.options.pageSize, after, query: since ? `updated_at:>'${since}'` : null }).then((d) => d.productVariants), { after: state.after });
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
    rateLimiter: new CostBudgetLimiter(),
    throttledDelayMs,
  }),
  async check(ctx) {
    try {
      await gql(ctx, '{ shop { name } }', {});
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  },
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
