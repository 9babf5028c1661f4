// The distribution oracle: the engine's reorder-point / order-up-to structure run with the scenario's true demand process
// and true lead-time distributions instead of forecasts. No forecasting policy can beat it on average: it is the ceiling.
import type { Random } from '../../random.js';
import { seededRandom } from '../../random.js';
import { sampleLeadTime, TRUTH_TAIL_DAYS, type BacktestSeries, type DemandTruth, type Scenario } from './scenario.js';
import type { OpenOrder, Policy, PolicyAnswer } from './simulate.js';

/** Monte-Carlo draws of demand over the protection window, per day and position. */
export const ORACLE_SAMPLES = 2000;
/** Monte-Carlo paths for the stockout probability behind the oracle's alerts. */
export const ORACLE_RISK_PATHS = 400;
/** Days of true mean demand that identify a window (for reusing draws when the process repeats, e.g. steady demand). */
const WINDOW_KEY_DAYS = 64;
/** Draws from a supplier profile that make the oracle's table of its lead-time distribution. */
const LEAD_TIME_TABLE_DRAWS = 50_000;

/** A supplier's lead-time distribution as a table (cdf[l] = P(L ≤ l)), drawn once from its true profile. */
class LeadTimeTable {
  readonly cdf: Float64Array;
  readonly mean: number;
  constructor(rng: Random, supplier: BacktestSeries['supplier']) {
    const counts: number[] = [];
    let sum = 0;
    for (let k = 0; k < LEAD_TIME_TABLE_DRAWS; k++) { const l = sampleLeadTime(rng, supplier); counts[l] = (counts[l] ?? 0) + 1; sum += l; }
    this.cdf = new Float64Array(counts.length);
    let acc = 0;
    for (let l = 0; l < counts.length; l++) { acc += counts[l] ?? 0; this.cdf[l] = acc / LEAD_TIME_TABLE_DRAWS; }
    this.mean = sum / LEAD_TIME_TABLE_DRAWS;
  }

  /** The lead time at cumulative probability u. */
  at(u: number): number {
    const cdf = this.cdf;
    let l = 0;
    while (l < cdf.length - 1 && (cdf[l] as number) <= u) l++;
    return l;
  }

  draw(rng: Random): number { return this.at(rng.next()); }

  /** A lead time given that it is longer than `elapsed` days. */
  drawLongerThan(rng: Random, elapsed: number): number {
    const below = elapsed < this.cdf.length ? (this.cdf[elapsed] as number) : 1;
    return below >= 1 ? elapsed + 1 : this.at(below + rng.next() * (1 - below));
  }
}

/** One position's oracle levels for every day of the simulated period, at each quantile asked for. */
export interface OracleSeriesLevels {
  /** reorderPoint[q][t − simStart]: the q-th quantile of demand over the protection window starting after day t. */
  reorderPoint: Float64Array[];
  /** Mean demand over the review period after the mean lead time, per simulated day: order-up-to = reorder point + this. */
  reviewDemand: Float64Array;
  meanLeadTime: number;
  leadTimes: LeadTimeTable;
  /** A lead time longer than this is rarer than NEGLIGIBLE_RISK. */
  longLeadTime: number;
  /** Prefix sums of the true mean demand (meanPrefix[d] = sum of the means of days 0 … d−1). */
  meanPrefix: Float64Array;
}

export interface OracleLevels {
  quantiles: readonly number[];
  series: Map<BacktestSeries, OracleSeriesLevels>;
  seed: number;
}

/** The oracle's own random streams: never the scenario's or the simulation's, so neither changes when it runs. */
const oracleStream = (seed: number, index: number, purpose: number): Random => seededRandom((((seed ^ 0x5bd1e995) >>> 0) * 31 + index * 4 + purpose) >>> 0);

/**
 * Demand over days from+1 … from+n drawn from the true process in one go: a sum of Poisson days is Poisson with the
 * summed mean; intermittent demand is a binomial count of demand days, each 1 + Poisson(size − 1).
 */
function drawWindow(rng: Random, truth: DemandTruth, prefix: Float64Array, from: number, n: number): number {
  const i = truth.intermittent;
  if (i) {
    let days = 0;
    for (let k = 0; k < n; k++) if (rng.next() < i.probability) days++;
    return days + rng.poisson(days * (i.size - 1));
  }
  return rng.poisson((prefix[from + n + 1] as number) - (prefix[from + 1] as number));
}

/**
 * Reorder points by Monte-Carlo from the true distributions: demand over the days an order placed at the end of day t
 * must be covered for — its lead time L drawn from the supplier's true profile, the days t+1 … t+L (it lands before day
 * t+L's sales; the lead time plus the one review day until the next order could be placed) — and its quantiles.
 */
export function oracleLevels(scenario: Scenario, quantiles: readonly number[], reviewPeriodDays: number, samples = ORACLE_SAMPLES): OracleLevels {
  const series = new Map<BacktestSeries, OracleSeriesLevels>();
  const draws = new Int32Array(samples);
  scenario.series.forEach((s, index) => {
    const truth = s.truth;
    if (!truth) throw new Error(`${s.sku}@${s.location} has no known demand process: the oracle runs on generated scenarios only`);
    const rng = oracleStream(scenario.seed, index, 0);
    const mean = truth.mean;
    const prefix = new Float64Array(mean.length + 1);
    for (let d = 0; d < mean.length; d++) prefix[d + 1] = (prefix[d] as number) + (mean[d] as number);
    const limit = mean.length - 1;
    const leadTimes = new LeadTimeTable(rng, s.supplier);
    const meanLeadTime = leadTimes.mean;
    const longLeadTime = leadTimes.at(1 - NEGLIGIBLE_RISK);
    const days = s.demand.length - s.simStart;
    const reorderPoint = quantiles.map(() => new Float64Array(days));
    const reviewDemand = new Float64Array(days);
    const cache = new Map<string, number[]>();
    const lbar = Math.round(meanLeadTime);
    for (let d = 0; d < days; d++) {
      const t = s.simStart + d;
      reviewDemand[d] = (prefix[Math.min(limit, t + lbar + reviewPeriodDays) + 1] as number) - (prefix[Math.min(limit, t + lbar) + 1] as number);
      let a = 0, b = 0, c = 0;
      for (let k = 1; k <= WINDOW_KEY_DAYS; k++) { const m = mean[Math.min(limit, t + k)] as number; a += m; b += m * k; c += m * k * k; }
      const key = `${a},${b},${c}`;
      let levels = cache.get(key);
      if (!levels) {
        for (let k = 0; k < samples; k++) {
          const l = Math.min(leadTimes.draw(rng), TRUTH_TAIL_DAYS - 1);
          draws[k] = drawWindow(rng, truth, prefix, t, l);
        }
        draws.sort();
        levels = quantiles.map((q) => draws[Math.min(samples - 1, Math.max(0, Math.ceil(q * samples) - 1))] as number);
        cache.set(key, levels);
      }
      for (let q = 0; q < quantiles.length; q++) (reorderPoint[q] as Float64Array)[d] = levels[q] as number;
    }
    series.set(s, { reorderPoint, reviewDemand, meanLeadTime, leadTimes, longLeadTime, meanPrefix: prefix });
  });
  return { quantiles, series, seed: scenario.seed };
}

export interface OraclePolicyOptions {
  /** Index into levels.quantiles of the reorder point to use. */
  quantile: number;
  /** Compute the stockout probability every day (for its alerts); a warning at or above this probability. */
  riskThreshold?: number;
  riskPaths?: number;
}

const roundToPack = (qty: number, pack: number): number => Math.ceil(qty / pack - 1e-9) * pack;

/**
 * The oracle as a backtest policy: order up to reorder point + review-period demand when the inventory position is at
 * or below the reorder point (like the engine); alerts from the true chance of running out before the next arrival,
 * counting an order placed today.
 */
export function oraclePolicy(levels: OracleLevels, options: OraclePolicyOptions): Policy {
  const streams = new Map<BacktestSeries, Random>();
  let index = 0;
  for (const s of levels.series.keys()) streams.set(s, oracleStream(levels.seed, index++, 1));
  return (v): PolicyAnswer => {
    const s = v.series;
    const l = levels.series.get(s);
    if (!l) throw new Error(`no oracle levels for ${s.sku}@${s.location}`);
    const d = v.t - s.simStart;
    const reorderPoint = (l.reorderPoint[options.quantile] as Float64Array)[d] as number;
    let position = v.onHand;
    for (const o of v.pipeline) position += o.qty;
    let orderQty = 0;
    if (position <= reorderPoint) {
      const upTo = reorderPoint + (l.reviewDemand[d] as number);
      if (upTo > position) orderQty = Math.max(roundToPack(upTo - position, s.packSize), roundToPack(s.moq, s.packSize));
    }
    const window = Math.ceil(l.meanLeadTime);
    if (options.riskThreshold === undefined) return { orderQty, alerts: v.onHand <= 0 ? ['STOCKOUT'] : [], shortageWarning: false, warningWindowDays: window };
    const riskProbability = v.onHand <= 0 ? 0 : stockoutProbability(v.series, l, v.t, v.onHand, v.pipeline, streams.get(s) as Random, options.riskPaths ?? ORACLE_RISK_PATHS);
    const warning = riskProbability >= options.riskThreshold && riskProbability > 0;
    return { orderQty, alerts: v.onHand <= 0 ? ['STOCKOUT'] : warning ? ['STOCKOUT_RISK'] : [], shortageWarning: warning, warningWindowDays: window, riskProbability };
  };
}

/** Standard deviations of demand beyond which on-hand stock cannot run out before an order lands. */
const RISK_MARGIN_SD = 6;
/** Stockout chances below this are not worth a Monte-Carlo estimate (far under any warning threshold). */
const NEGLIGIBLE_RISK = 0.002;

/**
 * The true chance of running out before the next arrival, by Monte-Carlo: the first of what is on order (each given how
 * long it has been out) and an order placed today (placed or not: it is what can still be done about it).
 */
function stockoutProbability(s: BacktestSeries, l: OracleSeriesLevels, t: number, onHand: number, pipeline: readonly OpenOrder[], rng: Random, paths: number): number {
  const truth = s.truth as DemandTruth;
  const prefix = l.meanPrefix;
  const last = prefix.length - 2;
  // Far more on hand than demand until an order placed today lands (at its lead time's 1 − NEGLIGIBLE_RISK quantile) can take: no risk.
  const until = Math.min(last - t, l.longLeadTime);
  const mean = (prefix[t + until] as number) - (prefix[t + 1] as number);
  const sd = Math.sqrt(mean * (truth.intermittent ? 1 + truth.intermittent.size : 1));
  if (onHand > mean + RISK_MARGIN_SD * sd + 1) return 0;
  let short = 0;
  for (let p = 0; p < paths; p++) {
    let next = Math.min(last - t, l.leadTimes.draw(rng));
    for (const o of pipeline) next = Math.min(next, o.orderedAt + l.leadTimes.drawLongerThan(rng, t - o.orderedAt) - t);
    // Arrivals land before the day's sales: demand of the days before the next arrival against what is on hand.
    if (next > 1 && drawWindow(rng, truth, prefix, t, next - 1) > onHand) short++;
  }
  return short / paths;
}
