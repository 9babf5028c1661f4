// Demand estimation: picks a model from the shape of the history and fills a day-by-day forecast.
import type { PositionSnapshot } from './snapshot.js';
import { dayNumber, weekday } from './calendar.js';
import * as tuning from './constants.js';

// Module-local copies: hot loops must not go through live import bindings (slow under some loaders).
const {
  INTERMITTENT_ZERO_SHARE, NEW_ITEM_MIN_DAYS, NEW_ITEM_VARIANCE_INFLATION, PRIOR_WEIGHT_DAYS, REGIME_SHIFT_MIN_CHANGE,
  REGIME_SHIFT_Z, REGIME_WINDOW_DAYS, SES_ALPHA, SHAPE_WINDOW_DAYS, TREND_DAMPING, TREND_MIN_CHANGE, TREND_MIN_T,
  TSB_ALPHA, WEEKLY_MIN_ERROR_REDUCTION, YEARLY_LEVEL_DAYS, YEARLY_MIN_BLOCK_CV, YEARLY_MIN_DAYS,
} = tuning;
const weekdayOf = weekday;
const dayOf = dayNumber;

export type DemandModel = 'no-history' | 'new-item' | 'smooth' | 'weekly' | 'trend' | 'regime-shift' | 'yearly' | 'intermittent';

export interface DemandEstimate {
  model: DemandModel;
  /** Deseasonalised daily demand level today. */
  level: number;
  /** Daily trend (damped in the forecast); 0 unless model is 'trend'. */
  trendPerDay: number;
  /** Day-of-week multipliers (Monday first) when a weekly profile is in use. */
  weeklyFactors: number[] | null;
  /** Standard deviation of one day's demand around the forecast. */
  sdDaily: number;
  /** For intermittent demand: chance of a demand day and mean size (and mean squared size) of a demand. */
  demandProbability: number;
  demandSize: number;
  demandSizeSq: number;
  /** History days used and how many of them were left out (out of stock or planned events). */
  historyDaysUsed: number;
  censoredDays: number;
  /** Days since the last day with any demand, or null if there was none in the history. */
  daysSinceLastDemand: number | null;
  /** Days of history up to asOf (all of it, not only the forecast window). */
  historyDaysAvailable: number;
  /** Days in the forecast window lifted by planned events. */
  eventDays: number;
  /** Mean daily demand over the shape window (valid days): a steadier yardstick than a decaying intermittent forecast. */
  longRunDaily: number;
}

// Scratch buffers reused across calls: evaluatePosition runs ~10^5 times a second and must not allocate per day.
let mask = new Uint8Array(1024);
let prefix = new Float64Array(1024);
let validCount = new Float64Array(1024);
const dowSum = new Float64Array(7);
const dowCount = new Float64Array(7);
const factors = new Float64Array(7);

const EXCLUDED_OUT_OF_STOCK = 1;
const EXCLUDED_EVENT = 2;

/**
 * Estimates demand and writes the expected demand of day asOf+k into forecast[k] for k = 1..days.
 * `forecast` must hold at least days+1 entries.
 */
export function estimateDemand(s: PositionSnapshot, historyDays: number, asOfDay: number, forecast: Float64Array, days: number): DemandEstimate {
  const daily = s.demand.daily;
  const startDay = dayOf(s.demand.start);
  const b0 = weekdayOf(startDay);
  const end = Math.max(0, Math.min(daily.length, asOfDay - startDay + 1));
  const w0 = Math.max(0, end - historyDays);
  if (mask.length < end) mask = new Uint8Array(end * 2);
  mask.fill(0, 0, end);

  let censored = 0;
  const oos = s.demand.outOfStock;
  // Masked back to a year plus the level window (the yearly model looks that far); counted only inside the history window.
  const m0 = Math.max(0, Math.min(w0, end - 365 - YEARLY_LEVEL_DAYS));
  if (oos) for (const i of oos) if (i >= m0 && i < end && mask[i] === 0) { mask[i] = EXCLUDED_OUT_OF_STOCK; if (i >= w0) censored++; }

  // Planned events: past event days are left out of the estimate, future ones lift the forecast.
  const events = s.plannedEvents;
  if (events) {
    for (const e of events) {
      const a = Math.max(m0, dayOf(e.start) - startDay);
      const b = Math.min(end - 1, dayOf(e.end) - startDay);
      for (let i = a; i <= b; i++) if (mask[i] === 0) { mask[i] = EXCLUDED_EVENT; if (i >= w0) censored++; }
    }
  }

  let daysSinceLastDemand: number | null = null;
  for (let i = end - 1; i >= 0; i--) if ((daily[i] as number) > 0) { daysSinceLastDemand = end - 1 - i; break; }

  let valid = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = w0; i < end; i++) {
    if (mask[i] !== 0) continue;
    const y = daily[i] as number;
    valid++; sum += y; sumSq += y * y;
  }

  const est: DemandEstimate = {
    model: 'smooth', level: 0, trendPerDay: 0, weeklyFactors: null, sdDaily: 0,
    demandProbability: 0, demandSize: 0, demandSizeSq: 0,
    historyDaysUsed: end - w0, historyDaysAvailable: end, censoredDays: censored, daysSinceLastDemand, eventDays: 0, longRunDaily: valid > 0 ? sum / valid : 0,
  };

  const prior = s.demandPrior;
  if (valid < NEW_ITEM_MIN_DAYS) {
    const mean = valid > 0 ? sum / valid : 0;
    const variance = valid > 1 ? Math.max(0, (sumSq - (sum * sum) / valid) / (valid - 1)) : mean;
    let level = mean;
    let sdPrior = 0;
    if (prior) {
      // Blend with the category prior, but never below what the item itself has shown: a stockout costs more than a spare unit.
      level = Math.max(mean, (valid * mean + PRIOR_WEIGHT_DAYS * prior.forecastDaily) / (valid + PRIOR_WEIGHT_DAYS));
      sdPrior = prior.sdDaily ?? Math.sqrt(prior.forecastDaily);
    }
    est.model = valid === 0 && !prior ? 'no-history' : 'new-item';
    est.level = level;
    est.sdDaily = Math.sqrt(NEW_ITEM_VARIANCE_INFLATION * Math.max(variance, level, sdPrior * sdPrior));
    fillForecast(est, s, asOfDay, forecast, days, end);
    return est;
  }

  // Shape window: the last SHAPE_WINDOW_DAYS (valid days only).
  const s0 = Math.max(w0, end - SHAPE_WINDOW_DAYS);
  let shapeN = 0, shapeSum = 0, zeros = 0, sizeSum = 0, sizeSqSum = 0;
  dowSum.fill(0); dowCount.fill(0);
  for (let i = s0; i < end; i++) {
    if (mask[i] !== 0) continue;
    const y = daily[i] as number;
    shapeN++; shapeSum += y;
    if (y === 0) zeros++; else { sizeSum += y; sizeSqSum += y * y; }
    const d = (b0 + i) % 7;
    dowSum[d] = (dowSum[d] as number) + y; dowCount[d] = (dowCount[d] as number) + 1;
  }
  const shapeMean = shapeN > 0 ? shapeSum / shapeN : 0;
  est.longRunDaily = shapeMean;

  // Weekly profile: kept only if it explains a real share of the day-to-day variation.
  let weekly = false;
  if (shapeMean > 0 && shapeN >= 56) {
    let ok = true;
    let fsum = 0;
    for (let d = 0; d < 7; d++) {
      const c = dowCount[d] as number;
      if (c < 4) { ok = false; break; }
      factors[d] = (dowSum[d] as number) / c / shapeMean;
      fsum += factors[d] as number;
    }
    if (ok) {
      for (let d = 0; d < 7; d++) factors[d] = ((factors[d] as number) * 7) / fsum;
      let sseFlat = 0, sseWeekly = 0;
      for (let i = s0; i < end; i++) {
        if (mask[i] !== 0) continue;
        const y = daily[i] as number;
        const f = shapeMean * (factors[(b0 + i) % 7] as number);
        sseFlat += (y - shapeMean) * (y - shapeMean);
        sseWeekly += (y - f) * (y - f);
      }
      weekly = sseWeekly < (1 - WEEKLY_MIN_ERROR_REDUCTION) * sseFlat;
    }
  }
  if (!weekly) factors.fill(1);
  else est.weeklyFactors = Array.from(factors, (f) => Math.round(f * 1000) / 1000);

  // Intermittent: many zero days that a weekly profile doesn't explain → TSB with a count distribution.
  if (!weekly && shapeN > 0 && zeros / shapeN >= INTERMITTENT_ZERO_SHARE) {
    // Estimated over the whole history window: a demand every few days gives the shape window only a dozen or two.
    let n = 0, hits = 0;
    sizeSum = 0; sizeSqSum = 0;
    for (let i = w0; i < end; i++) {
      if (mask[i] !== 0) continue;
      const y = daily[i] as number;
      n++;
      if (y > 0) { hits++; sizeSum += y; sizeSqSum += y * y; }
    }
    zeros = n - hits;
    shapeN = n;
    let p = (shapeN - zeros) / shapeN;
    let size = shapeN - zeros > 0 ? sizeSum / (shapeN - zeros) : 0;
    for (let i = w0; i < end; i++) {
      if (mask[i] !== 0) continue;
      const y = daily[i] as number;
      if (y > 0) { p += TSB_ALPHA * (1 - p); size += TSB_ALPHA * (y - size); } else p -= TSB_ALPHA * p;
    }
    est.model = 'intermittent';
    est.demandProbability = p;
    est.demandSize = size;
    est.demandSizeSq = shapeN - zeros > 0 ? Math.max(sizeSqSum / (shapeN - zeros), size * size) : size * size;
    est.level = p * size;
    est.sdDaily = Math.sqrt(Math.max(0, p * est.demandSizeSq - est.level * est.level));
    fillForecast(est, s, asOfDay, forecast, days, end);
    return est;
  }

  // Simple exponential smoothing of the deseasonalised series, with one-step errors for the variance. A weekday with
  // factor 0 (closed, or no sales in the shape window) says nothing about the level and is left out.
  const recentStart = end - REGIME_WINDOW_DAYS;
  let init = 0, initN = 0;
  for (let i = w0; i < end && initN < 28; i++) if (mask[i] === 0 && (factors[(b0 + i) % 7] as number) > 0) { init += (daily[i] as number) / (factors[(b0 + i) % 7] as number); initN++; }
  let level = initN > 0 ? init / initN : 0;
  let levelBeforeRecent = level;
  let sse = 0, sseN = 0, recentSum = 0, recentN = 0;
  for (let i = w0; i < end; i++) {
    if (i === recentStart) levelBeforeRecent = level;
    if (mask[i] !== 0) continue;
    const f = factors[(b0 + i) % 7] as number;
    if (f === 0) continue;
    const y = daily[i] as number;
    const x = y / f;
    if (i >= s0) { const e = y - level * f; sse += e * e; sseN++; }
    if (i >= recentStart) { recentSum += x; recentN++; }
    level += SES_ALPHA * (x - level);
  }
  const sd = Math.sqrt(sseN > 0 ? sse / sseN : level);
  est.model = weekly ? 'weekly' : 'smooth';
  est.level = level;
  est.sdDaily = sd;

  // Trend: least squares over the shape window.
  let n = 0, st = 0, sx = 0, stt = 0, stx = 0, sxx = 0;
  for (let i = s0; i < end; i++) {
    if (mask[i] !== 0 || factors[(b0 + i) % 7] === 0) continue;
    const x = (daily[i] as number) / (factors[(b0 + i) % 7] as number);
    const t = i - s0;
    n++; st += t; sx += x; stt += t * t; stx += t * x; sxx += x * x;
  }
  const sTT = stt - (st * st) / n;
  const sTX = stx - (st * sx) / n;
  const slope = sTT > 0 ? sTX / sTT : 0;
  const intercept = sx / n - (slope * st) / n;
  const residualVar = n > 2 ? Math.max(0, (sxx - (sx * sx) / n - slope * sTX) / (n - 2)) : 0;
  const slopeT = residualVar > 0 && sTT > 0 ? slope / Math.sqrt(residualVar / sTT) : 0;
  const trending = Math.abs(slopeT) >= TREND_MIN_T && Math.abs(slope) * SHAPE_WINDOW_DAYS >= TREND_MIN_CHANGE * (sx / n);

  // Regime shift: the recent mean sits far from the smoothed level before it.
  const recentMean = recentN > 0 ? recentSum / recentN : level;
  const seX = sd / Math.sqrt(Math.max(1, recentN));
  const shifted = recentN >= REGIME_WINDOW_DAYS / 2
    && Math.abs(recentMean - levelBeforeRecent) > REGIME_SHIFT_Z * seX
    && Math.abs(recentMean - levelBeforeRecent) > REGIME_SHIFT_MIN_CHANGE * Math.max(levelBeforeRecent, 1e-9);

  // A year of history with a seasonal profile explains local slopes and jumps better than a trend or a new regime.
    let yearly = false;
  if (end >= YEARLY_MIN_DAYS) { fillValidPrefix(daily, end); yearly = yearlySeasonal(end); }
  let useTrend = trending && !yearly;
  if (trending && shifted) {
    // Both fit: a step keeps the old level until the recent window, a line moves all along; keep the closer fit.
    let sseLine = 0, sseStep = 0;
    for (let i = s0; i < end; i++) {
      if (mask[i] !== 0 || factors[(b0 + i) % 7] === 0) continue;
      const x = (daily[i] as number) / (factors[(b0 + i) % 7] as number);
      const line = intercept + slope * (i - s0);
      const step = i >= recentStart ? recentMean : levelBeforeRecent;
      sseLine += (x - line) * (x - line);
      sseStep += (x - step) * (x - step);
    }
    useTrend = sseLine < sseStep;
  }
  if (useTrend) {
    est.model = 'trend';
    est.level = Math.max(0, intercept + slope * (end - 1 - s0));
    est.trendPerDay = slope;
    est.sdDaily = Math.sqrt(residualVar) * avgFactor(weekly);
  } else if (shifted && !yearly) {
    // Re-level at once; the recent days' spread is the better guess of the new variability.
    let rss = 0;
    for (let i = recentStart; i < end; i++) if (i >= 0 && mask[i] === 0 && (factors[(b0 + i) % 7] as number) > 0) { const x = (daily[i] as number) / (factors[(b0 + i) % 7] as number); rss += (x - recentMean) * (x - recentMean); }
    est.model = 'regime-shift';
    est.level = recentMean;
    est.sdDaily = Math.max(sd * (recentMean / Math.max(levelBeforeRecent, 1e-9)), Math.sqrt(rss / Math.max(1, recentN - 1)));
  }

  if (yearly) {
    est.model = 'yearly';
    // Valid days only: out-of-stock and event days are not normal demand (the prefix sums skip them).
    const recentN = (validCount[end] as number) - (validCount[end - YEARLY_LEVEL_DAYS] as number);
    const recent = (prefix[end] as number) - (prefix[end - YEARLY_LEVEL_DAYS] as number);
    est.level = recentN > 0 ? recent / recentN : level;
  }
  fillForecast(est, s, asOfDay, forecast, days, end);
  return est;
}

function avgFactor(weekly: boolean): number {
  if (!weekly) return 1;
  let a = 0;
  for (let d = 0; d < 7; d++) a += factors[d] as number;
  return a / 7;
}

/** Prefix sums of demand and of the count of valid days (mask 0), so window means leave out-of-stock and event days out. */
function fillValidPrefix(daily: readonly number[], end: number): void {
  if (prefix.length < end + 1) { prefix = new Float64Array((end + 1) * 2); validCount = new Float64Array((end + 1) * 2); }
  prefix[0] = 0; validCount[0] = 0;
  for (let i = 0; i < end; i++) {
    const ok = mask[i] === 0;
    prefix[i + 1] = (prefix[i] as number) + (ok ? (daily[i] as number) : 0);
    validCount[i + 1] = (validCount[i] as number) + (ok ? 1 : 0);
  }
}

/** Mean demand over valid days of [a, b] (clamped to the history), or -1 when none is valid. */
function validMean(a: number, b: number, end: number): number {
  const lo = Math.max(0, a);
  const hi = Math.min(end - 1, b);
  if (hi < lo) return -1;
  const n = (validCount[hi + 1] as number) - (validCount[lo] as number);
  return n > 0 ? ((prefix[hi + 1] as number) - (prefix[lo] as number)) / n : -1;
}

/** 13 four-week blocks of the last year (valid days only), linear drift removed: do they differ more than noise would? */
function yearlySeasonal(end: number): boolean {
  const blocks = 13;
  let s1 = 0, s2 = 0, st = 0, stt = 0, stx = 0;
  for (let k = 0; k < blocks; k++) {
    const from = end - 364 + k * 28;
    const v = validMean(from, from + 27, end);
    if (v < 0) return false;
    s1 += v; s2 += v * v; st += k; stt += k * k; stx += k * v;
  }
  const mean = s1 / blocks;
  if (mean <= 0) return false;
  const sTT = stt - (st * st) / blocks;
  const sTX = stx - (st * s1) / blocks;
  const residual = Math.max(0, s2 - (s1 * s1) / blocks - (sTX * sTX) / sTT);
  return Math.sqrt(residual / (blocks - 2)) / mean >= YEARLY_MIN_BLOCK_CV;
}

function fillForecast(est: DemandEstimate, s: PositionSnapshot, asOfDay: number, forecast: Float64Array, days: number, end: number): void {
  const weekly = est.weeklyFactors !== null;
  const trend = est.trendPerDay;
  const a0 = weekdayOf(asOfDay);
  let damp = 0;
  let dampPow = 1;
  for (let k = 1; k <= days; k++) {
    dampPow *= TREND_DAMPING;
    damp += dampPow;
    let f = est.level + trend * damp;
    if (f < 0) f = 0;
    if (weekly) f *= factors[(a0 + k) % 7] as number;
    forecast[k] = f;
  }
  forecast[0] = 0;
  if (est.model === 'yearly') applyYearly(forecast, days, end);
  const events = s.plannedEvents;
  if (events) {
    for (const e of events) {
      const a = Math.max(1, dayOf(e.start) - asOfDay);
      const b = Math.min(days, dayOf(e.end) - asOfDay);
      for (let k = a; k <= b; k++) { forecast[k] = (forecast[k] as number) * e.uplift; est.eventDays++; }
    }
  }
}

/** Scales the forecast by last year's demand around each future day relative to last year's demand in the level window (valid days). */
function applyYearly(forecast: Float64Array, days: number, end: number): void {
  const yearAgo = end - 1 - 365;
  const base = validMean(yearAgo - YEARLY_LEVEL_DAYS + 1, yearAgo, end);
  if (base <= 0) return;
  const half = YEARLY_LEVEL_DAYS / 2;
  let last = 1;
  for (let k = 1; k <= days; k++) {
    const c = yearAgo + k;
    if (c + half - 1 < end) { const m = validMean(c - half, c + half - 1, end); if (m >= 0) last = m / base; }
    forecast[k] = (forecast[k] as number) * last;
  }
}
