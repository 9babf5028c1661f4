// A fake ERPNext/Frappe /api/resource/Bin: token auth, JSON-encoded fields/filters, name/modified filters, order_by,
// limit_page_length, float noise in quantities, and the optional rate limiter (429 "Too Many Requests" + X-RateLimit-*).
import type { PositionState } from '../../shared/model.js';
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

export async function startFakeErpnext(dataset: Dataset, options: { token?: string; rateLimit?: { limit: number; windowSeconds: number } } = {}): Promise<FakeErpnext> {
  const token = `token ${options.token ?? 'key:secret'}`;
  let clock = FAKE_EPOCH;
  let current = dataset;
  const log = new ChangeLog<PositionState>((p) => `${p.sku}@${p.locationId}`);
  log.set(dataset.positions, clock);
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
    if (req.url.pathname !== '/api/resource/Bin') return json({ exc_type: 'DoesNotExistError', exception: `frappe.exceptions.DoesNotExistError: DocType ${req.url.pathname} not found` }, 404, headers);
    const q = req.url.searchParams;
    const fields = JSON.parse(q.get('fields') ?? '["name"]') as string[];
    const filters = JSON.parse(q.get('filters') ?? '[]') as (string | number)[][];
    const limit = Number(q.get('limit_page_length') ?? 20);
    const rows = log.all().map(({ value: p, id, updatedAt }) => ({
      name: `MAT-BIN-${String(id).padStart(6, '0')}`, item_code: p.sku, warehouse: erpnextWarehouse(current, p.locationId),
      // Frappe floats carry binary noise: 5 comes back as 5.000000000000001.
      actual_qty: (p.onHand * 10 + 1) / 10 - 0.1, reserved_qty: p.reserved, ordered_qty: 0, projected_qty: p.onHand - p.reserved,
      stock_uom: 'Nos', modified: frappeTime(updatedAt), docstatus: 0,
    }));
    const ok = (row: Record<string, unknown>) => filters.every((f) => {
      const [field, op, value] = (f.length === 4 ? f.slice(1) : f) as [string, string, string | number];
      const actual = row[field] as string | number;
      return op === '>' ? actual > value : op === '>=' ? actual >= value : op === '<' ? actual < value : op === '<=' ? actual <= value : op === '!=' ? actual !== value : actual === value;
    });
    const data = rows.filter(ok).sort((a, b) => a.name.localeCompare(b.name)).slice(0, limit === 0 ? undefined : limit)
      .map((r) => Object.fromEntries(fields.map((f) => [f, (r as Record<string, unknown>)[f]])));
    return json({ data }, 200, headers);
  });
  return {
    ...server,
    update(next) {
      clock += 60_000;
      current = next;
      log.set(next.positions, clock);
    },
  };
}
