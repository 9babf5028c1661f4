// The engine's input and output, exactly as ../shared/contracts/evaluate-jsonl.md describes them.
import { z } from 'zod';
import { alertType, isoDate, severity, type AlertType, type Severity } from '../model.js';
import { dayNumber } from './calendar.js';

/**
 * Plausible ranges of every number a snapshot carries. Beyond them an input is a mistake (a unit or an exponent
 * typo), and the engine's day-by-day arrays and sums would run out of memory or overflow: refuse it with its path.
 * fast-snapshot.ts checks the same bounds.
 */
export const SNAPSHOT_BOUNDS = {
  /** Units on hand, reserved, inbound, ordered, demanded per day; also money per unit and pack sizes. */
  quantity: 1_000_000_000,
  /** Quoted and observed lead times: two years is slower than any real supplier. */
  leadTimeDays: 730,
  shelfLifeDays: 3650,
  /** Days of demand history: `demand.daily` entries, and days from `demand.start` to `asOf`. */
  historyDays: 3660,
  uplift: 100,
  /** Entries of inbound, openOrders, lots, plannedEvents and observedLeadTimes. */
  listLength: 1000,
} as const;

const B = SNAPSHOT_BOUNDS;
const finite = z.number().finite();
const quantity = finite.nonnegative().max(B.quantity);
const positiveQuantity = z.number().positive().max(B.quantity);
const list = <T extends z.ZodType>(of: T) => z.array(of).max(B.listLength);

export const positionSnapshot = z.object({
  asOf: isoDate,
  sku: z.string().min(1),
  location: z.string().min(1),
  onHand: finite.min(-B.quantity).max(B.quantity),
  reserved: quantity.optional(),
  inbound: list(z.object({
    qty: quantity,
    eta: isoDate,
    orderedAt: isoDate.optional(),
    supplierId: z.string().optional(),
  })).default([]),
  openOrders: list(z.object({ qty: quantity, due: isoDate })).optional(),
  demand: z.object({
    start: isoDate,
    daily: z.array(quantity).max(B.historyDays),
    outOfStock: z.array(z.number().int().nonnegative().max(B.historyDays)).max(B.historyDays).optional(),
  }),
  plannedEvents: list(z.object({ start: isoDate, end: isoDate, uplift: z.number().positive().max(B.uplift) })).optional(),
  lots: list(z.object({ qty: quantity, receivedAt: isoDate, expiresAt: isoDate.optional() })).optional(),
  item: z.object({
    unitCost: quantity,
    unitPrice: quantity.optional(),
    packSize: positiveQuantity.optional(),
    moq: quantity.optional(),
    serviceLevel: z.number().gt(0).lt(1).optional(),
    shelfLifeDays: z.number().positive().max(B.shelfLifeDays).optional(),
    abcClass: z.enum(['A', 'B', 'C']).optional(),
    minQty: quantity.optional(),
    maxQty: quantity.optional(),
    category: z.string().optional(),
  }),
  /** Conservative prior for items with little history, e.g. the mean demand of category siblings (see categoryPriors). */
  demandPrior: z.object({
    forecastDaily: quantity,
    sdDaily: quantity.optional(),
    source: z.string().optional(),
  }).optional(),
  supplier: z.object({
    id: z.string().min(1),
    leadTimeDays: z.number().positive().max(B.leadTimeDays),
    observedLeadTimes: list(finite.nonnegative().max(B.leadTimeDays)).optional(),
  }),
}).superRefine((s, ctx) => {
  const span = dayNumber(s.asOf) - dayNumber(s.demand.start);
  if (span < 0 || span >= B.historyDays) {
    ctx.addIssue({ code: 'custom', path: ['demand', 'start'], message: `expected a day on or before asOf and less than ${B.historyDays} days before it` });
  }
});
export type PositionSnapshot = z.infer<typeof positionSnapshot>;
export type PositionSnapshotInput = z.input<typeof positionSnapshot>;

/** One exception condition that holds today, with the numbers that explain it. */
export interface Finding {
  type: AlertType;
  severity: Severity;
  message: string;
  projectedStockout?: string;
  suggestedAction?: string;
  /** Numbers behind the finding (units, days, money), named in domain terms. */
  facts?: Record<string, number | string>;
}

export interface ReplenishSuggestion {
  qty: number;
  supplierId: string;
  /** Never earlier than an order placed today can arrive. */
  needBy: string;
  /** Units short before the order can arrive (only a transfer or expediting covers them); absent when none. */
  shortBeforeArrival?: number;
}

export interface Decision {
  sku: string;
  location: string;
  alerts: Finding[];
  replenish: ReplenishSuggestion | null;
  safetyStock: number;
  reorderPoint: number;
  forecastDaily: number;
  [extra: string]: unknown;
}

export const findingSchema = z.object({
  type: alertType,
  severity,
  message: z.string(),
  projectedStockout: isoDate.optional(),
  suggestedAction: z.string().optional(),
  facts: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});
