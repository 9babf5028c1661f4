// woocommerce: REST API v3. Stock of products and variations (one number per product: one hub location),
// completed/processing orders → daily sales. Paged by page/per_page (max 100) with X-WP-TotalPages.
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, mapRecord, parseCursor, record, type ConnectorContext, type ReadMessage } from '../sdk/contract.js';
import { later, utcDay } from '../sdk/mapping.js';
import { numberedPages } from '../sdk/paging.js';

export const wooOptions = baseOptions.extend({
  /** Core WooCommerce keeps one stock number per product: the hub location it belongs to. */
  locationId: z.string().min(1).default('web'),
  perPage: z.number().int().min(1).max(100).default(100),
  salesHistoryDays: z.number().int().positive().default(90),
  /** Send the keys as consumer_key/consumer_secret query parameters (servers that strip Authorization). */
  authInQuery: z.boolean().default(false),
});
export type WooOptions = z.infer<typeof wooOptions>;
type Ctx = ConnectorContext<WooOptions>;

interface Product { id: number; sku: string; type: string; manage_stock: boolean | 'parent'; stock_quantity: number | null; date_modified_gmt: string }
interface Order { id: number; status: string; date_created_gmt: string; line_items: { sku: string; quantity: number }[] }

/** The credential is "ck_…:cs_…". */
function keys(ctx: Pick<Ctx, 'credential'>): [string, string] {
  const [key = '', secret = ''] = (ctx.credential ?? '').split(':');
  return [key, secret];
}

export function url(ctx: Ctx, path: string, params: Record<string, string>): string {
  const u = new URL(`${ctx.endpoint}/wp-json/wc/v3${path}`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  if (ctx.options.authInQuery) {
    const [key, secret] = keys(ctx);
    u.searchParams.set('consumer_key', key);
    u.searchParams.set('consumer_secret', secret);
  }
  return u.toString();
}

const rows = <T>(body: unknown): T[] => {
  if (!Array.isArray(body)) throw new Error(`WooCommerce answered ${JSON.stringify(body).slice(0, 200)} instead of a list`);
  return body as T[];
};

/** Woo's modified_after is exclusive and second-grained: go back a second and let the diff write skip repeats. */
const overlap = (naiveGmt: string): string => new Date(Date.parse(`${naiveGmt}Z`) - 1000).toISOString().slice(0, 19);

async function* readPositions(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(z.object({ since: z.string().optional(), page: z.string().optional(), max: z.string().optional() }), cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  let max = state.max;
  const params = { per_page: String(ctx.options.perPage), orderby: 'id', order: 'asc', ...(since ? { modified_after: overlap(since), dates_are_gmt: 'true' } : {}) };
  for await (const page of numberedPages(ctx.http, (n) => url(ctx, '/products', { ...params, page: String(n) }), (b) => rows<Product>(b), { startPage: state.page ? Number(state.page) : 1 })) {
    if (page.response?.status === 401) throw new Error('WooCommerce refused the API keys (401); check the ck_/cs_ credential.');
    for (const product of page.rows) {
      max = later(max, product.date_modified_gmt);
      const stocked = product.type === 'variable'
        ? (await variations(ctx, product.id)).filter((v) => v.manage_stock === true)
        : [product].filter((p) => p.manage_stock === true);
      // Untracked stock (manage_stock false, or "parent" on a variation counted with its parent) is not a position.
      for (const p of stocked) {
        yield mapRecord(p, (x) => ({ sku: x.sku, locationId: ctx.options.locationId, onHand: x.stock_quantity, sourceUpdatedAt: `${x.date_modified_gmt}Z` }));
      }
    }
    yield checkpoint(page.next ? { since, page: page.next, max } : { since: max ?? since });
  }
}

async function variations(ctx: Ctx, productId: number): Promise<Product[]> {
  const out: Product[] = [];
  for await (const page of numberedPages(ctx.http, (n) => url(ctx, `/products/${productId}/variations`, { per_page: '100', page: String(n) }), (b) => rows<Product>(b))) out.push(...page.rows);
  return out;
}

async function* readSales(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const from = (ctx.full ? undefined : parseCursor(z.object({ from: z.string() }), cursor)?.from)
    ?? new Date(Date.parse(`${today}T00:00:00Z`) - ctx.options.salesHistoryDays * 86_400_000).toISOString().slice(0, 10);
  const totals = new Map<string, { sku: string; locationId: string; day: string; qty: number }>();
  const params = { per_page: String(ctx.options.perPage), status: 'processing,completed', after: `${from}T00:00:00`, dates_are_gmt: 'true', orderby: 'id', order: 'asc' };
  for await (const page of numberedPages(ctx.http, (n) => url(ctx, '/orders', { ...params, page: String(n) }), (b) => rows<Order>(b))) {
    for (const order of page.rows) {
      const day = utcDay(order.date_created_gmt);
      for (const line of order.line_items) {
        if (!line.sku) continue;
        const key = `${line.sku}#${day}`;
        const entry = totals.get(key) ?? { sku: line.sku, locationId: ctx.options.locationId, day, qty: 0 };
        entry.qty += line.quantity;
        totals.set(key, entry);
      }
    }
  }
  for (const total of totals.values()) yield record(total);
  yield checkpoint({ from: today });
}

export const woocommerce = defineConnector<WooOptions>({
  type: 'woocommerce',
  spec: wooOptions,
  http: (ctx) => {
    const [key, secret] = keys(ctx);
    return { headers: (ctx.options.authInQuery ? {} : { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` }) as Record<string, string> };
  },
  async check(ctx) {
    const response = await ctx.http.get(url(ctx, '/products', { per_page: '1' }));
    if (response.status === 200) return { ok: true };
    const message = (response.body as { message?: string })?.message ?? '';
    return { ok: false, reason: `WooCommerce answered HTTP ${response.status}${message ? ` (${message})` : ''}; check the endpoint and the ck_…:cs_… keys (read access).` };
  },
  discover: () => [{ name: 'positions' }, { name: 'sales' }],
  read: (stream, cursor, ctx) => (stream === 'positions' ? readPositions(cursor, ctx) : stream === 'sales' ? readSales(cursor, ctx) : (async function* () {})()),
});
