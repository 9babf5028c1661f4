import { describe, expect, it } from 'vitest';
import { categoryPriors, dayNumber, evaluatePosition, isoDay } from '../../../shared/engine/index.js';
import { seededRandom } from '../../../shared/random.js';
import { at, defaultRules, snapshot } from './fixtures.js';

const asOf = '2026-05-01';
const startFor = (days: number): string => isoDay(dayNumber(asOf) - days + 1);
const withDaily = (daily: number[], extra = {}) => snapshot({ demand: { start: startFor(daily.length), daily }, ...extra });
const poissonSeries = (days: number, mean: (i: number) => number, seed = 1): number[] => {
  const rng = seededRandom(seed);
  return Array.from({ length: days }, (_, i) => rng.poisson(mean(i)));
};

describe('demand model chosen by history shape', () => {
  it('smooth demand: simple exponential smoothing near the mean', () => {
    const d = evaluatePosition(withDaily(poissonSeries(200, () => 20)), defaultRules);
    expect(d.demandModel).toBe('smooth');
    expect(d.forecastDaily).toBeGreaterThan(17);
    expect(d.forecastDaily).toBeLessThan(23);
  });

  it('weekly seasonality: day-of-week factors follow the profile', () => {
    const profile = [1, 1, 1, 1, 1.5, 2, 0.3];
    const start = dayNumber(startFor(140));
    const daily = poissonSeries(140, (i) => 20 * (profile[(((start + i + 3) % 7) + 7) % 7] as number));
    const d = evaluatePosition(withDaily(daily), defaultRules);
    expect(d.demandModel).toBe('weekly');
    const f = d.explain.weeklyFactors ?? [];
    expect(f[5]).toBeGreaterThan(1.5);
    expect(f[6]).toBeLessThan(0.5);
  });

  it('a store closed one weekday: factor 0, nothing forecast that day, and finite numbers everywhere else', () => {
    const profile = [1, 1, 1, 1, 1.5, 2, 0];
    const start = dayNumber(startFor(140));
    const daily = poissonSeries(140, (i) => 20 * (profile[(((start + i + 3) % 7) + 7) % 7] as number));
    const d = evaluatePosition(withDaily(daily, { onHand: 60 }), defaultRules, { projection: true });
    expect(d.demandModel).toBe('weekly');
    expect(d.explain.weeklyFactors?.[6]).toBe(0);
    expect(Number.isFinite(d.explain.demandSdDaily)).toBe(true);
    expect(Number.isFinite(d.safetyStock) && d.safetyStock > 0).toBe(true);
    expect(Number.isFinite(d.reorderPoint) && d.reorderPoint > d.safetyStock).toBe(true);
    // 60 units against ~23 a day: the risk of running out before an order lands is weighed, not NaN.
    expect(d.alerts.find((a) => a.type === 'STOCKOUT_RISK')?.facts?.stockoutProbability).toBeGreaterThan(0.9);
    // The projection keeps stock flat on the closed day.
    const p = d.explain.projection;
    const closedDays = p.slice(1, 8).filter((x, k) => x === p[k]).length;
    expect(closedDays).toBe(1);
  });

  it('intermittent demand: TSB and a count-distribution safety stock', () => {
    const rng = seededRandom(9);
    const daily = Array.from({ length: 200 }, () => (rng.next() < 0.15 ? 3 : 0));
    const d = evaluatePosition(withDaily(daily), defaultRules);
    expect(d.demandModel).toBe('intermittent');
    expect(d.explain.safetyStockMethod).toBe('count-distribution');
    expect(d.forecastDaily).toBeGreaterThan(0.2);
    expect(d.forecastDaily).toBeLessThan(0.8);
    expect(Number.isInteger(d.safetyStock + d.explain.leadTimeDemand) || d.safetyStock > 0).toBe(true);
  });

  it('trend: the damped trend continues the growth', () => {
    const daily = poissonSeries(200, (i) => 10 + i * 0.2);
    const d = evaluatePosition(withDaily(daily), defaultRules);
    expect(d.demandModel).toBe('trend');
    expect(d.explain.trendPerDay).toBeGreaterThan(0.1);
    expect(d.forecastDaily).toBeGreaterThan(49);
  });

  it('regime shift: re-levels at once after a step', () => {
    const daily = poissonSeries(200, (i) => (i < 186 ? 10 : 30));
    const d = evaluatePosition(withDaily(daily), defaultRules);
    expect(d.demandModel).toBe('regime-shift');
    expect(d.forecastDaily).toBeGreaterThan(25);
  });

  it('yearly seasonality with over a year of history: forecasts last year\'s rise', () => {
    // Peak in 60 days' time, trough a quarter-year ago.
    const n = 500;
    const daily = poissonSeries(n, (i) => 20 * (1 + 0.6 * Math.sin((2 * Math.PI * (i - n + 1 - 60 + 91)) / 365)));
    const d = evaluatePosition(withDaily(daily), { ...defaultRules, reviewPeriodDays: 30 });
    expect(d.demandModel).toBe('yearly');
    const e = d.explain;
    expect(e.reviewPeriodDemand / 30).toBeGreaterThan(e.level * 1.1);
  });

  it('past promotions over a year of history are not mistaken for yearly seasonality (event days left out)', () => {
    // Flat demand of 20 with a 7-day ×3 promotion every ~70 days, the last one 40 days ago.
    const n = 500;
    const promoAt = (i: number): boolean => (n - 1 - i - 40) % 70 >= 0 && (n - 1 - i - 40) % 70 < 7 && n - 1 - i >= 40;
    const daily = poissonSeries(n, (i) => (promoAt(i) ? 60 : 20), 3);
    const start = startFor(n);
    const events: { start: string; end: string; uplift: number }[] = [];
    for (let i = 0; i < n; i++) if (promoAt(i) && !promoAt(i - 1)) events.push({ start: isoDay(dayNumber(start) + i), end: isoDay(dayNumber(start) + i + 6), uplift: 3 });
    const d = evaluatePosition(withDaily(daily, { plannedEvents: events }), defaultRules);
    expect(d.demandModel).not.toBe('yearly');
    expect(d.forecastDaily).toBeCloseTo(20, -0.5);
    // Without the event calendar the spikes are unexplained, and the same history may well look seasonal.
    const blind = evaluatePosition(withDaily(daily), defaultRules);
    expect(blind.safetyStock).toBeGreaterThan(d.safetyStock);
  });

  it('yearly model: out-of-stock days a year ago do not drag the seasonal profile down', () => {
    const n = 500;
    const daily = poissonSeries(n, (i) => 20 * (1 + 0.6 * Math.sin((2 * Math.PI * (i - n + 1 - 60 + 91)) / 365)), 5);
    const clean = evaluatePosition(withDaily(daily), defaultRules);
    // Last year, the weeks matching the coming lead time sold nothing: out of stock, not low demand.
    const yearAgo = n - 1 - 365;
    const outOfStock = Array.from({ length: 20 }, (_, k) => yearAgo - 5 + k);
    const censored = daily.map((q, i) => (outOfStock.includes(i) ? 0 : q));
    const d = evaluatePosition(withDaily(censored, { demand: { start: startFor(n), daily: censored, outOfStock } }), defaultRules);
    expect(d.demandModel).toBe('yearly');
    expect(d.explain.leadTimeDemand).toBeGreaterThan(clean.explain.leadTimeDemand * 0.9);
  });

  it('new item: conservative, variance-inflated, and blended with a category prior', () => {
    const own = evaluatePosition(withDaily([4, 6, 5, 5, 5, 4, 6, 5, 5, 5]), defaultRules);
    expect(own.demandModel).toBe('new-item');
    expect(own.forecastDaily).toBeCloseTo(5, 0);
    const [withPrior] = categoryPriors([
      withDaily([4, 6, 5, 5, 5, 4, 6, 5, 5, 5], { sku: 'NEW', item: { unitCost: 1, category: 'tea' } }),
      { ...withDaily(Array.from({ length: 60 }, () => 12)), sku: 'OLD-1', item: { unitCost: 1, category: 'tea' } },
      { ...withDaily(Array.from({ length: 60 }, () => 8)), sku: 'OLD-2', item: { unitCost: 1, category: 'tea' } },
      { ...withDaily(Array.from({ length: 60 }, () => 10)), sku: 'OLD-3', item: { unitCost: 1, category: 'tea' } },
    ]);
    expect(withPrior?.demandPrior?.forecastDaily).toBe(10);
    const blended = evaluatePosition(withPrior!, defaultRules);
    expect(blended.forecastDaily).toBeGreaterThan(7);
    expect(blended.safetyStock).toBeGreaterThan(own.safetyStock);
    expect(evaluatePosition(withDaily([]), defaultRules).demandModel).toBe('no-history');
  });

  it('planned events lift demand on their days and are ordered ahead within the lead time', () => {
    const base = snapshot({ onHand: 120 });
    const plain = evaluatePosition(base, defaultRules);
    const promo = evaluatePosition({ ...base, plannedEvents: [{ start: at(asOf, 3), end: at(asOf, 5), uplift: 3 }] }, defaultRules);
    expect(promo.explain.eventDays).toBe(3);
    expect(promo.reorderPoint - plain.reorderPoint).toBeCloseTo(3 * 2 * plain.forecastDaily, -1);
    expect(plain.replenish).toBeNull();
    expect(promo.replenish).not.toBeNull();
  });

  it('past event days do not inflate the baseline', () => {
    const base = snapshot();
    const daily = base.demand.daily.map((q, i) => (i >= 100 && i < 107 ? q * 4 : q));
    const events = [{ start: isoDay(dayNumber(base.demand.start) + 100), end: isoDay(dayNumber(base.demand.start) + 106), uplift: 4 }];
    const d = evaluatePosition({ ...base, demand: { ...base.demand, daily }, plannedEvents: events }, defaultRules);
    expect(d.forecastDaily).toBeCloseTo(10, 0);
    expect(d.explain.censoredDays).toBe(7);
  });
});
