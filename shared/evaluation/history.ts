// A position's daily demand as one rolling window (one item beside the position), so a scan or one batched read
// returns everything the engine needs. Pure: merging sales into it, packing it for storage, cutting the engine's series.
import type { PositionSnapshot } from '../engine/snapshot.js';
import { dayNumber, isoDay } from '../engine/calendar.js';
import type { DemandMonth, SalesRecord } from '../model.js';

export interface DemandHistory {
  sku: string;
  locationId: string;
  /** The day of daily[0]: the first day of the month of the earliest sale kept (as month buckets had it), or the window's start. */
  start: string;
  /** Demand per day from `start` through the last recorded day. */
  daily: number[];
  /** Indices into `daily` of days that ended out of stock, ascending. */
  outOfStock: number[];
}

/** What a history is stored as: the numbers as short comma-separated text (zeros as empty fields), ~1 KB a year. */
export interface PackedHistory { start: string; daily: string; oos?: string }

export function packHistory(h: DemandHistory): PackedHistory {
  return {
    start: h.start,
    daily: h.daily.map((q) => (q === 0 ? '' : String(q))).join(','),
    ...(h.outOfStock.length ? { oos: h.outOfStock.join(',') } : {}),
  };
}

export function unpackHistory(sku: string, locationId: string, packed: PackedHistory): DemandHistory {
  const daily = packed.daily === '' ? [] : packed.daily.split(',').map(Number);
  const outOfStock = packed.oos ? packed.oos.split(',').map(Number) : [];
  return { sku, locationId, start: packed.start, daily, outOfStock };
}

const firstOfMonth = (day: number): number => dayNumber(`${isoDay(day).slice(0, 7)}-01`);

/**
 * How sales meet the day already stored: `set` — a pull's day total replaces it (a re-read sets, never adds), with its
 * out-of-stock mark; `add` — a pushed sale adds to the day (a return or cancellation subtracts, never below zero).
 */
export type SalesMerge = 'set' | 'add';

/**
 * Merges sales into their days, keeping at most `keepDays` days ending at the latest day recorded. Returns undefined
 * when nothing changes. Sales older than the window are dropped: the engine never looks at them.
 */
export function mergeSales(current: DemandHistory | undefined, sales: readonly SalesRecord[], keepDays: number, how: SalesMerge = 'set'): DemandHistory | undefined {
  if (sales.length === 0) return undefined;
  const days = sales.map((s) => dayNumber(s.day));
  const curStart = current ? dayNumber(current.start) : Infinity;
  const curEnd = current ? curStart + current.daily.length - 1 : -Infinity;
  const end = Math.max(curEnd, ...days);
  const start = Math.max(Math.min(curStart, firstOfMonth(Math.min(...days))), end - keepDays + 1);
  const daily = new Array<number>(end - start + 1).fill(0);
  const oos = new Set<number>();
  if (current) {
    current.daily.forEach((q, i) => { const at = curStart + i - start; if (at >= 0) daily[at] = q; });
    for (const i of current.outOfStock) { const at = curStart + i - start; if (at >= 0) oos.add(at); }
  }
  sales.forEach((s, i) => {
    const at = days[i]! - start;
    if (at < 0) return;
    if (how === 'add') {
      daily[at] = Math.max(0, Math.round((daily[at]! + s.qty) * 1e6) / 1e6);
      return;
    }
    daily[at] = s.qty;
    if (s.outOfStock) oos.add(at); else oos.delete(at);
  });
  const next: DemandHistory = {
    sku: sales[0]!.sku, locationId: sales[0]!.locationId, start: isoDay(start), daily: trimTrailingZeros(daily, oos), outOfStock: [...oos].sort((a, b) => a - b),
  };
  return current && sameHistory(current, next) ? undefined : next;
}

/** Days after the last sale or out-of-stock day carry nothing; month buckets did not store them either. */
function trimTrailingZeros(daily: number[], oos: ReadonlySet<number>): number[] {
  let n = daily.length;
  while (n > 0 && daily[n - 1] === 0 && !oos.has(n - 1)) n--;
  return n === daily.length ? daily : daily.slice(0, n);
}

export function sameHistory(a: DemandHistory, b: DemandHistory): boolean {
  if (a.start !== b.start || a.daily.length !== b.daily.length || a.outOfStock.length !== b.outOfStock.length) return false;
  for (let i = 0; i < a.daily.length; i++) if (a.daily[i] !== b.daily[i]) return false;
  for (let i = 0; i < a.outOfStock.length; i++) if (a.outOfStock[i] !== b.outOfStock[i]) return false;
  return true;
}

/** The history held in month buckets (the layout before rolling histories); undefined when there are none. */
export function historyFromMonths(months: readonly DemandMonth[]): DemandHistory | undefined {
  if (months.length === 0) return undefined;
  const sorted = [...months].sort((a, b) => a.month.localeCompare(b.month));
  const start = dayNumber(`${sorted[0]!.month}-01`);
  const daily: number[] = [];
  const outOfStock: number[] = [];
  for (const m of sorted) {
    const offset = dayNumber(`${m.month}-01`) - start;
    m.daily.forEach((q, i) => { while (daily.length < offset + i) daily.push(0); daily[offset + i] = q; });
    for (const d of m.outOfStockDays) outOfStock.push(offset + d - 1);
  }
  for (const i of outOfStock) while (daily.length <= i) daily.push(0);
  return { sku: sorted[0]!.sku, locationId: sorted[0]!.locationId, start: isoDay(start), daily, outOfStock: [...new Set(outOfStock)].sort((a, b) => a - b) };
}

/** Month buckets of a history between two days (inclusive), as `getDemand` answers. */
export function historyMonths(h: DemandHistory, fromDay: string, toDay: string): DemandMonth[] {
  const start = dayNumber(h.start);
  const months = new Map<string, DemandMonth>();
  const monthOf = (i: number): DemandMonth => {
    const iso = isoDay(start + i);
    const month = iso.slice(0, 7);
    let m = months.get(month);
    if (!m) months.set(month, (m = { sku: h.sku, locationId: h.locationId, month, daily: [], outOfStockDays: [] }));
    return m;
  };
  const from = fromDay.slice(0, 7);
  const to = toDay.slice(0, 7);
  h.daily.forEach((q, i) => {
    const m = monthOf(i);
    const dom = Number(isoDay(start + i).slice(8, 10));
    while (m.daily.length < dom) m.daily.push(0);
    m.daily[dom - 1] = q;
  });
  for (const i of h.outOfStock) monthOf(i).outOfStockDays.push(Number(isoDay(start + i).slice(8, 10)));
  return [...months.values()].filter((m) => m.month >= from && m.month <= to && (m.daily.some((q) => q !== 0) || m.outOfStockDays.length > 0));
}

/** The engine's demand series: from the history's start (at most historyDays back) through asOf, days without sales as 0. */
export function historySeries(h: DemandHistory | undefined, asOf: string, historyDays: number): PositionSnapshot['demand'] {
  const asOfDay = dayNumber(asOf);
  const earliest = asOfDay - historyDays + 1;
  const first = h ? dayNumber(h.start) : earliest;
  const start = Math.max(first, earliest);
  const length = Math.max(0, asOfDay - start + 1);
  const daily = new Array<number>(length).fill(0);
  const outOfStock: number[] = [];
  if (h) {
    const shift = first - start;
    const from = Math.max(0, -shift);
    const to = Math.min(h.daily.length, length - shift);
    for (let i = from; i < to; i++) daily[i + shift] = h.daily[i]!;
    for (const i of h.outOfStock) { const at = i + shift; if (at >= 0 && at < length) outOfStock.push(at); }
  }
  return { start: isoDay(start), daily, ...(outOfStock.length ? { outOfStock } : {}) };
}
