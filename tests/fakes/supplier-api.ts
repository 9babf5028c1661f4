// A fake supplier portal for the supplier-api connector: X-Api-Key auth, page/per_page paging with X-Total-Pages,
// suppliers with quoted lead times, per-item lead times, nested orders with a status per order, and optional 429s.
import type { Dataset } from './dataset.js';
import { json, startServer, type FakeServer, tokenBucket } from './server.js';

export interface FakeSupplierApi extends FakeServer {
  rateLimit?: { perSecond: number; burst: number };
  update(next: Dataset): void;
}

export const SUPPLIER_API_KEY = 'portal-key';

/** The portal's ship-to code for a hub location. */
export const shipTo = (locationId: string): string => `DC-${locationId.toUpperCase()}`;

export function supplierApiLocationMap(dataset: Dataset): Record<string, string> {
  return Object.fromEntries(dataset.locations.map((l) => [shipTo(l.id), l.id]));
}

/** The supplier-api options that read this fake. */
export function supplierApiOptionsFor(dataset: Dataset, pageSize = 2): Record<string, unknown> {
  return {
    auth: { header: 'X-Api-Key', scheme: '' },
    paging: { style: 'page', pageSize },
    locations: supplierApiLocationMap(dataset),
    paths: {
      suppliers: { path: '/v1/suppliers', fields: { id: 'code', name: 'company', leadTimeDays: 'lead_time.quoted_days', onTimeRate: 'performance.on_time' } },
      leadTimes: { path: '/v1/lead-times', fields: { supplierId: 'supplier', sku: 'item', leadTimeDays: 'days', at: 'quoted_at' } },
      purchaseOrders: {
        path: '/v1/orders', records: 'orders', lines: 'lines',
        fields: { sku: 'item', locationId: 'order.ship_to', qty: 'ordered', received: 'received', status: 'order.status', confirmedEta: 'confirmed_date', eta: 'requested_date', orderedAt: 'order.ordered_on', supplierId: 'order.supplier', ref: 'order.number' },
      },
    },
  };
}

const minusDays = (day: string, days: number): string => new Date(Date.parse(day) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * The portal's view of a dataset. Quirks: a supplier whose quote equals its slowest item lead time is served without
 * a quote (left blank in the portal); every other order is partially received; odd orders are not confirmed yet
 * (confirmed_date null, requested_date is the ETA), even ones were confirmed at the ETA after requesting two days
 * earlier; closed and cancelled orders and fully received lines are listed too and must be skipped.
 */
function render(d: Dataset) {
  const suppliers = d.suppliers.map((s) => {
    const observed = s.observedLeadTimes ?? [];
    const blank = observed.length > 0 && Math.max(...observed) === s.leadTimeDays;
    return { code: s.id, company: s.name ?? null, lead_time: { quoted_days: blank ? null : String(s.leadTimeDays) }, performance: { on_time: s.onTimeRate ?? null } };
  });
  const leadTimes = d.suppliers.flatMap((s) => (s.observedLeadTimes ?? []).map((days, j) => ({
    supplier: s.id, item: d.items[j % Math.max(1, d.items.length)]?.sku ?? `ITEM-${j}`, days, quoted_at: `2026-0${1 + (j % 9)}-1${j % 10}T10:00:00Z`,
  })));
  const refs = [...new Set(d.purchaseOrders.map((l) => l.ref))];
  const orders = refs.map((ref, i) => {
    const lines = d.purchaseOrders.filter((l) => l.ref === ref);
    const first = lines[0]!;
    const received = i % 2 === 1 ? 5 : 0;
    return {
      number: ref, supplier: first.supplierId, status: received > 0 ? 'PARTIALLY_RECEIVED' : 'confirmed', ship_to: shipTo(first.locationId),
      ordered_on: first.orderedAt ? `${first.orderedAt}T08:00:00Z` : null,
      lines: [
        ...lines.map((l) => ({ item: l.sku, ordered: (l.qty + received).toFixed(2), received, requested_date: i % 2 === 1 ? l.eta : minusDays(l.eta, 2), confirmed_date: i % 2 === 1 ? null : l.eta })),
        { item: first.sku, ordered: '3.00', received: 3, requested_date: first.eta, confirmed_date: first.eta },
      ],
    };
  });
  const anyLine = d.purchaseOrders[0];
  if (anyLine) {
    for (const status of ['closed', 'cancelled']) {
      orders.push({ number: `${status.toUpperCase()}-1`, supplier: anyLine.supplierId, status, ship_to: shipTo(anyLine.locationId), ordered_on: null, lines: [{ item: anyLine.sku, ordered: '50.00', received: 0, requested_date: anyLine.eta, confirmed_date: anyLine.eta }] });
    }
  }
  return { '/v1/suppliers': suppliers, '/v1/lead-times': leadTimes, '/v1/orders': orders } as Record<string, unknown[]>;
}

export async function startFakeSupplierApi(dataset: Dataset, options: { apiKey?: string; rateLimit?: { perSecond: number; burst: number } } = {}): Promise<FakeSupplierApi> {
  const apiKey = options.apiKey ?? SUPPLIER_API_KEY;
  let lists = render(dataset);
  const overRate = tokenBucket(options.rateLimit);

  const server = await startServer((req, stats) => {
    const wait = overRate();
    if (wait !== undefined) {
      stats.throttled++;
      return json({ error: { code: 'RATE_LIMITED', message: 'Too many requests' } }, 429, { 'retry-after': wait.toFixed(3) });
    }
    if (req.headers['x-api-key'] !== apiKey) return json({ error: { code: 'UNAUTHORIZED', message: 'missing or invalid X-Api-Key' } }, 401);
    const list = lists[req.url.pathname];
    if (!list) return json({ error: { code: 'NOT_FOUND', message: `no resource ${req.url.pathname}` } }, 404);
    const page = Number(req.url.searchParams.get('page') ?? 1);
    const size = Number(req.url.searchParams.get('per_page') ?? 50);
    const slice = list.slice((page - 1) * size, page * size);
    const headers = { 'x-total-pages': String(Math.max(1, Math.ceil(list.length / size))) };
    return json(req.url.pathname === '/v1/orders' ? { orders: slice, page } : { data: slice, page }, 200, headers);
  });
  return {
    ...server,
    rateLimit: options.rateLimit,
    update(next) {
      lists = render(next);
    },
  };
}
