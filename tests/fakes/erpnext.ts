// A fake ERPNext/Frappe /api/resource: Bin, Item (+ child tables Item Reorder, Item Default, listed with ?parent=Item),
// Supplier, Purchase Order (+ Purchase Order Item). Token auth, JSON-encoded fields/filters (=, !=, <, >, in), order_by,
// limit_page_length (0: all), float noise in quantities, and the optional rate limiter (429 + X-RateLimit-*).
import type { Item, PositionState, Supplier } from '../../shared/model.js';
import type { Dataset } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, type FakeServer } from './server.js';

export interface FakeErpnext extends FakeServer {
  update(next: Dataset): void;
}

export const erpnextWarehouse = (dataset: Dataset, locationId: string): string => `${dataset.locations.find((l) => l.id === locationId)?.name ?? locationId} - AC`;

export function erpnextLocationMap(dataset: Dataset): Record<string, string> {
  return Object.fromEntries(dataset.locations.map((l) => [erpnextWarehouse(dataset, l.id), l.id]));
}

const frappeTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.000000`;

export async function startFakeErpnext(dataset: Dataset, options: { token?: string; rateLimit?: { limit: number; windowSeconds: number }; reorderWarehouses?: number } = {}): Promise<FakeErpnext> {
  const token = `token ${options.token ?? 'key:secret'}`;
  let clock = FAKE_EPOCH;
  let current = dataset;
  const log = new ChangeLog<PositionState>((p) => `${p.sku}@${p.locationId}`);
  // An Item's modified moves when its child tables or its lead time (the supplier's) change, as in Frappe.
  const itemLog = new ChangeLog<{ item: Item; leadTime: number | undefined }>((i) => i.item.sku);
  const load = (d: Dataset) => {
    log.set(d.positions, clock);
    itemLog.set(d.items.map((item) => ({ item, leadTime: d.suppliers.find((s) => s.id === item.supplierId)?.leadTimeDays })), clock);
  };
  load(dataset);
  let windowStart = performance.now();
  let used = 0;

  const server = await startServer((req, stats) => {
    const headers: Record<string, string> = {};
    if (options.rateLimit) {
      const now = performance.now();
      const windowMs = options.rateLimit.windowSeconds * 1000;
      if (now - windowStart >= windowMs) { windowStart = now; used = 0; }
      const reset = ((windowStart + windowMs - now) / 1000).toFixed(3);
      if (used >= options.rateLimit.limit) {
        stats.throttled++;
        return { status: 429, body: 'Too Many Requests', headers: { 'retry-after': reset, 'x-ratelimit-limit': String(options.rateLimit.limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } };
      }
      used++;
      Object.assign(headers, { 'x-ratelimit-limit': String(options.rateLimit.limit), 'x-ratelimit-remaining': String(options.rateLimit.limit - used), 'x-ratelimit-reset': reset });
    }
    if (req.headers.authorization !== token) {
      return json({ exc_type: 'AuthenticationError', exception: 'frappe.exceptions.AuthenticationError', _server_messages: JSON.stringify([JSON.stringify({ message: 'Invalid API key or secret' })]) }, 401, headers);
    }
    const doctype = decodeURIComponent(req.url.pathname.replace(/^\/api\/resource\//, ''));
    const q = req.url.searchParams;
    const table = tables(doctype);
    if (!req.url.pathname.startsWith('/api/resource/') || !table) return json({ exc_type: 'DoesNotExistError', exception: `frappe.exceptions.DoesNotExistError: DocType ${doctype} not found` }, 404, headers);
    if (table.parent && q.get('parent') !== table.parent) return json({ exc_type: 'PermissionError', exception: `frappe.exceptions.PermissionError: Please specify a valid parent DocType for ${doctype}` }, 403, headers);
    const fields = JSON.parse(q.get('fields') ?? '["name"]') as string[];
    const filters = JSON.parse(q.get('filters') ?? '[]') as (string | number | (string | number)[])[][];
    const limit = Number(q.get('limit_page_length') ?? 20);
    const rows = table.rows;
    const ok = (row: Record<string, unknown>) => filters.every((f) => {
      const [field, op, value] = (f.length === 4 ? f.slice(1) : f) as [string, string, string | number | (string | number)[]];
      const actual = row[field] as string | number;
      if (op === 'in') return (value as (string | number)[]).includes(actual);
      return op === '>' ? actual > value : op === '>=' ? actual >= value : op === '<' ? actual < value : op === '<=' ? actual <= value : op === '!=' ? actual !== value : actual === value;
    });
    const data = rows.filter(ok).sort((a, b) => String(a.name).localeCompare(String(b.name))).slice(0, limit === 0 ? undefined : limit)
      .map((r) => Object.fromEntries(fields.map((f) => [f, (r as Record<string, unknown>)[f]])));
    return json({ data }, 200, headers);
  });
  function tables(doctype: string): { rows: Record<string, unknown>[]; parent?: string } | undefined {
    const warehouse = (locationId: string) => erpnextWarehouse(current, locationId);
    switch (doctype) {
      case 'Bin':
        return { rows: log.all().map(({ value: p, id, updatedAt }) => ({
          name: `MAT-BIN-${String(id).padStart(6, '0')}`, item_code: p.sku, warehouse: warehouse(p.locationId),
          // Frappe floats carry binary noise: 5 comes back as 5.000000000000001.
          actual_qty: (p.onHand * 10 + 1) / 10 - 0.1, reserved_qty: p.reserved, ordered_qty: 0, projected_qty: p.onHand - p.reserved,
          stock_uom: 'Nos', modified: frappeTime(updatedAt), docstatus: 0,
        })) };
      case 'Item':
        return { rows: itemLog.all().map(({ value: { item, leadTime }, updatedAt }) => ({
          name: item.sku, item_code: item.sku, item_name: item.name ?? item.sku, item_group: item.category ?? 'All Item Groups', stock_uom: 'Nos',
          valuation_rate: item.unitCost, standard_rate: item.unitPrice ?? 0, min_order_qty: item.moq ?? 0, lead_time_days: leadTime ?? 0,
          safety_stock: 0, is_stock_item: 1, disabled: 0, modified: frappeTime(updatedAt),
        })) };
      case 'Item Reorder':
        // Reorder levels at the first `reorderWarehouses` locations (default one): level = min, reorder qty = max − min.
        return { parent: 'Item', rows: current.items.filter((i) => i.minQty !== undefined && i.maxQty !== undefined).flatMap((i) =>
          current.locations.slice(0, options.reorderWarehouses ?? 1).map((l) => ({
            name: `reorder-${i.sku}-${l.id}`, parent: i.sku, parenttype: 'Item', parentfield: 'reorder_levels', warehouse: warehouse(l.id),
            warehouse_reorder_level: i.minQty, warehouse_reorder_qty: i.maxQty! - i.minQty!, material_request_type: 'Purchase',
          }))) };
      case 'Item Default':
        return { parent: 'Item', rows: current.items.map((i, n) => ({ name: `default-${n}`, parent: i.sku, parenttype: 'Item', parentfield: 'item_defaults', company: 'Acme', default_supplier: i.supplierId ?? null })) };
      case 'Supplier':
        return { rows: [...current.suppliers, { id: 'SUP-UNUSED', name: 'Buys nothing' } as Supplier].map((s) => ({ name: s.id, supplier_name: s.name ?? s.id, supplier_group: 'All Supplier Groups' })) };
      case 'Purchase Order':
        return { rows: purchaseOrders().map(({ lines: _lines, ...po }) => po) };
      case 'Purchase Order Item':
        return { parent: 'Purchase Order', rows: purchaseOrders().flatMap((po) => po.lines) };
      default:
        return undefined;
    }
  }

  /**
   * Submitted orders "To Receive and Bill" from the dataset's open lines: every other order partly received (qty
   * ordered = open + received), each with an extra fully received line; plus a completed order and a draft that
   * must not count.
   */
  function purchaseOrders() {
    const refs = [...new Set(current.purchaseOrders.map((l) => l.ref))];
    const orders = refs.map((ref, i) => {
      const lines = current.purchaseOrders.filter((l) => l.ref === ref);
      const first = lines[0]!;
      const received = i % 2 === 1 ? 4 : 0;
      return {
        name: ref, supplier: first.supplierId, transaction_date: first.orderedAt ?? '2026-04-01', status: received ? 'To Receive and Bill' : 'To Receive', docstatus: 1,
        lines: [...lines, { ...first, qty: 0 }].map((l, n) => ({
          name: `${ref}-${n}`, parent: ref, parenttype: 'Purchase Order', item_code: l.sku, warehouse: erpnextWarehouse(current, l.locationId),
          qty: l.qty === 0 ? 6 : l.qty + received, received_qty: l.qty === 0 ? 6 : received, schedule_date: l.eta,
        })),
      };
    });
    const any = current.purchaseOrders[0];
    if (!any) return orders;
    const extra = (name: string, status: string, docstatus: number) => ({
      name, supplier: any.supplierId, transaction_date: '2026-04-01', status, docstatus,
      lines: [{ name: `${name}-0`, parent: name, parenttype: 'Purchase Order', item_code: any.sku, warehouse: erpnextWarehouse(current, any.locationId), qty: 50, received_qty: 0, schedule_date: any.eta }],
    });
    return [...orders, extra('PUR-ORD-DONE', 'Completed', 1), extra('PUR-ORD-DRAFT', 'Draft', 0)];
  }

  return {
    ...server,
    update(next) {
      clock += 60_000;
      current = next;
      load(next);
    },
  };
}
