// A fake Shopify Admin GraphQL API serving any Dataset: locations, inventoryLevels, orders, productVariants,
// access-token auth (401 body), Relay paging, query-cost budget with THROTTLED answers (HTTP 200, no data).
import type { Location, PositionState } from '../../shared/model.js';
import type { Dataset } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, type FakeServer } from './server.js';

export interface FakeShopifyOptions {
  token?: string;
  apiVersion?: string;
  /** Query-cost bucket: size and points restored per second. */
  budget?: { maximumAvailable: number; restoreRate: number };
}

export interface FakeShopify extends FakeServer {
  /** Query-cost points spent so far (what the budget restored at restoreRate paid for). */
  cost: { spent: number; budget: { maximumAvailable: number; restoreRate: number } };
  /** Serve `next` from now on; changed levels get a newer updatedAt. */
  update(next: Dataset): void;
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

export async function startFakeShopify(dataset: Dataset, options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const token = options.token ?? 'shpat_test';
  const apiVersion = options.apiVersion ?? '2024-10';
  const budget = options.budget ?? { maximumAvailable: 2000, restoreRate: 1000 };
  let available = budget.maximumAvailable;
  let restoredAt = performance.now();
  let clock = FAKE_EPOCH;
  let current = dataset;
  const cost = { spent: 0, budget };
  const levels = new ChangeLog<PositionState>((p) => `${p.sku}@${p.locationId}`);
  levels.set(dataset.positions, clock);

  const skuIds = () => {
    const skus = [...new Set([...current.items.map((i) => i.sku), ...current.positions.map((p) => p.sku)])];
    return new Map(skus.map((sku, i) => [sku, i + 1]));
  };
  const locationGid = (i: number) => `gid://shopify/Location/${1000 + i}`;

  const server = await startServer((req, stats) => {
    if (req.url.pathname !== `/admin/api/${apiVersion}/graphql.json` || req.method !== 'POST') return json({ errors: 'Not Found' }, 404);
    if (req.headers['x-shopify-access-token'] !== token) {
      return json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401);
    }
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
    const answer = (data: unknown, nodes: number) => {
      const actual = 2 + nodes;
      available -= actual;
      cost.spent += actual;
      return json({ data, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() } } });
    };
    const locations = current.locations.map((l, i) => ({ id: locationGid(i), legacyResourceId: String(1000 + i), name: l.name ?? l.id, isActive: true, hub: l }));

    if (/\bshop\s*\{/.test(query)) return answer({ shop: { name: 'Fake Shop' } }, 0);
    if (/\blocations\(/.test(query)) {
      const page = connection(locations.map(({ hub: _hub, ...l }) => l), first, variables.after);
      return answer({ locations: page }, page.nodes.length);
    }
    if (/\binventoryLevels\(/.test(query)) {
      const location = locations.find((l) => l.id === variables.loc);
      if (!location) return answer({ location: null }, 0);
      const since = sinceFilter(variables.query, 'updated_at');
      const ids = skuIds();
      const incoming = (p: PositionState) => current.purchaseOrders.filter((o) => o.sku === p.sku && o.locationId === p.locationId).reduce((n, o) => n + o.qty, 0);
      const rows = levels.all()
        .filter((r) => r.value.locationId === location.hub.id)
        .filter((r) => !since || (since.inclusive ? r.updatedAt >= since.at : r.updatedAt > since.at))
        .map(({ value: p, updatedAt }) => {
          const itemId = ids.get(p.sku) ?? 0;
          return {
            id: `gid://shopify/InventoryLevel/${location.legacyResourceId}?inventory_item_id=${itemId}`,
            updatedAt: new Date(updatedAt).toISOString().replace('.000Z', 'Z'),
            item: { id: `gid://shopify/InventoryItem/${itemId}`, sku: p.sku, tracked: true, variant: { id: `gid://shopify/ProductVariant/${itemId}` } },
            quantities: [
              { name: 'available', quantity: p.onHand - p.reserved },
              { name: 'on_hand', quantity: p.onHand },
              { name: 'committed', quantity: p.reserved },
              { name: 'incoming', quantity: incoming(p) },
            ],
          };
        });
      const page = connection(rows, first, variables.after);
      return answer({ location: { inventoryLevels: page } }, page.nodes.length);
    }
    if (/\borders\(/.test(query)) {
      const since = sinceFilter(variables.query, 'created_at');
      // One order per location and day with up to 50 lines, as a shop's day of orders would be batched here.
      const byDay = new Map<string, typeof current.sales>();
      for (const sale of current.sales) {
        const key = `${sale.locationId}#${sale.day}`;
        const group = byDay.get(key) ?? [];
        group.push(sale);
        byDay.set(key, group);
      }
      const orders = [...byDay.values()]
        .flatMap((group) => Array.from({ length: Math.ceil(group.length / 50) }, (_, k) => group.slice(k * 50, k * 50 + 50)))
        .map((lines, i) => {
          const first = lines[0]!;
          const loc = locations.find((l) => l.hub.id === first.locationId);
          return {
            id: `gid://shopify/Order/${i + 1}`,
            createdAt: `${first.day}T12:00:00Z`,
            cancelledAt: null,
            // Online orders carry no retail location.
            retailLocation: loc && loc.hub.kind !== 'channel' ? { id: loc.id, name: loc.name } : null,
            lineItems: { nodes: lines.map((s) => ({ sku: s.sku, quantity: s.qty, currentQuantity: s.qty })) },
          };
        })
        .filter((o) => !since || Date.parse(o.createdAt) >= since.at)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const page = connection(orders, first, variables.after);
      return answer({ orders: page }, page.nodes.length);
    }
    if (/\bproductVariants\(/.test(query)) {
      const ids = skuIds();
      const variants = current.items.map((item) => ({
        id: `gid://shopify/ProductVariant/${ids.get(item.sku)}`,
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
  });
  return {
    ...server,
    cost,
    update(next) {
      clock += 60_000;
      current = next;
      levels.set(next.positions, clock);
    },
  };
}
