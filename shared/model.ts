// The canonical model: every connector maps its source into these shapes, every consumer reads them.
import { z } from 'zod';

/** A YYYY-MM-DD day that exists in the calendar (no 2026-02-31), years 1900–2199: wider than any stock data, narrow enough for day arithmetic. */
export function isCalendarDate(value: string): boolean {
  if (!/^(19|20|21)\d{2}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10))];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
}
export const isoDate = z.string().refine(isCalendarDate, 'expected a date YYYY-MM-DD that exists in the calendar (years 1900–2199)');
export const isoDateTime = z.string().datetime({ offset: true });
const qty = z.number().finite();
const nonNegative = z.number().finite().nonnegative();

import { ALERT_TYPES, SEVERITIES } from './alert-kinds.js';

export { ALERT_TYPES, SEVERITIES };
export const alertType = z.enum(ALERT_TYPES);
export type AlertType = z.infer<typeof alertType>;
/** What the policy engine finds; CONDITION (storage conditions out of range) comes from sensor readings instead. */
export const ENGINE_ALERT_TYPES = ALERT_TYPES.filter((t) => t !== 'CONDITION');

export const severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severity>;

export const abcClass = z.enum(['A', 'B', 'C']);

export const item = z.object({
  sku: z.string().min(1),
  name: z.string().optional(),
  category: z.string().optional(),
  unitCost: nonNegative,
  unitPrice: nonNegative.optional(),
  packSize: z.number().positive().optional(),
  moq: nonNegative.optional(),
  shelfLifeDays: z.number().int().positive().optional(),
  abcClass: abcClass.optional(),
  serviceLevel: z.number().gt(0).lt(1).optional(),
  minQty: nonNegative.optional(),
  maxQty: nonNegative.optional(),
  supplierId: z.string().optional(),
});
export type Item = z.infer<typeof item>;

export const locationKind = z.enum(['warehouse', 'store', 'channel']);
export const location = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  kind: locationKind,
  parent: z.string().optional(),
  group: z.string().optional(),
  timeZone: z.string().optional(),
});
export type Location = z.infer<typeof location>;

export const inboundLine = z.object({
  qty: nonNegative,
  eta: isoDate,
  orderedAt: isoDate.optional(),
  supplierId: z.string().optional(),
  ref: z.string().optional(),
  /** The connector that reported this line; a source's new list replaces only its own lines. */
  source: z.string().optional(),
});
export type InboundLine = z.infer<typeof inboundLine>;

export const openOrder = z.object({ qty: nonNegative, due: isoDate, ref: z.string().optional() });
export type OpenOrder = z.infer<typeof openOrder>;

export const lot = z.object({
  qty: nonNegative,
  receivedAt: isoDate,
  expiresAt: isoDate.optional(),
  lotId: z.string().optional(),
});
export type Lot = z.infer<typeof lot>;

/**
 * One pushed change to a position (shared/push): a movement's effect on on-hand (`move`), a counted quantity
 * (`count`), or the cancellation of an earlier move's demand (`void`, whose `id` names that move).
 */
export const stockChange = z.object({
  /** Unique per event at its source; a change seen before is ignored. */
  id: z.string().min(1).max(300),
  /** When it happened at the source. */
  at: isoDateTime,
  kind: z.enum(['move', 'count', 'void']),
  /** move: the change to on-hand (a sale −3); count: the quantity counted. */
  qty: z.number().finite(),
  /** move: the change to the day's demand (a sale +3, a return −1). */
  sold: z.number().finite().optional(),
  /** count: what was counted; `available` (on-hand minus reserved) is what shops report. */
  basis: z.enum(['onHand', 'available']).optional(),
});
export type StockChange = z.infer<typeof stockChange>;

/**
 * What a connector says about one SKU at one location. A source reports only the fields it owns
 * (a shop: onHand/reserved; an ERP's purchase orders: inbound); omitted fields keep their stored value.
 * Quantities are in the item's base unit.
 */
export const positionRecord = z.object({
  sku: z.string().min(1),
  locationId: z.string().min(1),
  onHand: qty.optional(),
  reserved: nonNegative.optional(),
  inbound: z.array(inboundLine).optional(),
  openOrders: z.array(openOrder).optional(),
  lots: z.array(lot).optional(),
  /**
   * Narrows what `inbound` replaces to this source's lines whose `ref` starts with the scope (e.g. one
   * replenishment request's lines), so writers of different scopes never overwrite each other.
   */
  inboundScope: z.string().min(1).optional(),
  sourceUpdatedAt: isoDateTime.optional(),
  /** When the hub read this record from its source: a pulled on-hand is a count as of this instant. */
  observedAt: isoDateTime.optional(),
  /** Pushed changes (shared/push) to apply on top of the stored on-hand instead of replacing it. */
  changes: z.array(stockChange).optional(),
  /** The run that wrote the record (a sync's id), stored as the position's lastSyncId when the record changes it. */
  correlationId: z.string().min(1).optional(),
});
export type PositionRecord = z.infer<typeof positionRecord>;

/** The quantities of a stored position (all fields resolved). */
export interface PositionState {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  inbound: InboundLine[];
  openOrders: OpenOrder[];
  lots?: Lot[];
}

/** A stored position: the record plus where it came from and its optimistic-lock version. */
export interface Position extends PositionState {
  /** The connectors that contributed to this position. */
  sources: string[];
  sourceUpdatedAt?: string;
  version: number;
  updatedAt: string;
  /** Set by a full reconcile when the source no longer reports this position. */
  vanishedAt?: string;
  /** The correlation id of the run whose write last changed this position (traces sync → stream → evaluation). */
  lastSyncId?: string;
  /** Pushed changes not yet settled by a pull or count, and the ids seen recently (shared/push/ledger.ts). */
  ledger?: Ledger;
}

/** A pushed move as a position remembers it: for idempotency, lateness and the drift of the next pull. */
export interface LedgerMove {
  id: string;
  /** UTC ISO instant at the source. */
  at: string;
  /** Change to on-hand. */
  qty: number;
  /** Change to the day's demand. */
  sold?: number;
  /** Its demand was cancelled (an order cancelled), or a cancellation arrived before the move itself. */
  voided?: boolean;
}

/** On-hand as the latest count (pulled or pushed) plus the moves after it. */
export interface Ledger {
  /** The instant `base` was true at: the latest count, pull, or move folded into it. UTC ISO. */
  asOf: string;
  base: number;
  /** Events before this instant are forgotten: refused as late. */
  horizon?: string;
  /** Recent moves, oldest first; those after `asOf` make up on-hand beyond `base`. */
  moves: LedgerMove[];
  /** Changes pushed since a pull last settled the position: a pull that disagrees then counts as drift. */
  pushed: number;
}

/** Sales or consumption of one SKU at one location on one day. */
export const salesRecord = z.object({
  sku: z.string().min(1),
  locationId: z.string().min(1),
  day: isoDate,
  qty: nonNegative,
  /** True when the day ended with nothing on hand, so its sales understate demand. */
  outOfStock: z.boolean().optional(),
});
export type SalesRecord = z.infer<typeof salesRecord>;

export const supplier = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  leadTimeDays: z.number().positive(),
  observedLeadTimes: z.array(nonNegative).optional(),
  onTimeRate: z.number().min(0).max(1).optional(),
  backupSupplierId: z.string().optional(),
});
export type Supplier = z.infer<typeof supplier>;

/** Daily demand of one position for one calendar month, as stored (one item per position-month). */
export interface DemandMonth {
  sku: string;
  locationId: string;
  month: string; // YYYY-MM
  daily: number[]; // index 0 = day 1; missing days are 0
  outOfStockDays: number[]; // 1-based days of the month
}

export const positionKey = (sku: string, locationId: string): string => `${sku}@${locationId}`;
