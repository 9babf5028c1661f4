// A fake Odoo JSON-RPC server (/jsonrpc: common.authenticate, object.execute_kw search_read/read/fields_get) serving any
// Dataset as Odoo models, with Odoo's quirks: m2o [id, name] pairs, false for empty, naive UTC datetimes, errors as
// HTTP 200 bodies, version drift (v15 supplierinfo.name + stock.production.lot, v18 is_storable).
import type { PositionState } from '../../shared/model.js';
import type { Dataset } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, type FakeServer } from './server.js';

export interface FakeOdooOptions {
  db?: string;
  login?: string;
  apiKey?: string;
  version?: 15 | 16 | 17 | 18;
}

export interface FakeOdoo extends FakeServer {
  update(next: Dataset): void;
}

type Row = Record<string, unknown> & { id: number };
type M2o = [number, string];

/** The connector's `locations` option mapping this fake's stock locations back to the dataset. */
export function odooLocationMap(dataset: Dataset): Record<string, { id: string; kind: 'warehouse' | 'store' | 'channel' }> {
  return Object.fromEntries(dataset.locations.map((l) => [`${l.name ?? l.id}/Stock`, { id: l.id, kind: l.kind }]));
}

const naive = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const RELATIONS: Record<string, Record<string, string>> = {
  'stock.quant': { location_id: 'stock.location', product_id: 'product.product' },
};

function rpcError(name: string, message: string) {
  return json({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data: { name, message, arguments: [message], context: {}, debug: `Traceback (most recent call last):\n  ...\n${name}: ${message}` } } });
}

export async function startFakeOdoo(dataset: Dataset, options: FakeOdooOptions = {}): Promise<FakeOdoo> {
  const db = options.db ?? 'shop';
  const login = options.login ?? 'api@example.com';
  const apiKey = options.apiKey ?? 'odoo-key';
  const version = options.version ?? 17;
  const partnerField = version <= 15 ? 'name' : 'partner_id';
  const lotModel = version <= 15 ? 'stock.production.lot' : 'stock.lot';
  let clock = FAKE_EPOCH;
  const positionLog = new ChangeLog<PositionState>((p) => `${p.sku}@${p.locationId}`);
  const itemLog = new ChangeLog<Dataset['items'][number]>((i) => i.sku);
  let models: Record<string, Row[]> = {};

  const build = (d: Dataset) => {
    positionLog.set(d.positions, clock);
    itemLog.set(d.items, clock);
    const partners: Row[] = d.suppliers.map((s, i) => ({ id: 100 + i, name: s.name ?? s.id, ref: s.id }));
    const partnerOf = (id: string | undefined) => partners.find((p) => p.ref === id);
    const m2o = (row: Row | undefined, label = 'name'): M2o | false => (row ? [row.id, String(row[label])] : false);
    const categories = [...new Set(d.items.map((i) => i.category ?? 'All'))].map((name, i) => ({ id: 10 + i, name }));
    const skus = [...new Set([...d.items.map((i) => i.sku), ...d.positions.map((p) => p.sku)])];
    const products: Row[] = skus.map((sku, i) => {
      const item = d.items.find((x) => x.sku === sku);
      const changed = itemLog.get(sku)?.updatedAt ?? FAKE_EPOCH;
      const categ = categories.find((c) => c.name === (item?.category ?? 'All'));
      return {
        id: 1 + i, default_code: sku, name: item?.name ?? sku, display_name: `[${sku}] ${item?.name ?? sku}`,
        standard_price: item?.unitCost ?? 0, list_price: item?.unitPrice ?? 0,
        categ_id: categ ? [categ.id, categ.name] : false, product_tmpl_id: [1 + i, item?.name ?? sku],
        ...(version >= 18 ? { is_storable: true, type: 'consu' } : { type: 'product' }),
        write_date: naive(changed),
      };
    });
    // A service product: not storable, must not become an item.
    products.push({ id: 9999, default_code: false, name: 'Delivery', standard_price: 0, list_price: 5, categ_id: false, product_tmpl_id: [9999, 'Delivery'], ...(version >= 18 ? { is_storable: false, type: 'service' } : { type: 'service' }), write_date: naive(FAKE_EPOCH) });
    const productOf = (sku: string) => products.find((p) => p.default_code === sku)!;
    const locations: Row[] = d.locations.map((l, i) => ({ id: 8 + i * 10, complete_name: `${l.name ?? l.id}/Stock`, name: 'Stock', usage: 'internal' }));
    locations.push({ id: 4, complete_name: 'Partners/Vendors', name: 'Vendors', usage: 'supplier' });
    const locationOf = (id: string) => locations[d.locations.findIndex((l) => l.id === id)];
    const lots: Row[] = [];
    const quants: Row[] = [];
    for (const { value: p, updatedAt, id } of positionLog.all()) {
      const product = productOf(p.sku);
      const location = locationOf(p.locationId);
      const base = { product_id: m2o(product, 'display_name'), location_id: m2o(location, 'complete_name'), package_id: false, owner_id: false, write_date: naive(updatedAt) };
      const parts = (p.lots ?? []).map((lot) => {
        const lotRow: Row = { id: 500 + lots.length, name: lot.lotId ?? `LOT-${lots.length}`, product_id: m2o(product, 'display_name'), expiration_date: lot.expiresAt ? `${lot.expiresAt} 00:00:00` : false };
        lots.push(lotRow);
        return { quantity: lot.qty, lot_id: m2o(lotRow), in_date: `${lot.receivedAt} 08:00:00` };
      });
      const rest = p.onHand - parts.reduce((n, x) => n + x.quantity, 0);
      if (rest !== 0 || parts.length === 0) parts.push({ quantity: rest, lot_id: false, in_date: '2026-04-01 08:00:00' });
      parts.forEach((part, k) => quants.push({ id: id * 10 + k, ...base, ...part, reserved_quantity: k === 0 ? p.reserved : 0 }));
    }
    // Stock still at the vendor's location is not ours: the internal-usage filter must drop it.
    quants.push({ id: 1, product_id: m2o(products[0], 'display_name'), location_id: m2o(locations.at(-1), 'complete_name'), lot_id: false, quantity: 999, reserved_quantity: 0, in_date: '2026-04-01 08:00:00', write_date: naive(FAKE_EPOCH) });
    const warehouse = d.locations.findIndex((l) => l.kind === 'warehouse');
    const orderpoints: Row[] = d.items.filter((i) => i.minQty !== undefined || i.maxQty !== undefined).map((i, k) => ({
      id: 1 + k, product_id: m2o(productOf(i.sku), 'display_name'), location_id: m2o(locations[Math.max(0, warehouse)], 'complete_name'),
      product_min_qty: i.minQty ?? 0, product_max_qty: i.maxQty ?? 0, qty_multiple: 1, trigger: 'auto', active: true,
    }));
    const supplierinfo: Row[] = d.items.filter((i) => i.supplierId).map((i, k) => {
      const partner = partnerOf(i.supplierId);
      const supplier = d.suppliers.find((s) => s.id === i.supplierId);
      return { id: 1 + k, [partnerField]: m2o(partner), product_tmpl_id: productOf(i.sku).product_tmpl_id, product_id: false, min_qty: i.moq ?? 1, delay: supplier?.leadTimeDays ?? 1, sequence: 1, price: i.unitCost };
    });
    const pickingTypes: Row[] = locations.slice(0, d.locations.length).map((l, i) => ({ id: 1 + i, name: 'Receipts', default_location_dest_id: m2o(l, 'complete_name') }));
    const refs = [...new Set(d.purchaseOrders.map((l) => l.ref))];
    const orders: Row[] = refs.map((ref, i) => {
      const first = d.purchaseOrders.find((l) => l.ref === ref)!;
      return { id: 1 + i, name: ref, partner_id: m2o(partnerOf(first.supplierId)), date_order: first.orderedAt ? `${first.orderedAt} 09:00:00` : false, picking_type_id: m2o(pickingTypes[d.locations.findIndex((l) => l.id === first.locationId)]), state: 'purchase' };
    });
    const orderLines: Row[] = d.purchaseOrders.map((l, i) => ({
      id: 1 + i, order_id: m2o(orders[refs.indexOf(l.ref)]), product_id: m2o(productOf(l.sku), 'display_name'),
      // Partly received lines: the open quantity is what the connector must report.
      product_qty: l.qty + (i % 2 ? 5 : 0), qty_received: i % 2 ? 5 : 0,
      date_planned: `${l.eta} 10:00:00`, state: 'purchase',
    }));
    // A fully received line is not inbound any more.
    if (orderLines.length > 0) orderLines.push({ ...orderLines[0]!, id: 999, product_qty: 4, qty_received: 4 });
    models = {
      'res.partner': partners, 'product.category': categories, 'product.product': products, 'stock.location': locations,
      [lotModel]: lots, 'stock.quant': quants, 'stock.warehouse.orderpoint': orderpoints, 'product.supplierinfo': supplierinfo,
      'stock.picking.type': pickingTypes, 'purchase.order': orders, 'purchase.order.line': orderLines,
    };
  };
  build(dataset);

  const valueOf = (model: string, row: Row, field: string): unknown => {
    const [head, ...rest] = field.split('.');
    const value = row[head!];
    if (rest.length === 0) return Array.isArray(value) ? value[0] : value;
    const relation = RELATIONS[model]?.[head!];
    const target = relation && Array.isArray(value) ? models[relation]?.find((r) => r.id === value[0]) : undefined;
    return target ? valueOf(relation!, target, rest.join('.')) : undefined;
  };
  const matches = (model: string, row: Row, domain: unknown[]): boolean => domain.every((term) => {
    if (!Array.isArray(term)) return true;
    const [field, op, expected] = term as [string, string, unknown];
    const actual = valueOf(model, row, field) as never;
    switch (op) {
      case '=': return actual === expected;
      case '!=': return actual !== expected;
      case '>': return actual > (expected as never);
      case '>=': return actual >= (expected as never);
      case '<': return actual < (expected as never);
      case '<=': return actual <= (expected as never);
      case 'in': return (expected as unknown[]).includes(actual);
      case 'not in': return !(expected as unknown[]).includes(actual);
      default: throw new Error(`operator ${op} not supported by the fake`);
    }
  });
  const project = (model: string, row: Row, fields: string[] | undefined): Row => {
    if (!fields || fields.length === 0) return row;
    const out: Row = { id: row.id };
    for (const f of fields) {
      if (!(f in row)) throw new Error(`ValueError: Invalid field '${f}' on model '${model}'`);
      out[f] = row[f];
    }
    return out;
  };

  const server = await startServer((req) => {
    if (req.url.pathname !== '/jsonrpc') return { status: 404, body: '<!doctype html><title>404 Not Found</title>' };
    const { params } = JSON.parse(req.body) as { params: { service: string; method: string; args: unknown[] } };
    if (params.service === 'common' && params.method === 'version') return json({ jsonrpc: '2.0', id: 1, result: { server_version: `${version}.0`, server_version_info: [version, 0, 0, 'final', 0, ''] } });
    if (params.service === 'common' && params.method === 'authenticate') {
      const [d, user, key] = params.args as [string, string, string];
      return json({ jsonrpc: '2.0', id: 1, result: d === db && user === login && key === apiKey ? 2 : false });
    }
    if (params.service !== 'object' || params.method !== 'execute_kw') return rpcError('werkzeug.exceptions.NotFound', `no ${params.service}.${params.method}`);
    const [d, uid, key, model, method, args = [], kwargs = {}] = params.args as [string, number, string, string, string, unknown[], Record<string, unknown>];
    if (d !== db || uid !== 2 || key !== apiKey) return rpcError('odoo.exceptions.AccessDenied', 'Access Denied');
    const table = models[model];
    if (!table) return rpcError('builtins.KeyError', `'${model}'`);
    try {
      if (method === 'fields_get') return json({ jsonrpc: '2.0', id: 1, result: Object.fromEntries(Object.keys(table[0] ?? (model === 'product.supplierinfo' ? { [partnerField]: 1 } : {})).map((f) => [f, f === 'lot_id' ? { type: 'many2one', relation: lotModel } : { type: 'char' }])) });
      if (method === 'read') {
        const ids = args[0] as number[];
        return json({ jsonrpc: '2.0', id: 1, result: table.filter((r) => ids.includes(r.id)).map((r) => project(model, r, kwargs.fields as string[])) });
      }
      if (method === 'search_read') {
        const domain = (args[0] ?? kwargs.domain ?? []) as unknown[];
        const order = String(kwargs.order ?? 'id asc');
        const rows = table.filter((r) => matches(model, r, domain)).sort((a, b) => (order.startsWith('sequence') ? Number(a.sequence) - Number(b.sequence) || a.id - b.id : a.id - b.id));
        const offset = Number(kwargs.offset ?? 0);
        const limit = kwargs.limit === undefined ? rows.length : Number(kwargs.limit);
        return json({ jsonrpc: '2.0', id: 1, result: rows.slice(offset, offset + limit).map((r) => project(model, r, kwargs.fields as string[])) });
      }
      return rpcError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
    } catch (error) {
      return rpcError('builtins.ValueError', (error as Error).message.replace(/^ValueError: /, ''));
    }
  });
  return {
    ...server,
    update(next) {
      clock += 60_000;
      build(next);
    },
  };
}
