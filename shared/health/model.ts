// Stock health (the 看板's numbers) as sums that combine: every position adds one small vector to the cell of its
// location × category. What follows from its stock (STATE_KEYS) is stored per position and kept live by differences,
// which any number of writers add in any order; what moves with the calendar is summed per cell by each sweep, which
// then sets every field of the cells. The overview adds up the cells its filter selects; nothing scans positions.
import type { Finding } from '../engine/snapshot.js';
import type { Location } from '../model.js';
import { daysBetween } from '../time.js';

/** Days-of-cover buckets (upper bounds, days); a position with no demand has no cover and is counted apart. */
export const COVER_BUCKETS = [0, 7, 14, 30, 60, 90] as const;
/** Stock-age buckets (库龄, upper bounds, days since receipt); stock without lots has an unknown age. */
export const AGE_BUCKETS = [30, 60, 90, 180, 365] as const;

/** The additive part of one position's health; every field is summed across positions. */
export interface HealthVector {
  positions: number;
  atRisk: number;
  outOfStock: number;
  overstocked: number;
  deadStock: number;
  valueAtRisk: number;
  lostSalesPerDay: number;
  overstockCapital: number;
  deadStockCapital: number;
  stockValue: number;
  /** Cost of the forecast demand per day; turnover = cogsPerDay × 365 ÷ stockValue. */
  cogsPerDay: number;
  /** cover0..cover6: positions per COVER_BUCKETS bucket (cover0 = out of stock, cover6 = above 90 days); coverNone: no demand. */
  [bucket: `cover${number}` | `age${number}`]: number;
  coverNone: number;
  /** Stock value by age bucket (age0..age5 per AGE_BUCKETS, age5 = older than a year); ageUnknown without lots. */
  ageUnknown: number;
}

export const VECTOR_KEYS: readonly (keyof HealthVector & string)[] = [
  'positions', 'atRisk', 'outOfStock', 'overstocked', 'deadStock', 'valueAtRisk', 'lostSalesPerDay', 'overstockCapital',
  'deadStockCapital', 'stockValue', 'cogsPerDay',
  ...Array.from({ length: COVER_BUCKETS.length + 1 }, (_, i) => `cover${i}` as const), 'coverNone',
  ...Array.from({ length: AGE_BUCKETS.length + 1 }, (_, i) => `age${i}` as const), 'ageUnknown',
];

/**
 * The fields a position's stored contribution holds: they change with its stock and its findings. The rest (the cost of
 * the forecast demand, stock age by value) and the day's fill figures move with the calendar, so a contribution holding
 * them would be rewritten every day; the sweep sums those per cell instead and sets them once per run.
 */
export const STATE_KEYS: readonly (keyof HealthVector & string)[] = [
  'positions', 'atRisk', 'outOfStock', 'overstocked', 'deadStock', 'valueAtRisk', 'lostSalesPerDay', 'overstockCapital',
  'deadStockCapital', 'stockValue',
  ...Array.from({ length: COVER_BUCKETS.length + 1 }, (_, i) => `cover${i}` as const), 'coverNone',
];

export type CellVector = Partial<Record<keyof HealthVector & string, number>>;

/** One position's health as evaluated: its cell, the whole vector, and its share of the day's demand (fill rate by day). */
export interface PositionHealth {
  sku: string;
  locationId: string;
  category: string;
  /** The day the `fill` figures belong to. */
  day: string;
  vector: HealthVector;
  /** Forecast demand of the day in units, and the part of it a stockout loses. */
  fill: { demand: number; lost: number };
}

/** What a position adds to its cell between sweeps: the STATE_KEYS part of its health. */
export interface Contribution {
  sku: string;
  locationId: string;
  category: string;
  vector: CellVector;
}

/** A contribution as stored beside its position, with the version its next replacement is conditional on. */
export interface StoredHealth extends Contribution { version: number }

export function contributionOf(h: PositionHealth): Contribution {
  return { sku: h.sku, locationId: h.locationId, category: h.category, vector: Object.fromEntries(STATE_KEYS.map((k) => [k, h.vector[k]])) };
}

export const NO_CATEGORY = '-';

export const emptyVector = (): HealthVector => Object.fromEntries(VECTOR_KEYS.map((k) => [k, 0])) as unknown as HealthVector;

const money = (x: number): number => Math.round(x * 100) / 100;
const num = (v: number | string | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function bucketOf(value: number, bounds: readonly number[]): number {
  const i = bounds.findIndex((b) => value <= b);
  return i === -1 ? bounds.length : i;
}

export interface HealthInput {
  sku: string;
  locationId: string;
  category?: string;
  day: string;
  onHand: number;
  unitCost: number;
  lots?: readonly { qty: number; receivedAt: string }[];
  forecastDaily: number;
  daysOfCover: number | null;
  /** The findings as the alert lifecycle sees them: STOCKOUT supersedes STOCKOUT_RISK at the same position. */
  findings: readonly Finding[];
}

/** A position's contribution, from its evaluation. Pure. */
export function positionHealth(input: HealthInput): PositionHealth {
  const v = emptyVector();
  const has = (type: Finding['type']) => input.findings.find((f) => f.type === type);
  const stockout = has('STOCKOUT');
  const risk = stockout ? undefined : has('STOCKOUT_RISK');
  const overstock = has('OVERSTOCK');
  const dead = has('DEAD_STOCK');
  const onHand = Math.max(0, input.onHand);
  v.positions = 1;
  v.outOfStock = stockout ? 1 : 0;
  v.atRisk = risk ? 1 : 0;
  v.overstocked = overstock ? 1 : 0;
  v.deadStock = dead ? 1 : 0;
  v.valueAtRisk = money(num(risk?.facts?.valueAtRisk));
  v.lostSalesPerDay = money(num(stockout?.facts?.lostSalesPerDay));
  v.overstockCapital = money(num(overstock?.facts?.capitalTiedUp));
  v.deadStockCapital = money(num(dead?.facts?.capitalTiedUp));
  v.stockValue = money(onHand * input.unitCost);
  v.cogsPerDay = money(input.forecastDaily * input.unitCost);
  if (input.daysOfCover === null || !Number.isFinite(input.daysOfCover)) v.coverNone = 1;
  else v[`cover${bucketOf(input.daysOfCover, COVER_BUCKETS)}`] = 1;
  const lots = (input.lots ?? []).filter((l) => l.qty > 0);
  const inLots = lots.reduce((s, l) => s + l.qty, 0);
  for (const lot of lots) {
    const age = Math.max(0, daysBetween(lot.receivedAt, input.day));
    v[`age${bucketOf(age, AGE_BUCKETS)}`] = money(v[`age${bucketOf(age, AGE_BUCKETS)}`]! + Math.min(lot.qty, onHand) * input.unitCost);
  }
  v.ageUnknown = money(Math.max(0, onHand - inLots) * input.unitCost);
  const demand = Math.max(0, input.forecastDaily);
  return {
    sku: input.sku, locationId: input.locationId, category: input.category || NO_CATEGORY, day: input.day, vector: v,
    fill: { demand: round4(demand), lost: stockout ? round4(demand) : 0 },
  };
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export const cellKey = (locationId: string, category: string): string => `${locationId}#${category}`;

/** What one cell gains from contributions that changed. */
export interface CellDelta {
  locationId: string;
  category: string;
  vector: CellVector;
}

const addInto = (to: CellVector, from: CellVector, sign = 1): void => {
  for (const [k, x] of Object.entries(from) as [keyof HealthVector & string, number | undefined][]) if (x) to[k] = round4((to[k] ?? 0) + sign * x);
};

/** What changes in the cells when a position's contribution goes from `prev` to `next` (either may be absent). */
export function healthDelta(prev: Contribution | undefined, next: Contribution | undefined): CellDelta[] {
  const deltas = new Map<string, CellDelta>();
  const add = (h: Contribution, sign: 1 | -1) => {
    const key = cellKey(h.locationId, h.category);
    const d = deltas.get(key) ?? { locationId: h.locationId, category: h.category, vector: {} };
    deltas.set(key, d);
    // Only the state fields: a contribution stored before the split may still hold the calendar's fields.
    addInto(d.vector, Object.fromEntries(STATE_KEYS.map((k) => [k, h.vector[k]])), sign);
  };
  if (prev) add(prev, -1);
  if (next) add(next, 1);
  for (const d of deltas.values()) {
    for (const k of Object.keys(d.vector) as (keyof HealthVector & string)[]) if (Math.abs(d.vector[k]!) < 1e-9) delete d.vector[k];
  }
  return [...deltas.values()].filter((d) => Object.keys(d.vector).length > 0);
}

/** Adds the deltas of many positions per cell, so a batch writes each cell once. */
export function mergeDeltas(deltas: readonly CellDelta[]): CellDelta[] {
  const out = new Map<string, CellDelta>();
  for (const d of deltas) {
    const key = cellKey(d.locationId, d.category);
    const m = out.get(key) ?? { locationId: d.locationId, category: d.category, vector: {} };
    out.set(key, m);
    addInto(m.vector, d.vector);
  }
  return [...out.values()];
}

/** A cell's sums over the positions a sweep evaluated: every vector field, and the fill figures of the sweep's day. */
export interface CellSums {
  locationId: string;
  category: string;
  vector: CellVector;
  fill: { demand: number; lost: number };
}

/**
 * Adds to per-cell sums (keyed by cellKey): positions, or other sums. An evaluated position adds its whole health and
 * fill; one the sweep read but did not evaluate (vanished, bad data) adds its stored contribution, so the cells still
 * equal the contributions.
 */
export function addToSums(sums: Map<string, CellSums>, parts: Iterable<PositionHealth | Contribution | CellSums>): Map<string, CellSums> {
  for (const h of parts) {
    const key = cellKey(h.locationId, h.category);
    const s = sums.get(key) ?? { locationId: h.locationId, category: h.category, vector: {}, fill: { demand: 0, lost: 0 } };
    sums.set(key, s);
    addInto(s.vector, h.vector as CellVector);
    if ('fill' in h) s.fill = { demand: round4(s.fill.demand + h.fill.demand), lost: round4(s.fill.lost + h.fill.lost) };
  }
  return sums;
}

/** The run's sums from its parts (each segment's pages). */
export const mergeSums = (parts: Iterable<CellSums>): CellSums[] => [...addToSums(new Map(), parts).values()];

/** A stored cell: the sums of every position of one location × category. */
export interface HealthCell {
  locationId: string;
  category: string;
  vector: HealthVector;
  fill: Record<string, { demand: number; lost: number }>;
}

export interface HealthFilter { location?: string; locationGroup?: string; channel?: string; category?: string }

/** `channel` selects locations by kind (store, warehouse, channel = online shop); group and kind come from config. */
export function cellMatches(cell: Pick<HealthCell, 'locationId' | 'category'>, filter: HealthFilter, locations: ReadonlyMap<string, Location>): boolean {
  const location = locations.get(cell.locationId);
  if (filter.location && cell.locationId !== filter.location) return false;
  if (filter.category && cell.category !== filter.category) return false;
  if (filter.locationGroup && location?.group !== filter.locationGroup) return false;
  if (filter.channel && location?.kind !== filter.channel) return false;
  return true;
}

/** The overview's stock-health block for a filter. */
export interface StockHealth {
  totals: HealthVector;
  /** Cost of a year's forecast demand ÷ stock value (周转率); null without stock. */
  turnover: number | null;
  /** Dead-stock capital ÷ stock value (呆滞占比); null without stock. */
  deadStockShare: number | null;
  coverHistogram: { bucket: string; positions: number }[];
  ageing: { bucket: string; value: number }[];
  /** Share of the day's forecast demand at positions with stock, oldest day first. */
  fillRate: { day: string; rate: number }[];
  byLocation: { locationId: string; positions: number; atRisk: number; outOfStock: number; valueAtRisk: number }[];
  categories: string[];
}

const coverLabels = ['0', ...COVER_BUCKETS.slice(1).map((b, i) => `${COVER_BUCKETS[i]}–${b}`), `>${COVER_BUCKETS[COVER_BUCKETS.length - 1]}`, 'none'];
const ageLabels = [...AGE_BUCKETS.map((b, i) => `${i === 0 ? 0 : AGE_BUCKETS[i - 1]}–${b}`), `>${AGE_BUCKETS[AGE_BUCKETS.length - 1]}`, 'unknown'];

/** Adds up the cells a filter selects. `days` bounds the fill-rate series (the latest days). Pure. */
export function summarizeHealth(cells: readonly HealthCell[], filter: HealthFilter, locations: ReadonlyMap<string, Location>, days = 30): StockHealth {
  const totals = emptyVector();
  const fill = new Map<string, { demand: number; lost: number }>();
  const byLocation = new Map<string, StockHealth['byLocation'][number]>();
  const categories = new Set<string>();
  for (const cell of cells) {
    categories.add(cell.category);
    if (!cellMatches(cell, filter, locations)) continue;
    for (const k of VECTOR_KEYS) totals[k] = (totals[k] ?? 0) + (cell.vector[k] ?? 0);
    for (const [day, f] of Object.entries(cell.fill)) {
      const g = fill.get(day) ?? { demand: 0, lost: 0 };
      fill.set(day, { demand: g.demand + f.demand, lost: g.lost + f.lost });
    }
    const l = byLocation.get(cell.locationId) ?? { locationId: cell.locationId, positions: 0, atRisk: 0, outOfStock: 0, valueAtRisk: 0 };
    byLocation.set(cell.locationId, {
      ...l, positions: l.positions + cell.vector.positions, atRisk: l.atRisk + cell.vector.atRisk,
      outOfStock: l.outOfStock + cell.vector.outOfStock, valueAtRisk: money(l.valueAtRisk + cell.vector.valueAtRisk),
    });
  }
  for (const k of VECTOR_KEYS) totals[k] = k.startsWith('cover') || ['positions', 'atRisk', 'outOfStock', 'overstocked', 'deadStock'].includes(k) ? Math.round(totals[k]!) : money(totals[k]!);
  const stock = totals.stockValue;
  return {
    totals,
    turnover: stock > 0 ? Math.round((totals.cogsPerDay * 365 / stock) * 100) / 100 : null,
    deadStockShare: stock > 0 ? Math.round((totals.deadStockCapital / stock) * 1e4) / 1e4 : null,
    coverHistogram: coverLabels.map((bucket, i) => ({ bucket, positions: i < coverLabels.length - 1 ? totals[`cover${i}`]! : totals.coverNone })),
    ageing: ageLabels.map((bucket, i) => ({ bucket, value: i < ageLabels.length - 1 ? totals[`age${i}`]! : totals.ageUnknown })),
    fillRate: [...fill].filter(([, f]) => f.demand > 0).sort(([a], [b]) => a.localeCompare(b)).slice(-days)
      .map(([day, f]) => ({ day, rate: Math.round((1 - f.lost / f.demand) * 1e4) / 1e4 })),
    byLocation: [...byLocation.values()].sort((a, b) => b.atRisk + b.outOfStock - (a.atRisk + a.outOfStock) || a.locationId.localeCompare(b.locationId)),
    categories: [...categories].sort(),
  };
}
