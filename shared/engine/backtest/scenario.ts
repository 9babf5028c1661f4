// Seeded scenario generator: demand patterns × supplier profiles, with a warm-up history and a simulated period.
import { seededRandom, type Random } from '../../random.js';

export const DEMAND_PATTERNS = ['smooth', 'weekly', 'seasonal', 'promotion', 'intermittent', 'trend', 'regime-shift', 'new-item'] as const;
export type DemandPattern = (typeof DEMAND_PATTERNS)[number];

export const SUPPLIER_PROFILES = ['reliable', 'standard', 'late', 'erratic'] as const;
export type SupplierProfile = (typeof SUPPLIER_PROFILES)[number];

export interface SupplierSpec {
  id: string;
  profile: SupplierProfile;
  quotedLeadTimeDays: number;
}

export interface PlannedEventSpec { startIndex: number; endIndex: number; uplift: number }

/**
 * The process a generated series' demand is drawn from, for the distribution oracle: Poisson around `mean` each day,
 * or, when `intermittent`, a demand day with `probability` and then 1 + Poisson(size − 1) units.
 */
export interface DemandTruth {
  /** Mean demand of each day index, TRUTH_TAIL_DAYS past the series' last day. */
  mean: Float64Array;
  intermittent?: { probability: number; size: number };
}

/** Days of the true mean kept past a series' last day, so windows that start near its end stay defined. */
export const TRUTH_TAIL_DAYS = 128;

/** One position's truth: its demand every day (from its first day of history) and who supplies it. */
export interface BacktestSeries {
  sku: string;
  location: string;
  /** A DemandPattern for generated scenarios; for CSV history the "pattern" column, else "all". */
  pattern: string;
  /** Day number (days since 1970-01-01) of demand[0]. */
  startDay: number;
  /** Index in `demand` of the first simulated day; earlier days are the warm-up history. */
  simStart: number;
  demand: number[];
  events: PlannedEventSpec[];
  unitCost: number;
  unitPrice: number;
  packSize: number;
  moq: number;
  supplier: SupplierSpec;
  /** Lead times of receipts before the simulation starts. */
  pastLeadTimes: number[];
  /** How the demand was drawn (generated scenarios only; a CSV history has no known truth). */
  truth?: DemandTruth;
}

export interface Scenario {
  seed: number;
  /** Day number of the first simulated day. */
  simStartDay: number;
  simDays: number;
  series: BacktestSeries[];
}

export interface ScenarioOptions {
  seed: number;
  positionsPerPattern: number;
  /** Simulated days (after the warm-up year). */
  simDays?: number;
  /** Warm-up history days (new items get only two weeks). */
  warmupDays?: number;
  patterns?: readonly DemandPattern[];
  /** Day number of the first simulated day; default 2026-01-01. */
  simStartDay?: number;
}

const QUOTED: Record<SupplierProfile, number> = { reliable: 5, standard: 7, late: 7, erratic: 10 };
const NEW_ITEM_HISTORY_DAYS = 14;
const WEEKLY_PROFILE = [0.8, 0.8, 0.9, 1.0, 1.3, 1.6, 0.6];

/** Draws the actual lead time of one order from a supplier profile. */
export function sampleLeadTime(rng: Random, supplier: SupplierSpec): number {
  const q = supplier.quotedLeadTimeDays;
  switch (supplier.profile) {
    case 'reliable': return q + (rng.next() < 0.1 ? 1 : 0);
    case 'standard': return Math.max(1, Math.round(rng.normal(q + 0.5, 1)));
    case 'late': return Math.max(1, Math.round(rng.normal(q * 1.45, 1.5)));
    case 'erratic': return Math.max(2, Math.round(q - 4 + -Math.log(1 - rng.next()) * 5));
  }
}

function meanDemand(pattern: DemandPattern, base: number, i: number, simStart: number, simDays: number, shift: { at: number; factor: number }, events: PlannedEventSpec[]): number {
  switch (pattern) {
    case 'smooth': case 'new-item': case 'intermittent': return base;
    case 'weekly': return base * (WEEKLY_PROFILE[i % 7] as number);
    case 'seasonal': return base * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 365));
    case 'trend': return base * (0.6 + (0.9 * i) / (simStart + simDays));
    case 'regime-shift': return i >= shift.at ? base * shift.factor : base;
    case 'promotion': {
      for (const e of events) if (i >= e.startIndex && i <= e.endIndex) return base * e.uplift;
      return base;
    }
  }
}

export function generateScenario(options: ScenarioOptions): Scenario {
  const rng = seededRandom(options.seed);
  const simDays = options.simDays ?? 365;
  const warmup = options.warmupDays ?? 400;
  const simStartDay = options.simStartDay ?? 20454; // 2026-01-01
  const patterns = options.patterns ?? DEMAND_PATTERNS;
  const series: BacktestSeries[] = [];
  let n = 0;
  for (const pattern of patterns) {
    for (let p = 0; p < options.positionsPerPattern; p++, n++) {
      const profile = SUPPLIER_PROFILES[n % SUPPLIER_PROFILES.length] as SupplierProfile;
      const supplier: SupplierSpec = { id: `sup-${profile}`, profile, quotedLeadTimeDays: QUOTED[profile] };
      const history = pattern === 'new-item' ? NEW_ITEM_HISTORY_DAYS : warmup;
      const total = history + simDays;
      const base = pattern === 'intermittent' ? 0 : Math.round(4 + rng.next() * 36);
      const events: PlannedEventSpec[] = [];
      if (pattern === 'promotion') {
        for (let s = rng.int(20, 60); s < total - 7; s += rng.int(50, 90)) events.push({ startIndex: s, endIndex: s + 6, uplift: 2 + rng.next() * 1.5 });
      }
      const shift = { at: history + rng.int(60, simDays - 120), factor: n % 2 === 0 ? 2 : 0.5 };
      const demand: number[] = new Array<number>(total);
      const probability = 0.1 + rng.next() * 0.25;
      const size = 1 + rng.next() * 4;
      // The true means are recorded without drawing anything, so the demand is the same as before they were kept.
      const mean = new Float64Array(total + TRUTH_TAIL_DAYS);
      for (let i = 0; i < mean.length; i++) mean[i] = pattern === 'intermittent' ? probability * size : meanDemand(pattern, base, i, history, simDays, shift, events);
      for (let i = 0; i < total; i++) {
        demand[i] = pattern === 'intermittent'
          ? (rng.next() < probability ? 1 + rng.poisson(size - 1) : 0)
          : rng.poisson(mean[i] as number);
      }
      const truth: DemandTruth = pattern === 'intermittent' ? { mean, intermittent: { probability, size } } : { mean };
      const unitCost = Math.round((2 + rng.next() * 48) * 100) / 100;
      const packSize = rng.pick([1, 1, 6, 12]);
      const pastLeadTimes = Array.from({ length: 4 }, () => sampleLeadTime(rng, supplier));
      series.push({
        sku: `SKU-${pattern}-${p}`, location: `loc-${p % 3}`, pattern, startDay: simStartDay - history, simStart: history,
        demand, events, unitCost, unitPrice: Math.round(unitCost * 2 * 100) / 100, packSize, moq: 0, supplier, pastLeadTimes, truth,
      });
    }
  }
  return { seed: options.seed, simStartDay, simDays, series };
}
