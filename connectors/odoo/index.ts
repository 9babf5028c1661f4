// odoo: JSON-2 (Odoo 19+) or JSON-RPC execute_kw. stock.quant → positions (+ lots), product.product + orderpoints +
// supplierinfo → items, supplierinfo partners → suppliers, open purchase.order.line → inbound, internal stock.location → locations.
import { z } from 'zod';
import { baseOptions, checkpoint, ConnectorError, defineConnector, mapRecord, parseCursor, record, warning, type ConnectorContext, type ReadMessage, type StreamInfo, type StreamName } from '../sdk/contract.js';
import { HttpError } from '../sdk/http.js';
import { groupInbound, locationMapOption, mapLocation, utcDay, type InboundSourceLine } from '../sdk/mapping.js';
import { keysetPages } from '../sdk/paging.js';

export const odooOptions = baseOptions.extend({
  /** The Odoo database name (sent as X-Odoo-Database over JSON-2). */
  db: z.string().min(1),
  /** The user the API key belongs to: JSON-RPC needs it, JSON-2 knows the user from the key. */
  login: z.string().min(1).optional(),
  /**
   * The external API: `json2` (Odoo 19+: POST /json/2/<model>/<method> with the API key as bearer token), `jsonrpc`
   * (`execute_kw`, every version; deprecated since 19, removed in 22), or `auto`: JSON-2 when the server has it, else
   * JSON-RPC (decided once per run by the first call).
   */
  protocol: z.enum(['auto', 'jsonrpc', 'json2']).default('auto'),
  /** stock.location complete_name (e.g. "WH/Stock") or id → hub location; unmapped ones use the slugified name. */
  locations: locationMapOption,
  pageSize: z.number().int().min(1).max(5000).default(500),
});
export type OdooOptions = z.infer<typeof odooOptions>;
type Ctx = ConnectorContext<OdooOptions>;
type Row = Record<string, unknown> & { id: number };
type Domain = unknown[];

export class OdooRpcError extends ConnectorError {
  constructor(readonly remoteName: string, message: string) {
    super('ODOO_RPC', message);
    this.name = 'OdooRpcError';
  }
}

/** How this run reaches Odoo: JSON-2 (the key names the user) or JSON-RPC execute_kw with the uid `authenticate` gave. */
type Via = { protocol: 'json2' } | { protocol: 'jsonrpc'; uid: number };

/**
 * Per-run state: the API (decided by the first call), model fields asked for only when a stream needs them, and
 * lookups, so each is fetched once. Nothing is asked at set-up: a user needs read access only to what its streams read.
 */
interface Session {
  via?: Via;
  fields: Map<string, Promise<Record<string, { relation?: string }>>>;
  skus: Map<number, string | false>;
}
const sessions = new WeakMap<object, Session>();

async function rpc<T>(ctx: Ctx, service: string, method: string, args: unknown[]): Promise<T> {
  const response = await ctx.http.post(`${ctx.endpoint}/jsonrpc`, { jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } });
  if (response.status === 404) throw new ConnectorError('ODOO_NOT_FOUND', `No Odoo JSON-RPC endpoint at ${ctx.endpoint}/jsonrpc; check the endpoint URL.`);
  const body = response.body as { result?: T; error?: { code: number; message: string; data?: { name?: string; message?: string } } };
  if (body.error) {
    const name = body.error.data?.name ?? body.error.message;
    throw new OdooRpcError(name, `Odoo ${service}.${method} failed: ${name}: ${body.error.data?.message ?? body.error.message}`);
  }
  return body.result as T;
}

async function authenticate(ctx: Ctx): Promise<Via> {
  const { db, login } = ctx.options;
  if (!login) {
    const why = ctx.options.protocol === 'auto' ? ` (${ctx.endpoint} has no JSON-2 API for database "${db}": Odoo before 19, or a database it does not host)` : '';
    throw new ConnectorError('ODOO_LOGIN_REQUIRED', `Odoo JSON-RPC needs options.login, the user the API key belongs to${why}; set login, or use protocol "json2" on Odoo 19 or later.`);
  }
  const uid = await rpc<number | false>(ctx, 'common', 'authenticate', [db, login, ctx.credential ?? '', {}]);
  if (uid === false) throw new ConnectorError('ODOO_AUTH', `Odoo refused login "${login}" on database "${db}"; check login, db and the API key.`);
  return { protocol: 'jsonrpc', uid };
}

/** JSON-2 takes named arguments only: the names of the positional ones the connector passes (`ids`: the records a method runs on). */
const ARG_NAMES: Record<string, string[]> = { search_read: ['domain'], read: ['ids'], fields_get: [] };

/** JSON-2's error body: {name, message, arguments, context, debug}. */
const remoteError = (body: unknown): { name: string; message: string } | undefined =>
  typeof (body as { name?: unknown } | null)?.name === 'string' ? (body as { name: string; message: string }) : undefined;

/** Runs a model method over this run's API: the one place where JSON-2 and JSON-RPC differ. */
async function call<T>(ctx: Ctx, via: Via, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<T> {
  const { db } = ctx.options;
  if (via.protocol === 'jsonrpc') return rpc<T>(ctx, 'object', 'execute_kw', [db, via.uid, ctx.credential ?? '', model, method, args, kwargs]);
  const names = ARG_NAMES[method];
  if (!names || args.length > names.length) throw new ConnectorError('ODOO_ARGS', `No JSON-2 argument names for ${args.length} positional arguments of ${model}.${method}; add them to ARG_NAMES.`);
  const body = { ...Object.fromEntries(args.map((arg, i) => [names[i], arg])), ...kwargs };
  let status: number;
  let answer: unknown;
  try {
    const response = await ctx.http.post(`${ctx.endpoint}/json/2/${model}/${method}`, body, { headers: { authorization: `bearer ${ctx.credential ?? ''}`, 'x-odoo-database': db } });
    if (response.status < 400) return response.body as T;
    ({ status, body: answer } = response);
  } catch (error) {
    // Other 4xx, and 5xx after retries, come thrown: bad arguments (400/422) or a Python exception (500, e.g. ValueError
    // on an unknown field) carry Odoo's error body; anything else (a proxy's 502 page) says enough as it is.
    if (!(error instanceof HttpError && error.status !== undefined && remoteError(error.body))) throw error;
    status = error.status;
    answer = error.body;
  }
  const remote = remoteError(answer);
  if (status === 401) {
    throw new ConnectorError('ODOO_AUTH', `Odoo refused the API key on database "${db}" (401${remote ? `: ${remote.message}` : ''}); check the API key (the bearer key of the integration user, not expired or revoked) and options.db.`);
  }
  // A bare 404 page: no /json/2 route at all (an Odoo JSON 404 is a model, method or record the database lacks).
  if (status === 404 && !remote) {
    throw new ConnectorError('ODOO_NO_JSON2', `No Odoo JSON-2 API at ${ctx.endpoint}/json/2 for database "${db}": it needs Odoo 19 or later and a database that server hosts; check endpoint and db, or use protocol "jsonrpc" before Odoo 19.`);
  }
  if (remote?.name === 'werkzeug.exceptions.NotFound') {
    throw new OdooRpcError(remote.name, `Odoo database "${db}" has no ${model}.${method}: ${remote.message}; install the app that provides ${model} or leave out the streams that need it.`);
  }
  const hint = status === 403 ? `; give the API key's user read access to ${model}` : '';
  throw new OdooRpcError(remote?.name ?? `HTTP ${status}`, `Odoo ${model}.${method} failed (HTTP ${status})${remote ? `: ${remote.name}: ${remote.message}` : ''}${hint}.`);
}

function session(ctx: Ctx): Session {
  let s = sessions.get(ctx.http);
  if (!s) {
    s = { fields: new Map(), skus: new Map() };
    sessions.set(ctx.http, s);
  }
  return s;
}

const isNoJson2 = (error: unknown): boolean => error instanceof ConnectorError && error.code === 'ODOO_NO_JSON2';

async function execute<T>(ctx: Ctx, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<T> {
  const s = session(ctx);
  if (s.via === undefined && ctx.options.protocol === 'auto') {
    // `auto` probes JSON-2 with the first real call: Odoo before 19 has no /json/2 route and answers a bare 404.
    try {
      const result = await call<T>(ctx, { protocol: 'json2' }, model, method, args, kwargs);
      s.via = { protocol: 'json2' };
      return result;
    } catch (error) {
      if (!isNoJson2(error)) throw error;
      s.via = await authenticate(ctx);
    }
  }
  s.via ??= ctx.options.protocol === 'jsonrpc' ? await authenticate(ctx) : { protocol: 'json2' };
  return call<T>(ctx, s.via, model, method, args, kwargs);
}

/** A model's fields (for version drift and installed apps), asked once per run and only by the streams that need them. */
function fieldsOf(ctx: Ctx, model: string, attribute: string): Promise<Record<string, { relation?: string }>> {
  const s = session(ctx);
  let fields = s.fields.get(model);
  if (!fields) {
    fields = execute<Record<string, { relation?: string }>>(ctx, model, 'fields_get', [], { attributes: [attribute] });
    s.fields.set(model, fields);
    fields.catch(() => s.fields.delete(model));
  }
  return fields;
}

// Version drift: supplierinfo.name became partner_id, stock.production.lot became stock.lot (v16), type='product' became is_storable (v18).
const partnerFieldOf = async (ctx: Ctx): Promise<'partner_id' | 'name'> => ('partner_id' in await fieldsOf(ctx, 'product.supplierinfo', 'type') ? 'partner_id' : 'name');
const lotModelOf = async (ctx: Ctx): Promise<string> => (await fieldsOf(ctx, 'stock.quant', 'relation')).lot_id?.relation ?? 'stock.lot';
const storableOf = async (ctx: Ctx): Promise<Domain> => ('is_storable' in await fieldsOf(ctx, 'product.product', 'type') ? [['is_storable', '=', true]] : [['type', '=', 'product']]);

/** An AccessError (the user may not read a model): optional enrichments leave their fields out with a warning instead. */
const isAccessDenied = (error: unknown): boolean => error instanceof OdooRpcError && (error.remoteName === 'odoo.exceptions.AccessError' || error.remoteName === 'HTTP 403');

/** Runs an optional enrichment; when the user may not read its model, gives `fallback` and notes what was left out. */
async function optional<T>(run: () => Promise<T>, fallback: T, what: string, warnings: string[]): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    warnings.push(`${what} left out: ${(error as Error).message}`);
    return fallback;
  }
}

const searchRead = (ctx: Ctx, model: string, domain: Domain, fields: string[], extra: Record<string, unknown> = {}) =>
  execute<Row[]>(ctx, model, 'search_read', [domain], { fields, order: 'id asc', ...extra });

/** Keyset pages over a model (id > last), which neither skips nor repeats rows while they change. */
const pagesOf = (ctx: Ctx, model: string, domain: Domain, fields: string[], after?: string) =>
  keysetPages((a, limit) => searchRead(ctx, model, [...domain, ...(a ? [['id', '>', Number(a)]] : [])], fields, { limit }), (r) => r.id, { after, limit: ctx.options.pageSize });

const m2oId = (v: unknown): number | undefined => (Array.isArray(v) ? (v[0] as number) : undefined);
const m2oName = (v: unknown): string | undefined => (Array.isArray(v) ? (v[1] as string) : undefined);

/** Fills `cache` with field values of the given ids not yet looked up. */
async function lookup(ctx: Ctx, model: string, field: string, ids: number[], cache: Map<number, unknown>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  for (let i = 0; i < missing.length; i += 1000) {
    const rows = await execute<Row[]>(ctx, model, 'read', [missing.slice(i, i + 1000)], { fields: [field] });
    for (const row of rows) cache.set(row.id, row[field]);
  }
}

async function skusOf(ctx: Ctx, productIds: number[]): Promise<Map<number, string | false>> {
  const s = session(ctx);
  await lookup(ctx, 'product.product', 'default_code', productIds, s.skus as Map<number, unknown>);
  return s.skus;
}

/** The hub location of a many2one [id, "WH/Stock"] pair: its name comes with it, so stock.location itself is never read. */
const hubLocationOf = (ctx: Ctx, m2o: unknown): string => mapLocation(ctx.options.locations, m2oId(m2o)!, m2oName(m2o) ?? String(m2oId(m2o))).id;

const odooStreams: StreamInfo[] = [{ name: 'locations' }, { name: 'items' }, { name: 'suppliers' }, { name: 'positions' }, { name: 'purchaseOrders', snapshot: true }];
/** The model each stream reads first; `check` proves access to exactly these. */
const STREAM_MODELS: Partial<Record<StreamName, string>> = {
  locations: 'stock.location', items: 'product.product', suppliers: 'product.supplierinfo', positions: 'stock.quant', purchaseOrders: 'purchase.order.line',
};

const quantCursor = z.object({
  since: z.string().optional(), sinceId: z.number().optional(),
  after: z.string().optional(), max: z.string().optional(), maxId: z.number().optional(),
});
const QUANT_FIELDS = ['product_id', 'location_id', 'lot_id', 'quantity', 'reserved_quantity', 'in_date', 'write_date'];
const INTERNAL: Domain = [['location_id.usage', '=', 'internal']];

/**
 * Positions are sums over quants (lots, packages), so a changed quant re-reads every quant of its product at
 * its location. Quants Odoo deletes at zero are invisible to write_date polling: the full reconcile finds them.
 */
async function* readPositions(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(quantCursor, cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  const sinceId = ctx.full ? undefined : state.sinceId;
  let { max, maxId } = state;
  const domain = since ? [...INTERNAL, ['write_date', '>=', since]] : INTERNAL;
  let lotExpiry: { model: string; expiry: boolean } | undefined;
  for await (const page of pagesOf(ctx, 'stock.quant', domain, ['product_id', 'location_id', 'write_date'], state.after)) {
    const pairs = new Map<string, [number, number]>();
    for (const q of page.rows) {
      const written = String(q.write_date);
      if (since !== undefined && sinceId !== undefined && written === since && q.id <= sinceId) continue;
      if (max === undefined || written > max || (written === max && q.id > (maxId ?? 0))) {
        max = written;
        maxId = q.id;
      }
      const product = m2oId(q.product_id);
      const location = m2oId(q.location_id);
      if (product !== undefined && location !== undefined) pairs.set(`${product}:${location}`, [product, location]);
    }
    if (pairs.size > 0) {
      const productIds = [...new Set([...pairs.values()].map(([p]) => p))];
      const locationIds = [...new Set([...pairs.values()].map(([, l]) => l))];
      const quants = await searchRead(ctx, 'stock.quant', [['product_id', 'in', productIds], ['location_id', 'in', locationIds]], QUANT_FIELDS);
      const skus = await skusOf(ctx, productIds);
      const lotIds = quants.map((q) => m2oId(q.lot_id)).filter((id): id is number => id !== undefined);
      const expiries = new Map<number, unknown>();
      if (lotIds.length > 0) {
        // Lots carry expiration_date only with the product_expiry app; the lot model is asked only when there are lots.
        const warnings: string[] = [];
        lotExpiry ??= await optional(async () => {
          const model = await lotModelOf(ctx);
          return { model, expiry: 'expiration_date' in await fieldsOf(ctx, model, 'type') };
        }, { model: 'stock.lot', expiry: false }, 'lot expiry dates', warnings);
        for (const w of warnings) yield warning(w);
        if (lotExpiry.expiry) await lookup(ctx, lotExpiry.model, 'expiration_date', lotIds, expiries);
      }
      for (const [key, [product]] of pairs) {
        const own = quants.filter((q) => `${m2oId(q.product_id)}:${m2oId(q.location_id)}` === key);
        yield mapRecord(own, (rows) => ({
          sku: skus.get(product) || '',
          locationId: hubLocationOf(ctx, rows[0]!.location_id),
          onHand: rows.reduce((n, q) => n + Number(q.quantity), 0),
          reserved: rows.reduce((n, q) => n + Number(q.reserved_quantity), 0),
          lots: rows.filter((q) => q.lot_id !== false).map((q) => {
            const expires = expiries.get(m2oId(q.lot_id)!);
            return { qty: q.quantity, receivedAt: utcDay(String(q.in_date)), lotId: m2oName(q.lot_id), expiresAt: typeof expires === 'string' ? utcDay(expires) : undefined };
          }).sort((a, b) => `${a.receivedAt}${a.lotId}`.localeCompare(`${b.receivedAt}${b.lotId}`)),
        }));
      }
    }
    yield checkpoint(page.next ? { since, sinceId, after: page.next, max, maxId } : { since: max ?? since, sinceId: max === undefined ? sinceId : maxId });
  }
}

async function* readItems(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(quantCursor, cursor) ?? {};
  const since = ctx.full ? undefined : state.since;
  const sinceId = ctx.full ? undefined : state.sinceId;
  let { max, maxId } = state;
  const storable = await storableOf(ctx);
  const domain = since ? [...storable, ['write_date', '>=', since]] : storable;
  const fields = ['default_code', 'name', 'standard_price', 'list_price', 'categ_id', 'product_tmpl_id', 'write_date'];
  for await (const page of pagesOf(ctx, 'product.product', domain, fields, state.after)) {
    const rows = page.rows.filter((p) => !(since !== undefined && sinceId !== undefined && String(p.write_date) === since && p.id <= sinceId));
    const ids = rows.map((p) => p.id);
    const tmplIds = rows.map((p) => m2oId(p.product_tmpl_id)).filter((id): id is number => id !== undefined);
    // Reorder rules and vendors enrich items; a user who may not read them still syncs the items, with a warning.
    const warnings: string[] = [];
    const orderpoints = ids.length ? await optional(() => searchRead(ctx, 'stock.warehouse.orderpoint', [['product_id', 'in', ids]], ['product_id', 'product_min_qty', 'product_max_qty']), [], 'minQty and maxQty (reorder rules)', warnings) : [];
    const partnerField = tmplIds.length ? await optional(() => partnerFieldOf(ctx), undefined, 'moq and supplierId (vendors)', warnings) : undefined;
    const supplierinfo = partnerField ? await optional(() => searchRead(ctx, 'product.supplierinfo', [['product_tmpl_id', 'in', tmplIds]], [partnerField, 'product_tmpl_id', 'min_qty', 'delay'], { order: 'sequence asc, id asc' }), [], 'moq and supplierId (vendors)', warnings) : [];
    const refs = new Map<number, unknown>();
    if (partnerField) await optional(() => lookup(ctx, 'res.partner', 'ref', supplierinfo.map((i) => m2oId(i[partnerField])!).filter(Boolean), refs), undefined, 'supplier references (res.partner ref)', warnings);
    for (const w of warnings) yield warning(w);
    for (const product of rows) {
      const written = String(product.write_date);
      if (max === undefined || written > max || (written === max && product.id > (maxId ?? 0))) {
        max = written;
        maxId = product.id;
      }
      // The first orderpoint and the preferred (lowest sequence) vendor speak for the item.
      const orderpoint = orderpoints.find((o) => m2oId(o.product_id) === product.id);
      const vendor = supplierinfo.find((i) => m2oId(i.product_tmpl_id) === m2oId(product.product_tmpl_id));
      const partner = vendor && partnerField ? m2oId(vendor[partnerField]) : undefined;
      yield mapRecord(product, (p) => ({
        sku: p.default_code || '',
        name: p.name,
        category: m2oName(p.categ_id),
        unitCost: p.standard_price,
        unitPrice: p.list_price,
        minQty: orderpoint?.product_min_qty,
        maxQty: orderpoint?.product_max_qty,
        moq: vendor?.min_qty,
        supplierId: partner === undefined ? undefined : supplierIdOf(partner, refs.get(partner)),
      }));
    }
    yield checkpoint(page.next ? { since, sinceId, after: page.next, max, maxId } : { since: max ?? since, sinceId: max === undefined ? sinceId : maxId });
  }
}

const supplierIdOf = (partnerId: number, ref: unknown): string => (typeof ref === 'string' && ref ? ref : `odoo-partner-${partnerId}`);

async function* readSuppliers(ctx: Ctx): AsyncGenerator<ReadMessage> {
  const partnerField = await partnerFieldOf(ctx);
  // A supplier's lead time is its longest quoted delay: plan for the slowest item it delivers.
  const delays = new Map<number, number>();
  for await (const page of pagesOf(ctx, 'product.supplierinfo', [], [partnerField, 'delay'])) {
    for (const info of page.rows) {
      const partner = m2oId(info[partnerField]);
      if (partner !== undefined) delays.set(partner, Math.max(delays.get(partner) ?? 0, Number(info.delay)));
    }
  }
  if (delays.size === 0) return;
  const partners = await execute<Row[]>(ctx, 'res.partner', 'read', [[...delays.keys()]], { fields: ['name', 'ref'] });
  for (const partner of partners) {
    yield mapRecord(partner, (p) => ({ id: supplierIdOf(p.id, p.ref), name: p.name, leadTimeDays: delays.get(p.id) }));
  }
}

async function* readPurchaseOrders(ctx: Ctx): AsyncGenerator<ReadMessage> {
  const lines: Row[] = [];
  for await (const page of pagesOf(ctx, 'purchase.order.line', [['state', '=', 'purchase']], ['product_id', 'product_qty', 'qty_received', 'date_planned', 'order_id'])) {
    lines.push(...page.rows.filter((l) => Number(l.product_qty) > Number(l.qty_received)));
  }
  if (lines.length === 0) return;
  const orders = new Map((await execute<Row[]>(ctx, 'purchase.order', 'read', [[...new Set(lines.map((l) => m2oId(l.order_id)!))]], { fields: ['name', 'partner_id', 'date_order', 'picking_type_id'] })).map((o) => [o.id, o]));
  const pickingTypes = new Map<number, unknown>();
  await lookup(ctx, 'stock.picking.type', 'default_location_dest_id', [...orders.values()].map((o) => m2oId(o.picking_type_id)!).filter(Boolean), pickingTypes);
  const refs = new Map<number, unknown>();
  await lookup(ctx, 'res.partner', 'ref', [...orders.values()].map((o) => m2oId(o.partner_id)!).filter(Boolean), refs);
  const skus = await skusOf(ctx, lines.map((l) => m2oId(l.product_id)!));
  const open: InboundSourceLine[] = [];
  for (const line of lines) {
    const order = orders.get(m2oId(line.order_id)!);
    const destinationPair = pickingTypes.get(m2oId(order?.picking_type_id)!);
    const destination = m2oId(destinationPair);
    const sku = skus.get(m2oId(line.product_id)!);
    const partner = m2oId(order?.partner_id);
    if (!order || destination === undefined || !sku) {
      yield mapRecord(line, () => { throw new Error(`purchase.order.line ${line.id}: no product reference, order or destination location`); });
      continue;
    }
    open.push({
      sku, locationId: hubLocationOf(ctx, destinationPair),
      qty: Number(line.product_qty) - Number(line.qty_received),
      eta: utcDay(String(line.date_planned)),
      orderedAt: order.date_order ? utcDay(String(order.date_order)) : undefined,
      supplierId: partner === undefined ? undefined : supplierIdOf(partner, refs.get(partner)),
      ref: String(order.name),
    });
  }
  for (const position of groupInbound(open)) yield record(position);
}

async function* readLocations(ctx: Ctx): AsyncGenerator<ReadMessage> {
  for (const loc of await searchRead(ctx, 'stock.location', [['usage', '=', 'internal']], ['complete_name'])) {
    const mapped = mapLocation(ctx.options.locations, loc.id, String(loc.complete_name));
    yield record({ id: mapped.id, name: loc.complete_name, kind: mapped.kind ?? 'warehouse' }, loc);
  }
}

export const odoo = defineConnector<OdooOptions>({
  type: 'odoo',
  spec: odooOptions,
  /** Reads one row of each enabled stream's model: the rights the sync will need, and no others. */
  async check(ctx) {
    for (const stream of odooStreams.filter((s) => !ctx.options.streams || ctx.options.streams.includes(s.name))) {
      const model = STREAM_MODELS[stream.name]!;
      try {
        await execute(ctx, model, 'search_read', [[]], { fields: ['id'], limit: 1 });
      } catch (error) {
        return { ok: false, reason: `stream ${stream.name} (reads ${model}): ${(error as Error).message}` };
      }
    }
    return { ok: true };
  },
  discover: () => odooStreams,
  read(stream, cursor, ctx) {
    switch (stream) {
      case 'positions': return readPositions(cursor, ctx);
      case 'items': return readItems(cursor, ctx);
      case 'suppliers': return readSuppliers(ctx);
      case 'purchaseOrders': return readPurchaseOrders(ctx);
      case 'locations': return readLocations(ctx);
      default: return (async function* () {})();
    }
  },
});
