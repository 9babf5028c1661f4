// The engine's input and output, exactly as ../shared/contracts/evaluate-jsonl.md describes them.
import { z } from 'zod';
import { alertType, isoDate, severity, type AlertType, type Severity } from '../model.js';

const finite = z.number().finite();
const nonNegative = finite.nonnegative();

export const positionSnapshot = z.object({
  asOf: isoDate,
  sku: z.string().min(1),
  location: z.string().min(1),
  onHand: finite,
  reserved: nonNegative.optional(),
  inbound: z.array(z.object({
    qty: nonNegative,
    eta: isoDate,
    orderedAt: isoDate.optional(),
    supplierId: z.string().optional(),
  })).default([]),
  openOrders: z.array(z.object({ qty: nonNegative, due: isoDate })).optional(),
  demand: z.object({
    start: isoDate,
    daily: z.array(nonNegative),
    outOfStock: z.array(z.number().int().nonnegative()).optional(),
  }),
  plannedEvents: z.array(z.object({ start: isoDate, end: isoDate, uplift: z.number().positive() })).optional(),
  lots: z.array(z.object({ qty: nonNegative, receivedAt: isoDate, expiresAt: isoDate.optional() })).optional(),
  item: z.object({
    unitCost: nonNegative,
    unitPrice: nonNegative.optional(),
    packSize: z.number().positive().optional(),
    moq: nonNegative.optional(),
    serviceLevel: z.number().gt(0).lt(1).optional(),
    shelfLifeDays: z.number().positive().optional(),
    abcClass: z.enum(['A', 'B', 'C']).optional(),
    minQty: nonNegative.optional(),
    maxQty: nonNegative.optional(),
    category: z.string().optional(),
  }),
  /** Conservative prior for items with little history, e.g. the mean demand of category siblings (see categoryPriors). */
  demandPrior: z.object({
    forecastDaily: nonNegative,
    sdDaily: nonNegative.optional(),
    source: z.string().optional(),
  }).optional(),
  supplier: z.object({
    id: z.string().min(1),
    leadTimeDays: z.number().positive(),
    observedLeadTimes: z.array(nonNegative).optional(),
  }),
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
  needBy: string;
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
