import { describe, expect, it } from 'vitest';
import { atFill, checkFrontierTargets, formatFrontierReport, frontierChartSpec, runFrontier, type CurvePoint } from '../../../shared/engine/backtest/index.js';
import { normalQuantile } from '../../../shared/engine/stats.js';
import { defaultRules } from './fixtures.js';

const curve: CurvePoint[] = [
  { parameter: 3, fill: 0.99, inventory: 300 },
  { parameter: 1, fill: 0.9, inventory: 100 },
  { parameter: 2, fill: 0.97, inventory: 200 },
];

describe('inventory at matched fill', () => {
  it('reads a curve at a fill between its points, linearly on the probit of fill, in any order of points', () => {
    const fill = 0.98;
    const w = (normalQuantile(fill) - normalQuantile(0.97)) / (normalQuantile(0.99) - normalQuantile(0.97));
    expect(atFill(curve, fill)).toBeCloseTo(200 + w * 100, 9);
    expect(atFill(curve, 0.97)).toBe(200);
    expect(atFill(curve, 0.9)).toBe(100);
    // The probit stretches fills near 1: halfway in fill is less than halfway in inventory (linear in fill would say 250).
    expect(atFill(curve, 0.98) as number).toBeLessThan(250);
  });

  it('does not extrapolate: outside the swept fills there is no answer', () => {
    expect(atFill(curve, 0.995)).toBeNull();
    expect(atFill(curve, 0.85)).toBeNull();
    expect(atFill([], 0.9)).toBeNull();
  });

  it('reads any value off the curve (the oracle quantile that gives a fill)', () => {
    expect(atFill(curve, 0.935, (p) => p.parameter)).toBeGreaterThan(1);
    expect(atFill(curve, 0.935, (p) => p.parameter)).toBeLessThan(2);
  });
});

describe('runFrontier (small)', () => {
  const report = runFrontier(defaultRules, {
    seeds: [5], positionsPerPattern: 1, simDays: 60,
    engineServiceLevels: [0.8], oracleQuantiles: [0.5, 0.9, 0.999], baselineFactors: [1, 4, 16], riskThresholds: [0.2, 0.6],
  });

  it('sweeps every policy and compares at the engine\'s own fill', () => {
    expect(report.overall.curves.engine.map((p) => p.parameter)).toEqual([0.8, 0.95]);
    expect(report.overall.curves.oracle).toHaveLength(3);
    expect(report.overall.engine.parameter).toBe(0.95);
    expect(report.byPattern).toHaveLength(8);
    expect(report.bySupplierProfile.map((g) => g.group)).toEqual(['reliable', 'standard', 'late', 'erratic']);
    // More safety stock never lowers inventory along the oracle's own curve.
    const inv = report.overall.curves.oracle.map((p) => p.inventory);
    expect(inv[2]).toBeGreaterThan(inv[0] as number);
    const own = report.overall.atEngineFill.oracle;
    if (own !== null) expect(own).toBeCloseTo(atFill(report.overall.curves.oracle, report.overall.engine.fill) as number, 9);
  });

  it('sweeps the oracle\'s alert threshold: a higher threshold warns less often', () => {
    const [low, high] = report.alerts.oracle;
    expect(low?.threshold).toBe(0.2);
    expect(high?.metrics.shortageWarningEpisodes).toBeLessThanOrEqual(low?.metrics.shortageWarningEpisodes as number);
    expect(report.alerts.oracleQuantile).toBeGreaterThan(0);
  });

  it('reports targets, a table and a chart spec', () => {
    expect(checkFrontierTargets(report).map((t) => t.target)).toContain('inventory ≤ 1.10× the oracle\'s at the engine\'s fill');
    const text = formatFrontierReport(report);
    expect(text).toContain('| **overall** |');
    expect(text).toContain('| oracle | 0.6 |');
    const spec = frontierChartSpec(report) as { data: { values: { policy: string }[] } };
    expect(new Set(spec.data.values.map((v) => v.policy))).toEqual(new Set(['engine', 'oracle', 'rolling-rop', 'static-minmax', 'engine (own service level)']));
  });
});
