// A hand-written check of the common, valid snapshot: accepts only what `positionSnapshot` accepts, so callers can skip zod
// for it and fall back to zod (and its error messages with field paths) for everything else.
import { isCalendarDate } from '../model.js';
import { dayNumber } from './calendar.js';
import { SNAPSHOT_BOUNDS as B, type PositionSnapshot } from './snapshot.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A quantity (or money per unit): 0 to SNAPSHOT_BOUNDS.quantity. */
const isNonNeg = (v: unknown): boolean => isNum(v) && v >= 0 && v <= B.quantity;
const isText = (v: unknown): v is string => typeof v === 'string';
const isName = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Same as isoDate: YYYY-MM-DD and a real calendar day. */
function isDate(v: unknown): boolean {
  if (typeof v !== 'string' || v.length !== 10) return false;
  for (let i = 0; i < 10; i++) {
    const c = v.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 : !isDigit(c)) return false;
  }
  return isCalendarDate(v);
}

// Optional fields: absent (or undefined) passes; anything else, null included, must match.
const opt = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
const isPositiveUpTo = (max: number) => (v: unknown): boolean => isNum(v) && v > 0 && v <= max;

function everyItem(v: unknown, check: (x: unknown) => boolean, maxLength: number = B.listLength): boolean {
  if (!Array.isArray(v) || v.length > maxLength) return false;
  for (let i = 0; i < v.length; i++) if (!check(v[i])) return false;
  return true;
}

/** Numbers from 0 to `max`, at most `maxLength` of them. */
function isBoundedArray(v: unknown, max: number, maxLength: number): boolean {
  if (!Array.isArray(v) || v.length > maxLength) return false;
  for (let i = 0; i < v.length; i++) { const x: unknown = v[i]; if (typeof x !== 'number' || !(x >= 0) || !(x <= max)) return false; }
  return true;
}

const isInbound = (v: unknown): boolean => isObj(v) && isNonNeg(v.qty) && isDate(v.eta) && opt(v.orderedAt, isDate) && opt(v.supplierId, isText);
const isOpenOrder = (v: unknown): boolean => isObj(v) && isNonNeg(v.qty) && isDate(v.due);
const isEvent = (v: unknown): boolean => isObj(v) && isDate(v.start) && isDate(v.end) && isPositiveUpTo(B.uplift)(v.uplift);
const isLot = (v: unknown): boolean => isObj(v) && isNonNeg(v.qty) && isDate(v.receivedAt) && opt(v.expiresAt, isDate);
// zod's .int() means a safe integer.
const isDayIndex = (v: unknown): boolean => isNum(v) && v >= 0 && v <= B.historyDays && Number.isSafeInteger(v);
const isProbability = (v: unknown): boolean => isNum(v) && v > 0 && v < 1;
const isAbc = (v: unknown): boolean => v === 'A' || v === 'B' || v === 'C';

function isItem(v: unknown): boolean {
  return isObj(v) && isNonNeg(v.unitCost) && opt(v.unitPrice, isNonNeg) && opt(v.packSize, isPositiveUpTo(B.quantity)) && opt(v.moq, isNonNeg)
    && opt(v.serviceLevel, isProbability) && opt(v.shelfLifeDays, isPositiveUpTo(B.shelfLifeDays)) && opt(v.abcClass, isAbc)
    && opt(v.minQty, isNonNeg) && opt(v.maxQty, isNonNeg) && opt(v.category, isText);
}

const isPrior = (v: unknown): boolean => isObj(v) && isNonNeg(v.forecastDaily) && opt(v.sdDaily, isNonNeg) && opt(v.source, isText);
const isSupplier = (v: unknown): boolean => isObj(v) && isName(v.id) && isPositiveUpTo(B.leadTimeDays)(v.leadTimeDays)
  && opt(v.observedLeadTimes, (x) => isBoundedArray(x, B.leadTimeDays, B.listLength));
const isDemand = (v: unknown): boolean => isObj(v) && isDate(v.start) && isBoundedArray(v.daily, B.quantity, B.historyDays)
  && opt(v.outOfStock, (x) => everyItem(x, isDayIndex, B.historyDays));
/** demand.start on or before asOf, and less than historyDays before it (as positionSnapshot's refinement). */
const isHistorySpan = (asOf: string, start: string): boolean => { const span = dayNumber(asOf) - dayNumber(start); return span >= 0 && span < B.historyDays; };

/**
 * Returns the snapshot when it certainly satisfies `positionSnapshot` (a missing `inbound` becomes [] as zod's default
 * does; unknown keys stay, the engine ignores them), or undefined: then parse with zod for the verdict and the message.
 * Takes ownership of `raw` (freshly parsed JSON).
 */
export function fastSnapshot(raw: unknown): PositionSnapshot | undefined {
  if (!isObj(raw)) return undefined;
  const ok = isDate(raw.asOf) && isName(raw.sku) && isName(raw.location) && isNum(raw.onHand) && Math.abs(raw.onHand) <= B.quantity && opt(raw.reserved, isNonNeg)
    && opt(raw.inbound, (x) => everyItem(x, isInbound)) && opt(raw.openOrders, (x) => everyItem(x, isOpenOrder))
    && isDemand(raw.demand) && opt(raw.plannedEvents, (x) => everyItem(x, isEvent)) && opt(raw.lots, (x) => everyItem(x, isLot))
    && isItem(raw.item) && opt(raw.demandPrior, isPrior) && isSupplier(raw.supplier)
    && isHistorySpan(raw.asOf as string, (raw.demand as Obj).start as string);
  if (!ok) return undefined;
  if (raw.inbound === undefined) raw.inbound = [];
  return raw as unknown as PositionSnapshot;
}
