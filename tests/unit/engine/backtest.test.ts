import { describe, expect, it } from 'vitest';
import {
  checkTargets, computeMetrics, formatBacktestReport, generateScenario, runBacktest, scenarioFromCsv, simulatePositions, simulateScenario, BacktestCsvError,
  type BacktestReport, type DayRecord, type Policy,
} from '../../../shared/engine/backtest/index.js';
import { seededRandom } from '../../../shared/random.js';
import { defaultRules } from './fixtures.js';

const day = (demand: number, sales: number, onHand: number, extra: Partial<DayRecord> = {}): DayRecord => ({
  demand, sales, onHand, ordered: false, alerts: [], shortageWarning: false, ...extra,
});
const warn = (ifIgnored?: boolean): Partial<DayRecord> => ({ alerts: ['STOCKOUT_RISK'], shortageWarning: true, ...(ifIgnored === undefined ? {} : { shortageIfIgnored: ifIgnored }) });

describe('computeMetrics on a hand-made trace', () => {
  // Ten days: a warning episode on days 2–4 (would have run short), a stockout on days 5–6, an unwarned stockout on day 9,
  // a false alarm on day 7.
  const days: DayRecord[] = [
    day(10, 10, 50, { ordered: true }),
    day(10, 10, 40),
    day(10, 10, 30, warn(true)),
    day(10, 10, 20, warn()),
    day(10, 10, 10, warn()),
    day(10, 5, 0, { alerts: ['STOCKOUT'] }),
    day(10, 0, 0, { alerts: ['STOCKOUT'] }),
    day(10, 10, 60, { ...warn(false), ordered: true }),
    day(10, 10, 50),
    day(20, 10, 0, { alerts: ['STOCKOUT'] }),
  ];
  const m = computeMetrics([{ pattern: 'smooth', unitCost: 2, days }]);

  it('computes service and stock figures', () => {
    expect(m.fillRate).toBeCloseTo(85 / 110, 6);
    expect(m.stockoutDaysPerPosition).toBe(3);
    expect(m.avgInventoryValue).toBeCloseTo((260 / 10) * 2, 6);
    expect(m.daysOfCover).toBeCloseTo(260 / 110, 6);
    expect(m.ordersPerPosition).toBe(2);
  });

  it('counts alert episodes, warned stockouts, lead time of warnings and warning precision', () => {
    // STOCKOUT_RISK: days 2–4 and 7; STOCKOUT: days 5–6 and 9 → 4 episodes over 10 days = 1/3 month.
    expect(m.alertEpisodesPerPositionMonth).toBeCloseTo(4 / (10 / 30), 6);
    expect(m.stockoutEpisodes).toBe(2);
    // Day 5's stockout was warned from day 2 (3 days ahead); day 9's had the day-7 warning 2 days before.
    expect(m.warnedStockoutShare).toBe(1);
    expect(m.meanWarningDaysAhead).toBeCloseTo((3 + 2) / 2, 6);
    expect(m.shortageWarningEpisodes).toBe(2);
    expect(m.warningPrecision).toBe(0.5);
  });
});

describe('backtest runs', () => {
  it('the seeded generator is reproducible', () => {
    const a = generateScenario({ seed: 5, positionsPerPattern: 1, simDays: 30 });
    const b = generateScenario({ seed: 5, positionsPerPattern: 1, simDays: 30 });
    expect(a).toEqual(b);
    expect(a.series.map((s) => s.pattern)).toEqual(['smooth', 'weekly', 'seasonal', 'promotion', 'intermittent', 'trend', 'regime-shift', 'new-item']);
    expect(seededRandom(1).next()).toBe(seededRandom(1).next());
  });

  it('replays every pattern through the engine and both baselines', () => {
    const report = runBacktest(generateScenario({ seed: 3, positionsPerPattern: 1, simDays: 60, patterns: ['smooth', 'intermittent'] }), defaultRules);
    expect(report.byPattern.map((p) => p.pattern)).toEqual(['smooth', 'intermittent']);
    // Two positions, profiles assigned round-robin: one reliable, one standard supplier.
    expect(report.bySupplierProfile.map((p) => [p.profile, p.metrics.engine.positions])).toEqual([['reliable', 1], ['standard', 1]]);
    for (const policy of ['engine', 'rolling-rop', 'static-minmax'] as const) {
      expect(report.overall[policy].positions).toBe(2);
      expect(report.overall[policy].fillRate).toBeGreaterThan(0.5);
      expect(report.overall[policy].ordersPerPosition).toBeGreaterThan(0);
    }
  });

  it('reads a CSV history, grouping by its pattern column', () => {
    const rows = ['date,sku,location,demand,unit_cost,lead_time_days,supplier_profile,pattern,promo_uplift'];
    for (let i = 0; i < 120; i++) {
      const date = new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
      rows.push(`${date},A,north,${5 + (i % 3)},2.5,4,reliable,steady,${i >= 100 && i < 103 ? 2 : ''}`);
    }
    const scenario = scenarioFromCsv(rows.join('\n'), 30, 1);
    const [series] = scenario.series;
    expect(series).toMatchObject({ sku: 'A', location: 'north', pattern: 'steady', simStart: 90, unitCost: 2.5, events: [{ startIndex: 100, endIndex: 102, uplift: 2 }] });
    expect(series?.supplier).toMatchObject({ profile: 'reliable', quotedLeadTimeDays: 4 });
    expect(runBacktest(scenario, defaultRules).byPattern[0]?.metrics.engine.fillRate).toBeGreaterThan(0.9);
  });

  it('rejects a CSV with a bad cell, naming line and column', () => {
    const bad = 'date,sku,location,demand\n2026-01-01,A,north,five';
    expect(() => scenarioFromCsv(bad, 1, 1)).toThrow(BacktestCsvError);
    expect(() => scenarioFromCsv(bad, 1, 1)).toThrow(/line 2, column "demand"/);
    expect(() => scenarioFromCsv('date,sku,demand\n', 1, 1)).toThrow(/location/);
  });
});

describe('the backtest report without stockouts', () => {
  it('says there were no stockouts to warn about and does not score the warning targets', () => {
    const m = computeMetrics([{ pattern: 'smooth', unitCost: 2, days: [day(10, 10, 50, { ordered: true }), day(10, 10, 40), day(10, 10, 30)] }]);
    expect(m.stockoutEpisodes).toBe(0);
    const metrics = { engine: m, 'rolling-rop': m, 'static-minmax': m };
    const report: BacktestReport = { seed: 1, positions: 1, simDays: 3, byPattern: [{ pattern: 'smooth', metrics }], bySupplierProfile: [{ profile: 'steady', metrics }], overall: metrics };
    const targets = checkTargets(report);
    expect(targets.find((t) => t.target.includes('stockouts preceded by a warning'))).toEqual({ target: '≥ 60% of stockouts preceded by a warning', value: 'no stockouts to warn about', met: null });
    expect(targets.find((t) => t.target.includes('days ahead'))?.met).toBeNull();
    const text = formatBacktestReport(report);
    expect(text).not.toContain('100% (0)');
    expect(text).toContain('| ≥ 60% of stockouts preceded by a warning | no stockouts to warn about | not scored |');
  });
});

describe('lead-time receipts pooled per supplier, as the hub keeps them', () => {
  // Four positions, suppliers round-robin (reliable, standard, late, erratic), then four more on the same suppliers.
  const scenario = generateScenario({ seed: 11, positionsPerPattern: 4, simDays: 40, patterns: ['smooth', 'weekly'] });
  const seen: { sku: string; t: number; receipts: number[] }[] = [];
  // Orders every fifth day and records the receipts it is shown.
  const recording: Policy = (v) => {
    seen.push({ sku: v.series.sku, t: v.t, receipts: v.observedLeadTimes.slice() });
    return { orderQty: v.t % 5 === 0 ? 10 : 0, alerts: [], shortageWarning: false, warningWindowDays: 1 };
  };
  const traces = simulateScenario(scenario, recording);

  it('shows each position every receipt of its supplier so far, from all the positions it supplies, in by the day they arrive', () => {
    const sample = scenario.series[5];
    const supplier = sample?.supplier.id;
    const mates = scenario.series.map((s, i) => ({ s, trace: traces[i] })).filter((x) => x.s.supplier.id === supplier);
    expect(mates).toHaveLength(2);
    for (const { t, receipts } of seen.filter((x) => x.sku === sample?.sku)) {
      const expected: number[] = mates.flatMap((m) => m.s.pastLeadTimes);
      for (const m of mates) {
        m.trace?.days.forEach((d, k) => {
          const placed = m.s.simStart + k;
          if (d.leadTimeDays !== undefined && placed + d.leadTimeDays <= t) expected.push(d.leadTimeDays);
        });
      }
      expect(receipts.slice().sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    }
  });

  it('is deterministic, and a position orders and receives exactly as it would alone (its own lead-time stream)', () => {
    expect(simulateScenario(scenario, recording)).toEqual(traces);
    scenario.series.forEach((s, i) => {
      const [alone] = simulatePositions([s], recording, [seededRandom(scenario.seed * 7919 + i)], scenario.simDays);
      expect(alone).toEqual(traces[i]);
    });
  });
});
