// Frontiers: each policy swept over its safety parameter, and inventory compared at matched fill — the engine's own fill,
// read off every other policy's curve — overall, per demand pattern and per supplier profile, pooled over seeds.
import type { RuleDefaults } from '../../config.js';
import { normalCdf, normalQuantile } from '../stats.js';
import { atRiskThreshold, computeMetrics, type BacktestMetrics, type PositionTrace } from './metrics.js';
import { oracleLevels, oraclePolicy, type OracleLevels } from './oracle.js';
import { generateScenario, type BacktestSeries, type Scenario } from './scenario.js';
import { enginePolicy, groupTraces, rollingPolicy, simulateScenario, staticPolicy, type Policy } from './simulate.js';

export const FRONTIER_CURVES = ['engine', 'oracle', 'rolling-rop', 'static-minmax'] as const;
export type FrontierCurve = (typeof FRONTIER_CURVES)[number];

export interface FrontierOptions {
  seeds: readonly number[];
  positionsPerPattern: number;
  simDays: number;
  /** The engine's service levels (its own, rules.serviceLevel, is added). */
  engineServiceLevels: readonly number[];
  /** The oracle's reorder-point quantiles. */
  oracleQuantiles: readonly number[];
  /** Multipliers on the baselines' z (from rules.serviceLevel). */
  baselineFactors: readonly number[];
  /** Thresholds on the oracle's stockout chance for its alert sweep. */
  riskThresholds: readonly number[];
}

export const FRONTIER_DEFAULTS: Omit<FrontierOptions, 'seeds' | 'positionsPerPattern' | 'simDays'> = {
  engineServiceLevels: [0.8, 0.9, 0.975, 0.99],
  oracleQuantiles: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99],
  baselineFactors: [1, 2, 3, 4, 6, 8, 11, 16],
  riskThresholds: [0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8],
};

/** One run of a policy at one setting, pooled over the seeds. */
export interface CurvePoint { parameter: number; fill: number; inventory: number }

export interface FrontierGroup {
  group: string;
  curves: Record<FrontierCurve, CurvePoint[]>;
  /** The engine at its own service level. */
  engine: CurvePoint;
  /** Each curve's inventory at the engine's fill (interpolated), or null when its sweep does not reach that fill. */
  atEngineFill: Record<Exclude<FrontierCurve, 'engine'>, number | null>;
}

export interface AlertSweepRow { threshold: number; metrics: BacktestMetrics }

export interface FrontierReport {
  seeds: readonly number[];
  positions: number;
  simDays: number;
  serviceLevel: number;
  overall: FrontierGroup;
  byPattern: FrontierGroup[];
  bySupplierProfile: FrontierGroup[];
  /** Alert quality on the same footing: the engine at its own settings, the oracle at the quantile of the engine's fill. */
  alerts: { engine: BacktestMetrics; engineThreshold: number; oracleQuantile: number; oracle: AlertSweepRow[] };
}

const probit = (fill: number): number => normalQuantile(Math.min(Math.max(fill, 1e-9), 1 - 1e-9));

/**
 * A value read off a curve at `fill`: linear between the two points around it with fill on a probit scale (inventory is
 * close to linear in z there), or null outside the swept range.
 */
export function atFill(points: readonly CurvePoint[], fill: number, value: (p: CurvePoint) => number = (p) => p.inventory): number | null {
  const sorted = points.slice().sort((a, b) => a.fill - b.fill);
  const x = probit(fill);
  for (let i = 0; i < sorted.length; i++) {
    const b = sorted[i] as CurvePoint;
    if (b.fill === fill) return value(b);
    if (i === 0 || b.fill < fill) continue;
    const a = sorted[i - 1] as CurvePoint;
    if (a.fill > fill) return null;
    const xa = probit(a.fill), xb = probit(b.fill);
    const w = xb > xa ? (x - xa) / (xb - xa) : 0;
    return value(a) + w * (value(b) - value(a));
  }
  return null;
}

interface Run { scenarios: Scenario[] }

/** Traces of every seed's scenario through a policy made per scenario; series and traces in the same order. */
function pooled(run: Run, policyFor: (scenario: Scenario) => Policy): { series: BacktestSeries[]; traces: PositionTrace[] } {
  const series: BacktestSeries[] = [];
  const traces: PositionTrace[] = [];
  for (const scenario of run.scenarios) {
    series.push(...scenario.series);
    traces.push(...simulateScenario(scenario, policyFor(scenario)));
  }
  return { series, traces };
}

type GroupMetrics = ReturnType<typeof groupTraces<BacktestMetrics>>;

function groupMetrics(series: readonly BacktestSeries[], traces: readonly PositionTrace[]): GroupMetrics {
  return groupTraces(series, (filter) => computeMetrics(traces.filter((_, i) => filter(series[i] as BacktestSeries))));
}

/** Sweeps the engine, the oracle and both baselines over the seeds and compares inventory at the engine's fill. */
export function runFrontier(rules: RuleDefaults, options: FrontierOptions): FrontierReport {
  const scenarios = options.seeds.map((seed) => generateScenario({ seed, positionsPerPattern: options.positionsPerPattern, simDays: options.simDays }));
  const run: Run = { scenarios };
  const levels = new Map<Scenario, OracleLevels>(scenarios.map((s) => [s, oracleLevels(s, options.oracleQuantiles, rules.reviewPeriodDays)]));
  const serviceLevels = [...new Set([...options.engineServiceLevels, rules.serviceLevel])].sort((a, b) => a - b);
  const sweeps: { curve: FrontierCurve; parameter: number; policyFor: (s: Scenario) => Policy }[] = [
    ...serviceLevels.map((serviceLevel) => ({ curve: 'engine' as const, parameter: serviceLevel, policyFor: () => enginePolicy({ ...rules, serviceLevel }) })),
    ...options.oracleQuantiles.map((q, i) => ({ curve: 'oracle' as const, parameter: q, policyFor: (s: Scenario) => oraclePolicy(levels.get(s) as OracleLevels, { quantile: i }) })),
    ...options.baselineFactors.map((f) => ({ curve: 'rolling-rop' as const, parameter: f, policyFor: () => rollingPolicy(rules, f) })),
    ...options.baselineFactors.map((f) => ({ curve: 'static-minmax' as const, parameter: f, policyFor: () => staticPolicy(rules, f) })),
  ];
  let engineOwn: GroupMetrics | undefined;
  const results: { curve: FrontierCurve; parameter: number; metrics: GroupMetrics }[] = [];
  for (const sweep of sweeps) {
    const p = pooled(run, sweep.policyFor);
    const metrics = groupMetrics(p.series, p.traces);
    results.push({ curve: sweep.curve, parameter: sweep.parameter, metrics });
    if (sweep.curve === 'engine' && sweep.parameter === rules.serviceLevel) engineOwn = metrics;
  }
  const own = engineOwn as GroupMetrics;

  const group = (name: string, pick: (m: GroupMetrics) => BacktestMetrics): FrontierGroup => {
    const curves = Object.fromEntries(FRONTIER_CURVES.map((c) => [c, results.filter((r) => r.curve === c)
      .map((r) => ({ parameter: r.parameter, fill: pick(r.metrics).fillRate, inventory: pick(r.metrics).avgInventoryValue }))])) as Record<FrontierCurve, CurvePoint[]>;
    const e = pick(own);
    const engine = { parameter: rules.serviceLevel, fill: e.fillRate, inventory: e.avgInventoryValue };
    return {
      group: name, curves, engine,
      atEngineFill: { oracle: atFill(curves.oracle, engine.fill), 'rolling-rop': atFill(curves['rolling-rop'], engine.fill), 'static-minmax': atFill(curves['static-minmax'], engine.fill) },
    };
  };
  const overall = group('overall', (m) => m.overall);
  const byPattern = own.byPattern.map((p, i) => group(p.pattern, (m) => (m.byPattern[i] as GroupMetrics['byPattern'][number]).metrics));
  const bySupplierProfile = own.bySupplierProfile.map((p, i) => group(p.profile, (m) => (m.bySupplierProfile[i] as GroupMetrics['bySupplierProfile'][number]).metrics));

  // The oracle's alerts at the quantile that gives the engine's fill, over the threshold sweep.
  const qAt = atFill(overall.curves.oracle, overall.engine.fill, (p) => probit(p.parameter));
  const oracleQuantile = qAt === null ? rules.serviceLevel : normalCdf(qAt);
  const alertLevels = new Map<Scenario, OracleLevels>(scenarios.map((s) => [s, oracleLevels(s, [oracleQuantile], rules.reviewPeriodDays)]));
  const alertRun = pooled(run, (s) => oraclePolicy(alertLevels.get(s) as OracleLevels, { quantile: 0, riskThreshold: rules.stockoutRiskProbability }));
  const oracle = options.riskThresholds.map((threshold) => ({ threshold, metrics: computeMetrics(alertRun.traces.map((t) => atRiskThreshold(t, threshold))) }));
  return {
    seeds: options.seeds, positions: scenarios.reduce((n, s) => n + s.series.length, 0), simDays: options.simDays, serviceLevel: rules.serviceLevel,
    overall, byPattern, bySupplierProfile,
    alerts: { engine: own.overall, engineThreshold: rules.stockoutRiskProbability, oracleQuantile, oracle },
  };
}
