import { describe, expect, it } from 'vitest';
import { dayNumber, isoDay, weekday } from '../../../shared/engine/calendar.js';
import { countQuantile, normalQuantile } from '../../../shared/engine/stats.js';

describe('calendar', () => {
  it('round-trips day numbers across leap years and centuries', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2000-03-01') - dayNumber('2000-02-28')).toBe(2);
    expect(dayNumber('2100-03-01') - dayNumber('2100-02-28')).toBe(1);
    for (const iso of ['1999-12-31', '2024-02-29', '2026-05-01', '2099-01-01']) expect(isoDay(dayNumber(iso))).toBe(iso);
    expect(dayNumber('2026-05-01')).toBe(Date.UTC(2026, 4, 1) / 86_400_000);
    expect(weekday(dayNumber('2026-05-01'))).toBe(4); // a Friday
  });
});

describe('distribution quantiles', () => {
  it('normal quantile matches tables', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('count quantile: Poisson when variance equals the mean, wider when over-dispersed', () => {
    // Poisson(2): P(≤4) = 0.947, P(≤5) = 0.983.
    expect(countQuantile(2, 2, 0.95)).toBe(5);
    expect(countQuantile(2, 8, 0.95)).toBeGreaterThan(5);
    expect(countQuantile(0, 0, 0.95)).toBe(0);
    expect(countQuantile(1000, 1000, 0.95)).toBeCloseTo(1000 + 1.645 * Math.sqrt(1000), 0);
  });
});
