// erpnext: Frappe REST /api/resource. Bin → positions (actual_qty, reserved_qty per item × warehouse), Item (+ reorder
// levels, default supplier) → items, lead_time_days → suppliers, open Purchase Order Items → inbound; token auth.
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, mapRecord, parseCursor, record, type ConnectorContext, type ReadMessage } from '../sdk/contract.js';
import { WindowLimiter } from '../sdk/http.js';
import { groupInbound, locationMapOption, mapLocation, type InboundSourceLine } from '../sdk/mapping.js';
import { keysetPages } from '../sdk/paging.js';

export const erpnextOptions = baseOptions.extend({
  /** Warehouse name (e.g. "Stores - AC") → hub location; unmapped ones use the slugified name. */
  locations: locationMapOption,
  pageSize: z.number().int().min(1).max(5000).default(500),
});
export type ErpnextOptions = z.infer<typeof erpnextOptions>;
type Ctx = ConnectorContext<ErpnextOptions>;

async function list<T>(ctx: Ctx, doctype: string, params: { fields: string[]; filters: unknown[]; orderBy: string; limit: number; parent?: string }): Promise<{ status: number; rows: T[]; body: unknown }> {
  const u = new URL(`${ctx.endpoint}/api/resource/${encodeURIComponent(doctype)}`);
  if (params.parent) u.searchParams.set('parent', params.parent);
  u.searchParams.set('fields', JSON.stringify(params.fields));
  u.searchParams.set('filters', JSON.stringify(params.filters));
  u.searchParams.set('order_by', params.orderBy);
  u.searchParams.set('limit_page_length', String(params.limit));
  const response = await ctx.http.get(u.toString());
  return { status: response.status, rows: (response.body as { data?: T[] })?.data ?? [], body: response.body };
}

const cursorSchema = z.object({ since: z.string().optional(), sinceName: z.string().optional(), after: z.string().optional(), max: z.string().optional(), maxName: z.string().optional() });

async function rowsOf<T>(ctx: Ctx, doctype: string, params: { fields: string[]; filters: unknown[]; orderBy: string; limit: number; parent?: string }): Promise<T[]> {
  const out = await list<T>(ctx, doctype, params);
  if (out.status >= 400) throw new Error(`ERPNext answered HTTP ${out.status} for ${doctype}: ${JSON.stringify(out.body).slice(0, 200)}`);
  return out.rows;
}

/** Every row of a doctype matching `filters`, keyset-paged by name. */
async function* allRows<T extends { name: string }>(ctx: Ctx, doctype: string, fields: string[], filters: unknown[] = [], parent?: string): AsyncGenerator<T> {
  for await (const page of keysetPages((after, limit) => rowsOf<T>(ctx, doctype, { fields, filters: [...filters, ...(after ? [['name', '>', after]] : [])], orderBy: 'name asc', limit, parent }), (r) => r.name, { limit: ctx.options.pageSize })) yield* page.rows;
}

/** Parent names per `in` filter, so the request line stays under proxies' 8 KB limit. */
const PARENTS_PER_REQUEST = 100;

/** Child-table rows of these parents (Frappe lists a child doctype only with ?parent=<parent doctype>). */
async function childRows<T extends { name: string; parent: string }>(ctx: Ctx, doctype: string, parentDoctype: string, parents: string[], fields: string[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < parents.length; i += PARENTS_PER_REQUEST) {
    const chunk = parents.slice(i, i + PARENTS_PER_REQUEST);
    for await (const row of allRows<T>(ctx, doctype, ['name', 'parent', ...fields], [['parent', 'in', chunk]], parentDoctype)) out.push(row);
  }
  return out;
}

/**
 * A doctype changed since the watermark (`modified`, inclusive, ties broken by name), keyset-paged by name;
 * `map` turns one page of rows into records (it may fetch their child tables).
 */
async function* readChanged<T extends { name: string; modified: string }>(cursor: string | undefined, ctx: Ctx, doctype: string, fields: string[], map: (rows: T[]) => Promise<ReadMessage[]>): AsyncGenerator<ReadMessage> {
  const state = parseCursor(cursorSchema, cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  const sinceName = ctx.full ? undefined : state.sinceName;
  let { max, maxName } = state;
  const fetchPage = (after: string | undefined, limit: number): Promise<T[]> => {
    const filters = [...(since ? [['modified', '>=', since]] : []), ...(after ? [['name', '>', after]] : [])];
    return rowsOf<T>(ctx, doctype, { fields: ['name', 'modified', ...fields], filters, orderBy: 'name asc', limit });
  };
  for await (const page of keysetPages(fetchPage, (r) => r.name, { after: state.after, limit: ctx.options.pageSize })) {
    const fresh = page.rows.filter((r) => !(since !== undefined && sinceName !== undefined && r.modified === since && r.name <= sinceName));
    for (const row of fresh) {
      if (max === undefined || row.modified > max || (row.modified === max && row.name > (maxName ?? ''))) {
        max = row.modified;
        maxName = row.name;
      }
    }
    yield* await map(fresh);
    yield checkpoint(page.next ? { since, sinceName, after: page.next, max, maxName } : { since: max ?? since, sinceName: max === undefined ? sinceName : maxName });
  }
}

interface BinRow { name: string; item_code: string; warehouse: string; actual_qty: number; reserved_qty: number; modified: string }
interface ItemRow { name: string; modified: string; item_name?: string; item_group?: string; valuation_rate?: number; standard_rate?: number; min_order_qty?: number; lead_time_days?: number }
interface ReorderRow { name: string; parent: string; warehouse: string; warehouse_reorder_level: number; warehouse_reorder_qty: number }
interface ItemDefaultRow { name: string; parent: string; default_supplier?: string | null }

const readPositions = (cursor: string | undefined, ctx: Ctx) => readChanged<BinRow>(cursor, ctx, 'Bin', ['item_code', 'warehouse', 'actual_qty', 'reserved_qty'], async (bins) =>
  bins.map((bin) => mapRecord(bin, (b) => ({ sku: b.item_code, locationId: mapLocation(ctx.options.locations, b.warehouse, b.warehouse).id, onHand: b.actual_qty, reserved: b.reserved_qty }))));

/**
 * Items: valuation_rate → unitCost, standard_rate → unitPrice, min_order_qty → moq, the default supplier; an item
 * reordered in exactly one warehouse gets minQty = reorder level and maxQty = level + reorder qty (the Item has one
 * min/max; with several warehouses the levels differ per position and are left to the hub's own policy).
 */
const readItems = (cursor: string | undefined, ctx: Ctx) => readChanged<ItemRow>(cursor, ctx, 'Item', ['item_name', 'item_group', 'valuation_rate', 'standard_rate', 'min_order_qty'], async (items) => {
  const names = items.map((i) => i.name);
  const [reorders, defaults] = await Promise.all([
    childRows<ReorderRow>(ctx, 'Item Reorder', 'Item', names, ['warehouse', 'warehouse_reorder_level', 'warehouse_reorder_qty']),
    childRows<ItemDefaultRow>(ctx, 'Item Default', 'Item', names, ['default_supplier']),
  ]);
  return items.map((item) => mapRecord(item, (i) => {
    const levels = reorders.filter((r) => r.parent === i.name);
    const supplier = defaults.find((d) => d.parent === i.name && d.default_supplier)?.default_supplier;
    const only = levels.length === 1 ? levels[0] : undefined;
    return {
      sku: i.name, name: i.item_name, category: i.item_group, unitCost: i.valuation_rate ?? 0, unitPrice: i.standard_rate, moq: i.min_order_qty || undefined,
      ...(only ? { minQty: only.warehouse_reorder_level, maxQty: only.warehouse_reorder_level + only.warehouse_reorder_qty } : {}),
      ...(supplier ? { supplierId: supplier } : {}),
    };
  }));
});

/** Suppliers that are some item's default supplier, with the longest lead_time_days of those items (plan for the slowest). */
async function* readSuppliers(ctx: Ctx): AsyncGenerator<ReadMessage> {
  const leadTimes = new Map<string, number>();
  for await (const item of allRows<{ name: string; lead_time_days?: number }>(ctx, 'Item', ['name', 'lead_time_days'])) leadTimes.set(item.name, item.lead_time_days ?? 0);
  const longest = new Map<string, number>();
  for await (const d of allRows<ItemDefaultRow>(ctx, 'Item Default', ['name', 'parent', 'default_supplier'], [], 'Item')) {
    if (d.default_supplier) longest.set(d.default_supplier, Math.max(longest.get(d.default_supplier) ?? 0, leadTimes.get(d.parent) ?? 0));
  }
  for await (const supplier of allRows<{ name: string; supplier_name?: string }>(ctx, 'Supplier', ['name', 'supplier_name'])) {
    const days = longest.get(supplier.name);
    // A supplier no item buys from has no lead time to plan with.
    if (days === undefined) continue;
    yield mapRecord(supplier, (s) => ({ id: s.name, name: s.supplier_name, leadTimeDays: days }));
  }
  yield checkpoint({});
}

interface PurchaseOrderRow { name: string; supplier: string; transaction_date: string }
interface PurchaseOrderItemRow { name: string; parent: string; item_code: string; warehouse: string; qty: number; received_qty: number; schedule_date: string }

/** Open lines of submitted purchase orders still to receive: qty − received_qty at schedule_date → inbound (a snapshot). */
async function* readPurchaseOrders(ctx: Ctx): AsyncGenerator<ReadMessage> {
  const orders = new Map<string, PurchaseOrderRow>();
  for await (const po of allRows<PurchaseOrderRow>(ctx, 'Purchase Order', ['name', 'supplier', 'transaction_date'], [['docstatus', '=', 1], ['status', 'in', ['To Receive and Bill', 'To Receive']]])) orders.set(po.name, po);
  const lines: InboundSourceLine[] = [];
  for (const line of await childRows<PurchaseOrderItemRow>(ctx, 'Purchase Order Item', 'Purchase Order', [...orders.keys()], ['item_code', 'warehouse', 'qty', 'received_qty', 'schedule_date'])) {
    const po = orders.get(line.parent)!;
    const open = line.qty - line.received_qty;
    if (!(open > 0)) continue;
    lines.push({ sku: line.item_code, locationId: mapLocation(ctx.options.locations, line.warehouse, line.warehouse).id, qty: open, eta: line.schedule_date, orderedAt: po.transaction_date, supplierId: po.supplier, ref: po.name });
  }
  for (const position of groupInbound(lines)) yield record(position);
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
  discover: () => [{ name: 'items' }, { name: 'suppliers' }, { name: 'positions' }, { name: 'purchaseOrders', snapshot: true }],
  read(stream, cursor, ctx) {
    switch (stream) {
      case 'positions': return readPositions(cursor, ctx);
      case 'items': return readItems(cursor, ctx);
      case 'suppliers': return readSuppliers(ctx);
      case 'purchaseOrders': return readPurchaseOrders(ctx);
      default: return (async function* () {})();
    }
  },
});
