// Day-by-day replay of demand through a replenishment policy: the engine and two classic baselines.
import type { RuleDefaults } from '../../config.js';
import { isoDay } from '../calendar.js';
import { evaluatePosition } from '../policy.js';
import type { PositionSnapshot } from '../snapshot.js';
import { normalQuantile } from '../stats.js';
import { computeMetrics, type BacktestMetrics, type DayRecord, type PositionTrace } from './metrics.js';
import { seededRandom, type Random } from '../../random.js';
import { oracleLevels, oraclePolicy } from './oracle.js';
import { DEMAND_PATTERNS, SUPPLIER_PROFILES, sampleLeadTime, type BacktestSeries, type Scenario } from './scenario.js';

export const POLICIES = ['engine', 'rolling-rop', 'static-minmax'] as const;
export type PolicyName = (typeof POLICIES)[number];

/** An open order in the simulation: when it was placed, when the supplier says, when it really arrives. */
export interface OpenOrder { qty: number; orderedAt: number; quotedEta: number; arrival: number }

/** What a policy sees at the end of a day. */
export interface PolicyView {
  series: BacktestSeries;
  /** Index of today in series.demand. */
  t: number;
  onHand: number;
  pipeline: readonly OpenOrder[];
  /** Realised sales per day index (entries after t are not yet known and ignored). */
  sales: number[];
  outOfStock: number[];
  /** The supplier's receipts so far across all its positions, oldest first (shared between positions: read only). */
  observedLeadTimes: number[];
}

export interface PolicyAnswer {
  orderQty: number;
  alerts: string[];
  shortageWarning: boolean;
  /** Days within which the warning claims a shortage (for the "if nobody acts" check). */
  warningWindowDays: number;
  /** The chance of running out the warning is judged on, when the policy has one (kept so thresholds can be swept). */
  riskProbability?: number;
}

export type Policy = (view: PolicyView) => PolicyAnswer;

const SHORTAGE_TYPES = new Set(['STOCKOUT_RISK', 'LOW_STOCK', 'SUPPLY_GAP']);
/** Baselines estimate demand from this many recent days. */
const BASELINE_WINDOW_DAYS = 90;
/** Days a warning's shortage may come after its lead-time window and still count as confirmed (none: the claim is "before an order today arrives"). */
const WARNING_GRACE_DAYS = 0;

const roundToPack = (qty: number, pack: number): number => Math.ceil(qty / pack - 1e-9) * pack;

/** The policy engine, fed the snapshot the hub would build. */
export function enginePolicy(rules: RuleDefaults): Policy {
  const eventsCache = new WeakMap<BacktestSeries, NonNullable<PositionSnapshot['plannedEvents']>>();
  return (v) => {
    const s = v.series;
    let events = eventsCache.get(s);
    if (!events) {
      events = s.events.map((e) => ({ start: isoDay(s.startDay + e.startIndex), end: isoDay(s.startDay + e.endIndex), uplift: e.uplift }));
      eventsCache.set(s, events);
    }
    const snapshot: PositionSnapshot = {
      asOf: isoDay(s.startDay + v.t),
      sku: s.sku,
      location: s.location,
      onHand: v.onHand,
      inbound: v.pipeline.map((o) => ({ qty: o.qty, eta: isoDay(s.startDay + o.quotedEta), orderedAt: isoDay(s.startDay + o.orderedAt), supplierId: s.supplier.id })),
      demand: { start: isoDay(s.startDay), daily: v.sales, outOfStock: v.outOfStock },
      plannedEvents: events,
      item: { unitCost: s.unitCost, unitPrice: s.unitPrice, packSize: s.packSize, moq: s.moq },
      supplier: { id: s.supplier.id, leadTimeDays: s.supplier.quotedLeadTimeDays, observedLeadTimes: v.observedLeadTimes },
    };
    const d = evaluatePosition(snapshot, rules);
    const alerts = d.alerts.map((a) => a.type);
    return {
      orderQty: d.replenish?.qty ?? 0,
      alerts,
      shortageWarning: alerts.some((a) => SHORTAGE_TYPES.has(a)),
      warningWindowDays: Math.ceil(d.leadTimeDays) + WARNING_GRACE_DAYS,
    };
  };
}

function recentStats(sales: readonly number[], t: number): { mean: number; sd: number } {
  const from = Math.max(0, t - BASELINE_WINDOW_DAYS + 1);
  let n = 0, sum = 0, sumSq = 0;
  for (let i = from; i <= t; i++) { const y = sales[i] as number; n++; sum += y; sumSq += y * y; }
  const mean = n > 0 ? sum / n : 0;
  return { mean, sd: n > 1 ? Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) : Math.sqrt(mean) };
}

/** Classic min/max baseline: order when the position is at or below the reorder point, up to the max; ERP-style low-stock alert when on hand < reorder point. */
function minMaxAnswer(v: PolicyView, reorderPoint: number, max: number): PolicyAnswer {
  let position = v.onHand;
  for (const o of v.pipeline) position += o.qty;
  const orderQty = position <= reorderPoint && max > position ? roundToPack(max - position, v.series.packSize) : 0;
  const low = v.onHand < reorderPoint;
  return { orderQty, alerts: low ? ['LOW_STOCK'] : [], shortageWarning: low, warningWindowDays: v.series.supplier.quotedLeadTimeDays + WARNING_GRACE_DAYS };
}

function minMaxLevels(mean: number, sd: number, leadTime: number, z: number, review: number): { reorderPoint: number; max: number } {
  const reorderPoint = mean * leadTime + z * sd * Math.sqrt(leadTime);
  return { reorderPoint, max: reorderPoint + mean * review };
}

/** Rolling reorder point: recomputed daily from the last 90 days of sales, z-score safety stock on demand variance only, quoted lead time. */
export function rollingPolicy(rules: RuleDefaults, safetyFactor = 1): Policy {
  const z = normalQuantile(rules.serviceLevel) * safetyFactor;
  return (v) => {
    const { mean, sd } = recentStats(v.sales, v.t);
    const { reorderPoint, max } = minMaxLevels(mean, sd, v.series.supplier.quotedLeadTimeDays, z, rules.reviewPeriodDays);
    return minMaxAnswer(v, reorderPoint, max);
  };
}

/** Static min/max: set once from the warm-up history (as ERPs do) and never revised. */
export function staticPolicy(rules: RuleDefaults, safetyFactor = 1): Policy {
  const z = normalQuantile(rules.serviceLevel) * safetyFactor;
  const levels = new WeakMap<BacktestSeries, { reorderPoint: number; max: number }>();
  return (v) => {
    let l = levels.get(v.series);
    if (!l) {
      const { mean, sd } = recentStats(v.sales, v.series.simStart - 1);
      l = minMaxLevels(mean, sd, v.series.supplier.quotedLeadTimeDays, z, rules.reviewPeriodDays);
      levels.set(v.series, l);
    }
    return minMaxAnswer(v, l.reorderPoint, l.max);
  };
}

/** One position being replayed: its stock, what is on order and what happened each simulated day. */
interface Replay {
  series: BacktestSeries;
  rng: Random;
  /** Index of the last simulated day + 1. */
  total: number;
  sales: number[];
  outOfStock: number[];
  onHand: number;
  pipeline: OpenOrder[];
  /** The supplier's receipts so far, pooled with every position it supplies (shared, oldest first). */
  receipts: number[];
  days: DayRecord[];
}

function startReplay(series: BacktestSeries, rng: Random, simDays: number, receipts: number[]): Replay {
  const total = series.simStart + simDays;
  const sales = new Array<number>(total).fill(0);
  for (let i = 0; i < series.simStart; i++) sales[i] = series.demand[i] as number;
  let recent = 0;
  for (let i = Math.max(0, series.simStart - 28); i < series.simStart; i++) recent += series.demand[i] as number;
  const span = Math.min(28, series.simStart);
  const onHand = Math.round((recent / Math.max(1, span)) * (series.supplier.quotedLeadTimeDays + 7));
  return { series, rng, total, sales, outOfStock: [], onHand, pipeline: [], receipts, days: [] };
}

/** Morning of day t: what arrives is received (its lead time joins the supplier's receipts), then demand is served. */
function receiveAndSell(r: Replay, t: number): void {
  if (r.pipeline.length > 0) {
    const still: OpenOrder[] = [];
    for (const o of r.pipeline) {
      if (o.arrival <= t) {
        r.onHand += o.qty;
        r.receipts.push(o.arrival - o.orderedAt);
      } else still.push(o);
    }
    r.pipeline = still;
  }
  const demand = r.series.demand[t] as number;
  const sold = Math.min(demand, Math.max(0, r.onHand));
  r.onHand -= sold;
  r.sales[t] = sold;
  if (r.onHand <= 0) r.outOfStock.push(t);
}

/** End of day t: the policy decides; an order gets its real lead time from the position's own stream. */
function decide(r: Replay, t: number, policy: Policy): void {
  const { series, onHand, pipeline } = r;
  const answer = policy({ series, t, onHand, pipeline, sales: r.sales, outOfStock: r.outOfStock, observedLeadTimes: r.receipts });
  const record: DayRecord = { demand: series.demand[t] as number, sales: r.sales[t] as number, onHand, ordered: answer.orderQty > 0, alerts: answer.alerts, shortageWarning: answer.shortageWarning };
  const prev = r.days[r.days.length - 1];
  const risk = answer.riskProbability;
  if (risk !== undefined) record.risk = risk;
  if ((answer.shortageWarning && !prev?.shortageWarning) || (risk !== undefined && risk > 0)) record.shortageIfIgnored = shortageIfIgnored(series, t, onHand, pipeline, answer.warningWindowDays, r.total);
  r.days.push(record);
  if (answer.orderQty > 0) {
    const lead = sampleLeadTime(r.rng, series.supplier);
    record.leadTimeDays = lead;
    r.pipeline.push({ qty: answer.orderQty, orderedAt: t, quotedEta: t + series.supplier.quotedLeadTimeDays, arrival: t + lead });
  }
}

/**
 * Replays positions through a policy day by day in step, as the hub sees them: a supplier's receipts are pooled across
 * every position it supplies (all of them, oldest first, like the hub's supplier scorecard), and each day's receipts
 * are in before any position decides. Each position keeps its own lead-time stream (rngs[i]), so what a position's
 * orders take does not depend on the others and the run is deterministic.
 */
export function simulatePositions(series: readonly BacktestSeries[], policy: Policy, rngs: readonly Random[], simDays: number): PositionTrace[] {
  const pools = new Map<string, number[]>();
  for (const s of series) {
    const pool = pools.get(s.supplier.id);
    if (pool) pool.push(...s.pastLeadTimes); else pools.set(s.supplier.id, s.pastLeadTimes.slice());
  }
  const replays = series.map((s, i) => startReplay(s, rngs[i] as Random, simDays, pools.get(s.supplier.id) as number[]));
  // Calendar days: CSV positions may end on different days; generated ones all start simulating on the same day.
  let first = Infinity, last = -Infinity;
  for (const s of series) { first = Math.min(first, s.startDay + s.simStart); last = Math.max(last, s.startDay + s.simStart + simDays - 1); }
  for (let day = first; day <= last; day++) {
    for (const r of replays) { const t = day - r.series.startDay; if (t >= r.series.simStart && t < r.total) receiveAndSell(r, t); }
    for (const r of replays) { const t = day - r.series.startDay; if (t >= r.series.simStart && t < r.total) decide(r, t, policy); }
  }
  return replays.map((r) => ({ pattern: r.series.pattern, unitCost: r.series.unitCost, days: r.days }));
}

/** Counterfactual: no new order from day t on, only what is already on the way; does demand go unmet within the window? */
function shortageIfIgnored(series: BacktestSeries, t: number, onHand: number, pipeline: readonly OpenOrder[], window: number, total: number): boolean {
  let stock = onHand;
  for (let k = t + 1; k <= Math.min(total - 1, t + window); k++) {
    for (const o of pipeline) if (o.arrival === k) stock += o.qty;
    stock -= series.demand[k] as number;
    if (stock < 0) return true;
  }
  return false;
}

/** Metrics of each policy; the oracle's only where the scenario's demand process is known (generated scenarios). */
export type PolicyMetrics = Record<PolicyName, BacktestMetrics> & { oracle?: BacktestMetrics };

export interface BacktestReport {
  seed: number;
  positions: number;
  simDays: number;
  byPattern: { pattern: string; metrics: PolicyMetrics }[];
  /** The same figures by supplier profile: where lead times run long or vary, quoted-lead-time baselines run short. */
  bySupplierProfile: { profile: string; metrics: PolicyMetrics }[];
  overall: PolicyMetrics;
}

/** Replays every series of a scenario through one policy, in step; lead-time draws are seeded per series, the same for every policy. */
export function simulateScenario(scenario: Scenario, policy: Policy): PositionTrace[] {
  return simulatePositions(scenario.series, policy, scenario.series.map((_, i) => seededRandom(scenario.seed * 7919 + i)), scenario.simDays);
}

/** Groups traces (each with its series) by demand pattern and by supplier profile, in the generator's order. */
export function groupTraces<T>(series: readonly BacktestSeries[], metricsOf: (filter: (s: BacktestSeries) => boolean) => T): { byPattern: { pattern: string; metrics: T }[]; bySupplierProfile: { profile: string; metrics: T }[]; overall: T } {
  const seen = new Set(series.map((s) => s.pattern));
  const patterns = [...DEMAND_PATTERNS.filter((p) => seen.has(p)), ...[...seen].filter((p) => !(DEMAND_PATTERNS as readonly string[]).includes(p))];
  return {
    byPattern: patterns.map((pattern) => ({ pattern, metrics: metricsOf((s) => s.pattern === pattern) })),
    bySupplierProfile: SUPPLIER_PROFILES.filter((p) => series.some((s) => s.supplier.profile === p))
      .map((profile) => ({ profile, metrics: metricsOf((s) => s.supplier.profile === profile) })),
    overall: metricsOf(() => true),
  };
}

export interface BacktestOptions {
  /** Run the distribution oracle too (default: when every series' demand process is known). */
  oracle?: boolean;
}

/**
 * Runs every series through the engine and both baselines with the same demand, and the distribution oracle at the
 * rules' service level as its quantile and their stockout-risk threshold for its alerts.
 */
export function runBacktest(scenario: Scenario, rules: RuleDefaults, options: BacktestOptions = {}): BacktestReport {
  const withOracle = options.oracle ?? scenario.series.every((s) => s.truth !== undefined);
  const traces = new Map<string, PositionTrace[]>([
    ['engine', simulateScenario(scenario, enginePolicy(rules))],
    ['rolling-rop', simulateScenario(scenario, rollingPolicy(rules))],
    ['static-minmax', simulateScenario(scenario, staticPolicy(rules))],
  ]);
  if (withOracle) {
    const levels = oracleLevels(scenario, [rules.serviceLevel], rules.reviewPeriodDays);
    traces.set('oracle', simulateScenario(scenario, oraclePolicy(levels, { quantile: 0, riskThreshold: rules.stockoutRiskProbability })));
  }
  const metricsOf = (filter: (s: BacktestSeries) => boolean): PolicyMetrics => {
    const out: Record<string, BacktestMetrics> = {};
    for (const [name, list] of traces) out[name] = computeMetrics(list.filter((_, i) => filter(scenario.series[i] as BacktestSeries)));
    return out as PolicyMetrics;
  };
  return { seed: scenario.seed, positions: scenario.series.length, simDays: scenario.simDays, ...groupTraces(scenario.series, metricsOf) };
}

export interface MatchedBaseline {
  /** Multiplier on the rolling baseline's z that reaches the engine's overall fill rate (or the largest tried). */
  safetyFactor: number;
  reached: boolean;
  metrics: BacktestMetrics;
}

const MATCH_MAX_FACTOR = 16;
const MATCH_STEPS = 7;

/**
 * Equal-service comparison: raises the rolling baseline's safety stock (bisection on a z multiplier) until its overall
 * fill rate reaches `targetFillRate`, and reports what inventory that takes.
 */
export function matchRollingBaseline(scenario: Scenario, rules: RuleDefaults, targetFillRate: number): MatchedBaseline {
  const run = (factor: number): BacktestMetrics => computeMetrics(simulateScenario(scenario, rollingPolicy(rules, factor)));
  let high = run(MATCH_MAX_FACTOR);
  if (high.fillRate < targetFillRate) return { safetyFactor: MATCH_MAX_FACTOR, reached: false, metrics: high };
  let lo = 1, hi = MATCH_MAX_FACTOR;
  for (let step = 0; step < MATCH_STEPS; step++) {
    const mid = (lo + hi) / 2;
    const m = run(mid);
    if (m.fillRate >= targetFillRate) { hi = mid; high = m; } else lo = mid;
  }
  return { safetyFactor: hi, reached: true, metrics: high };
}
