// Snapshot builders for engine tests: a steady position with deterministic demand.
import type { PositionSnapshot } from '../../../shared/engine/index.js';
import { dayNumber, isoDay } from '../../../shared/engine/index.js';
import { ruleDefaults, type RuleDefaults } from '../../../shared/config.js';

export const defaultRules: RuleDefaults = ruleDefaults.parse({});

/** Demand that alternates around `mean` by ±spread so its variance is known and nothing is random. */
export function steadyDemand(days: number, mean: number, spread = 2): number[] {
  return Array.from({ length: days }, (_, i) => mean + (i % 2 === 0 ? spread : -spread));
}

export function snapshot(overrides: Partial<PositionSnapshot> = {}, days = 120, mean = 10): PositionSnapshot {
  const asOf = overrides.asOf ?? '2026-05-01';
  return {
    asOf,
    sku: 'SKU-1',
    location: 'store-1',
    onHand: 200,
    inbound: [],
    demand: { start: isoDay(dayNumber(asOf) - days + 1), daily: steadyDemand(days, mean) },
    item: { unitCost: 4, unitPrice: 10 },
    supplier: { id: 'sup-1', leadTimeDays: 7 },
    ...overrides,
  };
}

export const at = (asOf: string, k: number): string => isoDay(dayNumber(asOf) + k);
