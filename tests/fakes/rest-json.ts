// A generic REST/JSON inventory API for the rest-json connector: bearer auth, four paging styles, updated_since, 429s.
import type { Item, Location, PositionState, SalesRecord, Supplier } from '../../shared/model.js';
import type { Dataset, PurchaseOrderLine } from './dataset.js';
import { ChangeLog, FAKE_EPOCH, json, startServer, type FakeServer, tokenBucket } from './server.js';

export interface FakeRestJsonOptions {
  token?: string;
  paging?: 'keyset' | 'link' | 'page' | 'offset';
  /** Server-side limit: answers 429 + Retry-After (fractional seconds) beyond it. */
  rateLimit?: { perSecond: number; burst: number };
}

export interface FakeRestJson extends FakeServer {
  rateLimit?: { perSecond: number; burst: number };
  /** Serve `next` from now on; changed records get a newer updated_at. */
  update(next: Dataset): void;
}

/** The source's own field names, so the connector's field mapping is exercised. */
const toSourcePosition = (p: PositionState) => ({ sku: p.sku, location: p.locationId, on_hand: p.onHand.toFixed(3), reserved: p.reserved });

export async function startFakeRestJson(dataset: Dataset, options: FakeRestJsonOptions = {}): Promise<FakeRestJson> {
  const token = options.token ?? 'test-token';
  const paging = options.paging ?? 'keyset';
  let clock = FAKE_EPOCH;
  const logs = {
    positions: new ChangeLog<PositionState>((p) => `${p.sku}@${p.locationId}`),
    items: new ChangeLog<Item>((i) => i.sku),
    locations: new ChangeLog<Location>((l) => l.id),
    suppliers: new ChangeLog<Supplier>((s) => s.id),
    sales: new ChangeLog<SalesRecord>((s) => `${s.sku}@${s.locationId}#${s.day}`),
    'purchase-orders': new ChangeLog<PurchaseOrderLine>((l) => `${l.ref}#${l.sku}@${l.locationId}`),
  };
  const load = (d: Dataset) => {
    logs.positions.set(d.positions, clock);
    logs.items.set(d.items, clock);
    logs.locations.set(d.locations, clock);
    logs.suppliers.set(d.suppliers, clock);
    logs.sales.set(d.sales, clock);
    logs['purchase-orders'].set(d.purchaseOrders, clock);
  };
  load(dataset);
  const overRate = tokenBucket(options.rateLimit);

  const server = await startServer((req, stats) => {
    const wait = overRate();
    if (wait !== undefined) {
      stats.throttled++;
      return json({ error: 'rate limit exceeded' }, 429, { 'retry-after': wait.toFixed(3), 'x-ratelimit-remaining': '0' });
    }
    if (req.headers.authorization !== `Bearer ${token}`) return json({ error: 'invalid or missing bearer token' }, 401);
    const name = req.url.pathname.slice(1) as keyof typeof logs;
    const log = logs[name];
    if (!log) return json({ error: `no such resource ${req.url.pathname}` }, 404);
    const q = req.url.searchParams;
    const since = q.get('updated_since');
    let rows = log.all().filter((r) => since === null || r.updatedAt >= Date.parse(since));
    const out = (slice: typeof rows) => slice.map((r) => ({
      id: r.id,
      ...(name === 'positions' ? toSourcePosition(r.value as PositionState) : (r.value as object)),
      updated_at: new Date(r.updatedAt).toISOString(),
    }));
    const size = Number(q.get('limit') ?? q.get('per_page') ?? 100);
    switch (paging) {
      case 'keyset': {
        const after = Number(q.get('after') ?? 0);
        rows = rows.filter((r) => r.id > after);
        return json({ data: out(rows.slice(0, size)) });
      }
      case 'offset': {
        const offset = Number(q.get('offset') ?? 0);
        return json({ data: out(rows.slice(offset, offset + size)) });
      }
      case 'page': {
        const page = Number(q.get('page') ?? 1);
        return json({ data: out(rows.slice((page - 1) * size, page * size)) }, 200, { 'x-total-pages': String(Math.max(1, Math.ceil(rows.length / size))), 'x-total': String(rows.length) });
      }
      case 'link': {
        const offset = Number(q.get('cursor') ?? 0);
        const headers: Record<string, string> = {};
        if (offset + size < rows.length) {
          const next = new URL(req.url.pathname, server.url);
          for (const [k, v] of q) next.searchParams.set(k, v);
          next.searchParams.set('cursor', String(offset + size));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        return json({ data: out(rows.slice(offset, offset + size)) }, 200, headers);
      }
    }
  });
  return {
    ...server,
    rateLimit: options.rateLimit,
    update(next) {
      clock += 60_000;
      load(next);
    },
  };
}

/** The rest-json connector options that read this fake. */
export function restJsonOptionsFor(paging: FakeRestJsonOptions['paging'] = 'keyset'): Record<string, unknown> {
  const incremental = { param: 'updated_since', field: 'updated_at' };
  return {
    paging: paging === 'keyset' ? { style: 'keyset', pageSize: 25 } : paging === 'page' ? { style: 'page', pageSize: 25 } : paging === 'offset' ? { style: 'offset', pageSize: 25 } : { style: 'link', pageSize: 25 },
    paths: {
      locations: { path: '/locations' },
      items: { path: '/items', incremental },
      suppliers: { path: '/suppliers' },
      positions: { path: '/positions', incremental, fields: { locationId: 'location', onHand: 'on_hand', sourceUpdatedAt: 'updated_at' } },
      purchaseOrders: { path: '/purchase-orders' },
      sales: { path: '/sales', incremental },
    },
  };
}
