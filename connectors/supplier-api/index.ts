// supplier-api: a supplier portal's JSON API, described by options (a template for portals): suppliers with their
// lead times (quoted per supplier and per item) and purchase order status → inbound at the supplier's confirmed ETA.
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, invalid, mapRecord, parseCursor, record, type ConnectorContext, type ReadMessage, type StreamName } from '../sdk/contract.js';
import { groupInbound, locationMapOption, mapLocation, pick, utcInstant, type InboundSourceLine } from '../sdk/mapping.js';
import { authOption, jsonApiHttp, mapFields, pages, pagingOption, rateLimitOption } from '../rest-json/index.js';

const listOptions = z.object({
  /** Path below the endpoint, e.g. /v1/suppliers. */
  path: z.string().startsWith('/'),
  /** Field → dotted path in the source record; unmapped fields are read under their own name. */
  fields: z.record(z.string(), z.string()).default({}),
  /** Dotted path to the array of records in the response body; empty when the body is the array. */
  records: z.string().default('data'),
  /** Extra query parameters sent with every request of this list. */
  query: z.record(z.string(), z.string()).default({}),
});

export const supplierApiOptions = baseOptions.extend({
  paths: z.object({
    /** Suppliers: id, name, leadTimeDays (quoted), onTimeRate, backupSupplierId. */
    suppliers: listOptions.optional(),
    /** Lead times per supplier × item: supplierId, sku, leadTimeDays, at (when quoted or measured; orders them). */
    leadTimes: listOptions.optional(),
    /**
     * Purchase orders: sku, locationId, qty (ordered), received, status, confirmedEta, eta (requested), orderedAt,
     * supplierId, ref. With `lines`, each record is an order and the mapping reads each line with its order under `order`.
     */
    purchaseOrders: listOptions.extend({ lines: z.string().optional() }).optional(),
  }),
  /** Order statuses that still expect goods (compared case-insensitively); other orders are closed, cancelled or received. */
  openStatuses: z.array(z.string()).default(['open', 'confirmed', 'acknowledged', 'shipped', 'partially_received']),
  /** The supplier's ship-to codes → hub locations; unmapped codes use the slugified code. */
  locations: locationMapOption,
  paging: pagingOption,
  auth: authOption,
  rateLimit: rateLimitOption,
});
export type SupplierApiOptions = z.infer<typeof supplierApiOptions>;
type Ctx = ConnectorContext<SupplierApiOptions>;

const SUPPLIER_FIELDS = ['id', 'name', 'leadTimeDays', 'onTimeRate', 'backupSupplierId'] as const;
const LEAD_TIME_FIELDS = ['supplierId', 'sku', 'leadTimeDays', 'at'] as const;
const ORDER_FIELDS = ['sku', 'locationId', 'qty', 'received', 'status', 'confirmedEta', 'eta', 'orderedAt', 'supplierId', 'ref'] as const;

const cursorSchema = z.object({ next: z.string().optional() });
const toNumber = (value: unknown): number => (typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN);
const day = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? utcInstant(value).slice(0, 10) : undefined);

/**
 * Suppliers, each with its per-item lead times as observedLeadTimes (oldest first) and, when the portal quotes
 * none for the supplier, the longest of them as leadTimeDays (plan for the slowest item).
 */
async function* readSuppliers(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const { suppliers, leadTimes } = ctx.options.paths;
  if (!suppliers) return;
  const perSupplier = new Map<string, { leadTimeDays: number; at: string }[]>();
  if (leadTimes) {
    for await (const page of pages(ctx, leadTimes, undefined, undefined)) {
      for (const raw of page.rows) {
        const row = mapFields(raw, leadTimes.fields, LEAD_TIME_FIELDS);
        const days = toNumber(row.leadTimeDays);
        if (row.supplierId === undefined || !(days >= 0)) {
          yield invalid(`lead time row needs a supplierId and a non-negative leadTimeDays (got ${JSON.stringify(row.supplierId)}, ${JSON.stringify(row.leadTimeDays)}); check paths.leadTimes.fields`, raw);
          continue;
        }
        const id = String(row.supplierId);
        perSupplier.set(id, [...(perSupplier.get(id) ?? []), { leadTimeDays: days, at: typeof row.at === 'string' ? row.at : '' }]);
      }
    }
  }
  // Lead times are joined in memory, so only the supplier list resumes mid-way (the lead times are re-read).
  const state = parseCursor(cursorSchema, cursor) ?? {};
  for await (const page of pages(ctx, suppliers, undefined, state.next)) {
    for (const raw of page.rows) {
      yield mapRecord(raw, (r) => {
        const supplier = mapFields(r, suppliers.fields, SUPPLIER_FIELDS);
        const observed = (perSupplier.get(String(supplier.id)) ?? []).sort((a, b) => a.at.localeCompare(b.at)).map((l) => l.leadTimeDays);
        if (observed.length === 0) return supplier;
        return { ...supplier, leadTimeDays: supplier.leadTimeDays ?? Math.max(...observed), observedLeadTimes: observed };
      });
    }
    yield checkpoint(page.next === undefined ? {} : { next: page.next });
  }
}

/** Open order lines (status open, qty − received > 0) grouped into each position's inbound list; a snapshot. */
async function* readPurchaseOrders(ctx: Ctx): AsyncGenerator<ReadMessage> {
  const list = ctx.options.paths.purchaseOrders;
  if (!list) return;
  const open = new Set(ctx.options.openStatuses.map((s) => s.toLowerCase()));
  const lines: InboundSourceLine[] = [];
  for await (const page of pages(ctx, list, undefined, undefined)) {
    for (const order of page.rows) {
      const sourceLines = list.lines === undefined ? [order] : pick(order, list.lines);
      if (!Array.isArray(sourceLines)) {
        yield invalid(`order has no array at "${list.lines ?? ''}"; check paths.purchaseOrders.lines`, order);
        continue;
      }
      for (const sourceLine of sourceLines) {
        const raw: unknown = list.lines === undefined ? sourceLine : { ...(sourceLine as object), order };
        const line = mapFields(raw, list.fields, ORDER_FIELDS);
        if (line.status !== undefined && !open.has(String(line.status).toLowerCase())) continue;
        const message = mapRecord(raw, () => {
          if (typeof line.sku !== 'string' || line.locationId === undefined) throw new Error('purchase order line without sku or locationId; check paths.purchaseOrders.fields');
          const eta = day(line.confirmedEta) ?? day(line.eta);
          if (eta === undefined) throw new Error(`purchase order line ${String(line.ref ?? '')} has neither a confirmedEta nor an eta`);
          const qty = toNumber(line.qty) - (line.received === undefined ? 0 : toNumber(line.received));
          if (Number.isNaN(qty)) throw new Error(`purchase order line ${String(line.ref ?? '')}: qty/received are not numbers`);
          return {
            sku: line.sku, locationId: mapLocation(ctx.options.locations, String(line.locationId), String(line.locationId)).id, qty, eta,
            ...(day(line.orderedAt) ? { orderedAt: day(line.orderedAt) } : {}),
            ...(line.supplierId === undefined ? {} : { supplierId: String(line.supplierId) }),
            ...(line.ref === undefined ? {} : { ref: String(line.ref) }),
          };
        });
        if (message.type !== 'record') yield message;
        else if ((message.record as InboundSourceLine).qty > 0) lines.push(message.record as InboundSourceLine);
      }
    }
  }
  for (const position of groupInbound(lines)) yield record(position);
}

export const supplierApi = defineConnector<SupplierApiOptions>({
  type: 'supplier-api',
  spec: supplierApiOptions,
  http: jsonApiHttp,
  async check(ctx) {
    const first = ctx.options.paths.suppliers ?? ctx.options.paths.purchaseOrders ?? ctx.options.paths.leadTimes;
    if (!first) return { ok: false, reason: 'options.paths names no list; set paths.suppliers and/or paths.purchaseOrders, e.g. paths.suppliers.path = "/v1/suppliers".' };
    const response = await ctx.http.get(`${ctx.endpoint}${first.path}`);
    if (response.status === 401 || response.status === 403) return { ok: false, reason: `${ctx.endpoint}${first.path} refused the credentials (HTTP ${response.status}); check the configured credential and options.auth.` };
    if (response.status === 404) return { ok: false, reason: `${ctx.endpoint}${first.path} does not exist (HTTP 404); check endpoint and paths.` };
    return { ok: true };
  },
  discover: (options) => [
    ...(options.paths.suppliers ? [{ name: 'suppliers' as const }] : []),
    ...(options.paths.purchaseOrders ? [{ name: 'purchaseOrders' as const, snapshot: true }] : []),
  ],
  read: (stream: StreamName, cursor, ctx) => (stream === 'suppliers' ? readSuppliers(cursor, ctx) : stream === 'purchaseOrders' ? readPurchaseOrders(ctx) : (async function* () {})()),
});
