// A fake Odoo serving any Dataset as Odoo models over both external APIs, which run the same model methods
// (search_read/read/fields_get): JSON-RPC (/jsonrpc: common.authenticate, object.execute_kw; errors as HTTP 200 bodies)
// and, from v19, JSON-2 (POST /json/2/<model>/<method>, bearer API key, named arguments; errors as 4xx/5xx
// {name, message, arguments, context, debug} bodies). Odoo's quirks: m2o [id, name] pairs, false for empty, naive UTC
// datetimes, version drift (v15 supplierinfo.name + stock.production.lot, v18 is_storable).
import type { PositionState } from '../../shared/model.js';
import type { Dataset } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, type FakeRequest, type FakeResponse, type FakeServer } from './server.js';

export interface FakeOdooOptions {
  db?: string;
  login?: string;
  apiKey?: string;
  /** 19 adds JSON-2 (and still serves the deprecated /jsonrpc). */
  version?: 15 | 16 | 17 | 18 | 19;
  /** false: /jsonrpc answers 404, as when the deprecated API is switched off, so only JSON-2 works. Default true. */
  jsonRpc?: boolean;
  /** Models left out, as when the app providing them is not installed (e.g. 'purchase.order.line'). */
  missingModels?: string[];
  /** Models the API key's user may not read: their methods raise AccessError. */
  deniedModels?: string[];
  /** false: lots have no expiration_date, as without the product_expiry app (asking for it is a ValueError). Default true. */
  productExpiry?: boolean;
}

export interface FakeOdoo extends FakeServer {
  update(next: Dataset): void;
  /** Requests per API: to /jsonrpc and to /json/2 paths (answered or not). */
  calls: { jsonrpc: number; json2: number };
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

/** An exception a model method raises, by its Python name (what both APIs report as `name`). */
class PyError extends Error {
  constructor(readonly pyName: string, message: string) {
    super(message);
  }
}

const errorData = (name: string, message: string, args: unknown[]) =>
  ({ name, message, arguments: args, context: {}, debug: `Traceback (most recent call last):\n  ...\n${name}: ${message}` });

function rpcError(name: string, message: string): FakeResponse {
  return json({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data: errorData(name, message, [message]) } });
}

/** JSON-2 errors: a werkzeug HTTP exception keeps its status (arguments: description, status); any other exception is a 500. */
function json2Error(status: number, name: string, message: string): FakeResponse {
  return json(errorData(name, message, name.startsWith('werkzeug.') ? [message, status] : [message]), status);
}

/** The status JSON-2 answers Odoo's user errors with (their http_status); any other Python exception is a 500. */
const USER_ERROR_STATUS: Record<string, number> = { 'odoo.exceptions.UserError': 422, 'odoo.exceptions.AccessError': 403, 'odoo.exceptions.MissingError': 404 };

/** Odoo's 404 page when no route matches (no /json/2 before v19, or a database the server does not host). */
const NOT_FOUND_PAGE: FakeResponse = { status: 404, body: '<!doctype html><title>404 Not Found</title>' };

/** The model methods the fake runs, with their parameters in Odoo's order; `records` methods run on `ids` (not @api.model). */
const METHODS: Record<string, { records: boolean; params: string[] }> = {
  search_read: { records: false, params: ['domain', 'fields', 'offset', 'limit', 'order'] },
  read: { records: true, params: ['fields', 'load'] },
  fields_get: { records: false, params: ['allfields', 'attributes'] },
};

/** Python's binding check: the first keyword argument the method does not take. */
const unexpectedArgument = (method: string, named: Record<string, unknown>): string | undefined => {
  const name = Object.keys(named).find((k) => !METHODS[method]!.params.includes(k));
  return name === undefined ? undefined : `${method}() got an unexpected keyword argument '${name}'`;
};

export async function startFakeOdoo(dataset: Dataset, options: FakeOdooOptions = {}): Promise<FakeOdoo> {
  const db = options.db ?? 'shop';
  const login = options.login ?? 'api@example.com';
  const apiKey = options.apiKey ?? 'odoo-key';
  const version = options.version ?? 17;
  const jsonRpc = options.jsonRpc ?? true;
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
        const lotRow: Row = { id: 500 + lots.length, name: lot.lotId ?? `LOT-${lots.length}`, product_id: m2o(product, 'display_name') };
        if (options.productExpiry !== false) lotRow.expiration_date = lot.expiresAt ? `${lot.expiresAt} 00:00:00` : false;
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
    const all: Record<string, Row[]> = {
      'res.partner': partners, 'product.category': categories, 'product.product': products, 'stock.location': locations,
      [lotModel]: lots, 'stock.quant': quants, 'stock.warehouse.orderpoint': orderpoints, 'product.supplierinfo': supplierinfo,
      'stock.picking.type': pickingTypes, 'purchase.order': orders, 'purchase.order.line': orderLines,
    };
    models = Object.fromEntries(Object.entries(all).filter(([model]) => !options.missingModels?.includes(model)));
  };
  build(dataset);

  const valueOf = (model: string, row: Row, field: string): unknown => {
    const [head, ...rest] = field.split('.');
    if (!(head! in row)) throw new PyError('builtins.ValueError', `Invalid field ${model}.${head} in domain`);
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
      default: throw new PyError('builtins.ValueError', `operator ${op} not supported by the fake`);
    }
  });
  const project = (model: string, row: Row, fields: string[] | undefined): Row => {
    if (!fields || fields.length === 0) return row;
    const out: Row = { id: row.id };
    for (const f of fields) {
      if (!(f in row)) throw new PyError('builtins.ValueError', `Invalid field '${f}' on model '${model}'`);
      out[f] = row[f];
    }
    return out;
  };

  /** Runs a model method on the fake's tables (model, method and arguments already checked): what both APIs call. */
  const run = (model: string, method: string, ids: number[], kw: Record<string, unknown>): unknown => {
    if (options.deniedModels?.includes(model)) throw new PyError('odoo.exceptions.AccessError', `You are not allowed to access '${model}' records.`);
    const table = models[model]!;
    const fields = kw.fields as string[] | undefined;
    if (method === 'fields_get') {
      const sample = table[0] ?? (model === 'product.supplierinfo' ? { [partnerField]: 1 } : {});
      return Object.fromEntries(Object.keys(sample).map((f) => [f, f === 'lot_id' ? { type: 'many2one', relation: lotModel } : { type: 'char' }]));
    }
    if (method === 'read') return table.filter((r) => ids.includes(r.id)).map((r) => project(model, r, fields));
    const domain = (kw.domain ?? []) as unknown[];
    const order = String(kw.order ?? 'id asc');
    const rows = table.filter((r) => matches(model, r, domain)).sort((a, b) => (order.startsWith('sequence') ? Number(a.sequence) - Number(b.sequence) || a.id - b.id : a.id - b.id));
    const offset = Number(kw.offset ?? 0);
    const limit = kw.limit === undefined ? rows.length : Number(kw.limit);
    return rows.slice(offset, offset + limit).map((r) => project(model, r, fields));
  };
  const raised = (error: unknown): [string, string] => (error instanceof PyError ? [error.pyName, error.message] : ['builtins.Exception', String(error)]);

  const serveJsonRpc = (req: FakeRequest): FakeResponse => {
    const { params } = JSON.parse(req.body) as { params: { service: string; method: string; args: unknown[] } };
    if (params.service === 'common' && params.method === 'version') return json({ jsonrpc: '2.0', id: 1, result: { server_version: `${version}.0`, server_version_info: [version, 0, 0, 'final', 0, ''] } });
    if (params.service === 'common' && params.method === 'authenticate') {
      const [d, user, key] = params.args as [string, string, string];
      return json({ jsonrpc: '2.0', id: 1, result: d === db && user === login && key === apiKey ? 2 : false });
    }
    if (params.service !== 'object' || params.method !== 'execute_kw') return rpcError('werkzeug.exceptions.NotFound', `no ${params.service}.${params.method}`);
    const [d, uid, key, model, method, args = [], kwargs = {}] = params.args as [string, number, string, string, string, unknown[], Record<string, unknown>];
    if (d !== db || uid !== 2 || key !== apiKey) return rpcError('odoo.exceptions.AccessDenied', 'Access Denied');
    if (!models[model]) return rpcError('builtins.KeyError', `'${model}'`);
    const signature = METHODS[method];
    if (!signature) return rpcError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
    // execute_kw passes positional arguments; a record method's first one is the ids it runs on.
    const [ids, positional] = signature.records ? [args[0] as number[], args.slice(1)] : [[], args];
    const named = { ...Object.fromEntries(positional.map((arg, i) => [signature.params[i] ?? `#${i}`, arg])), ...kwargs };
    const unexpected = unexpectedArgument(method, named);
    if (unexpected) return rpcError('builtins.TypeError', unexpected);
    try {
      return json({ jsonrpc: '2.0', id: 1, result: run(model, method, ids, named) });
    } catch (error) {
      return rpcError(...raised(error));
    }
  };

  /** Odoo 19's /json/2 controller: database, route, bearer key, then the method with named arguments. */
  const serveJson2 = (req: FakeRequest): FakeResponse => {
    const header = req.headers['x-odoo-database'];
    if (header !== undefined && header !== db) return NOT_FOUND_PAGE;
    const [, model, method] = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(req.url.pathname) ?? [];
    if (!model || !method || req.method !== 'POST') return json2Error(404, 'werkzeug.exceptions.NotFound', 'Did you mean POST /json/2/<model>/<method>?');
    if (/^bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] !== apiKey) return json2Error(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
    let body: Record<string, unknown>;
    try {
      body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    } catch (error) {
      return json2Error(400, 'werkzeug.exceptions.BadRequest', `could not parse the body as json: ${(error as Error).message}`);
    }
    const { ids = [], context: _context, ...named } = body as { ids?: number[]; context?: unknown };
    if (!models[model]) return json2Error(404, 'werkzeug.exceptions.NotFound', `the model '${model}' does not exist`);
    const signature = METHODS[method];
    if (!signature) return json2Error(404, 'werkzeug.exceptions.NotFound', `The method '${method}' does not exist on the model '${model}'`);
    if (!signature.records && ids.length > 0) return json2Error(422, 'werkzeug.exceptions.UnprocessableEntity', `cannot call ${model}.${method} with ids`);
    const unexpected = unexpectedArgument(method, named);
    if (unexpected) return json2Error(422, 'werkzeug.exceptions.UnprocessableEntity', unexpected);
    try {
      return json(run(model, method, ids, named));
    } catch (error) {
      // A user error keeps its status; any other exception (ValueError on an unknown field) is a 500.
      const [name, message] = raised(error);
      return json2Error(USER_ERROR_STATUS[name] ?? 500, name, message);
    }
  };

  const calls = { jsonrpc: 0, json2: 0 };
  const server = await startServer((req) => {
    const path = req.url.pathname;
    if (path === '/jsonrpc') {
      calls.jsonrpc++;
      return jsonRpc ? serveJsonRpc(req) : NOT_FOUND_PAGE;
    }
    if (path === '/json/2' || path.startsWith('/json/2/')) {
      calls.json2++;
      return version >= 19 ? serveJson2(req) : NOT_FOUND_PAGE;
    }
    return NOT_FOUND_PAGE;
  });
  return {
    ...server,
    calls,
    update(next) {
      clock += 60_000;
      build(next);
    },
  };
}
