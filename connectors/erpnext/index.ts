// erpnext: Frappe REST /api/resource. Bin → positions (actual_qty, reserved_qty per item × warehouse),
// keyset-paged by name under a `modified` watermark; JSON-encoded query parameters; token auth.
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, mapRecord, parseCursor, type ConnectorContext, type ReadMessage } from '../sdk/contract.js';
import { WindowLimiter } from '../sdk/http.js';
import { locationMapOption, mapLocation } from '../sdk/mapping.js';
import { keysetPages } from '../sdk/paging.js';

export const erpnextOptions = baseOptions.extend({
  /** Warehouse name (e.g. "Stores - AC") → hub location; unmapped ones use the slugified name. */
  locations: locationMapOption,
  pageSize: z.number().int().min(1).max(5000).default(500),
});
export type ErpnextOptions = z.infer<typeof erpnextOptions>;
type Ctx = ConnectorContext<ErpnextOptions>;

interface BinRow { name: string; item_code: string; warehouse: string; actual_qty: number; reserved_qty: number; modified: string }

async function list<T>(ctx: Ctx, doctype: string, params: { fields: string[]; filters: unknown[]; orderBy: string; limit: number }): Promise<{ status: number; rows: T[]; body: unknown }> {
  const u = new URL(`${ctx.endpoint}/api/resource/${encodeURIComponent(doctype)}`);
  u.searchParams.set('fields', JSON.stringify(params.fields));
  u.searchParams.set('filters', JSON.stringify(params.filters));
  u.searchParams.set('order_by', params.orderBy);
  u.searchParams.set('limit_page_length', String(params.limit));
  const response = await ctx.http.get(u.toString());
  return { status: response.status, rows: (response.body as { data?: T[] })?.data ?? [], body: response.body };
}

const cursorSchema = z.object({ since: z.string().optional(), sinceName: z.string().optional(), after: z.string().optional(), max: z.string().optional(), maxName: z.string().optional() });

async function* readPositions(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(cursorSchema, cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  const sinceName = ctx.full ? undefined : state.sinceName;
  let { max, maxName } = state;
  const fetchPage = async (after: string | undefined, limit: number): Promise<BinRow[]> => {
    const filters = [...(since ? [['modified', '>=', since]] : []), ...(after ? [['name', '>', after]] : [])];
    const out = await list<BinRow>(ctx, 'Bin', { fields: ['name', 'item_code', 'warehouse', 'actual_qty', 'reserved_qty', 'modified'], filters, orderBy: 'name asc', limit });
    if (out.status >= 400) throw new Error(`ERPNext answered HTTP ${out.status} for Bin: ${JSON.stringify(out.body).slice(0, 200)}`);
    return out.rows;
  };
  for await (const page of keysetPages(fetchPage, (r) => r.name, { after: state.after, limit: ctx.options.pageSize })) {
    for (const bin of page.rows) {
      if (since !== undefined && sinceName !== undefined && bin.modified === since && bin.name <= sinceName) continue;
      if (max === undefined || bin.modified > max || (bin.modified === max && bin.name > (maxName ?? ''))) {
        max = bin.modified;
        maxName = bin.name;
      }
      yield mapRecord(bin, (b) => ({ sku: b.item_code, locationId: mapLocation(ctx.options.locations, b.warehouse, b.warehouse).id, onHand: b.actual_qty, reserved: b.reserved_qty }));
    }
    yield checkpoint(page.next ? { since, sinceName, after: page.next, max, maxName } : { since: max ?? since, sinceName: max === undefined ? sinceName : maxName });
  }
}

export const erpnext = defineConnector<ErpnextOptions>({
  type: 'erpnext',
  spec: erpnextOptions,
  http: (ctx) => ({
    // The credential is "api_key:api_secret".
    headers: (ctx.credential === undefined ? {} : { authorization: `token ${ctx.credential}` }) as Record<string, string>,
    rateLimiter: new WindowLimiter(),
  }),
  async check(ctx) {
    const out = await list(ctx, 'Bin', { fields: ['name'], filters: [], orderBy: 'name asc', limit: 1 });
    if (out.status === 200) return { ok: true };
    const exc = (out.body as { exc_type?: string })?.exc_type;
    return { ok: false, reason: `ERPNext answered HTTP ${out.status}${exc ? ` (${exc})` : ''}; check the endpoint and the "api_key:api_secret" credential, and that the user may read Bin.` };
  },
  discover: () => [{ name: 'positions' }],
  read: (stream, cursor, ctx) => (stream === 'positions' ? readPositions(cursor, ctx) : (async function* () {})()),
});
