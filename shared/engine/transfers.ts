// Transfers between locations of one SKU: move surplus above order-up-to to positions that will run short.
import type { EngineDecision } from './policy.js';

export interface TransferSuggestion {
  sku: string;
  from: string;
  to: string;
  qty: number;
  /** Why the receiver needs it: the finding type or the reorder point it is below. */
  reason: string;
}

/** Minimal view of a decision the transfer planner needs (an EngineDecision has all of it). */
export type TransferInput = Pick<EngineDecision, 'sku' | 'location' | 'alerts' | 'reorderPoint' | 'orderUpTo' | 'inventoryPosition' | 'available'>;

/**
 * Units a position is short before anything can reach it: what the stockout finding says is missing until an order
 * lands, or what covers a stockout risk. Inbound far away raises the inventory position above the reorder point
 * without helping the weeks before it arrives; a transfer can.
 */
function shortBeforeArrival(d: TransferInput): number {
  const facts = d.alerts.find((a) => a.type === 'STOCKOUT' || a.type === 'STOCKOUT_RISK')?.facts;
  const short = facts?.shortUntilOrderArrives ?? facts?.coverUnits;
  return typeof short === 'number' && Number.isFinite(short) ? Math.max(0, short) : 0;
}

/** What a location can give (units above its order-up-to) and needs (units to bring it back up), for one SKU. */
export interface TransferStanding {
  sku: string;
  location: string;
  need: number;
  spare: number;
}

/** A position's standing: what it needs and what it can spare. Both are 0 for most positions. */
export function transferStanding(d: TransferInput): TransferStanding {
  const need = Math.max(d.inventoryPosition < d.reorderPoint ? d.orderUpTo - d.inventoryPosition : 0, shortBeforeArrival(d));
  const spare = d.available > d.orderUpTo && d.inventoryPosition > d.orderUpTo ? Math.min(d.available, d.inventoryPosition) - d.orderUpTo : 0;
  return { sku: d.sku, location: d.location, need: Math.max(0, need), spare: Math.max(0, spare) };
}

/**
 * Pure: pairs receivers (inventory position below reorder point, or short before inbound can arrive) with donors (available stock above order-up-to) of the
 * same SKU, largest need first; a donor keeps its order-up-to level, a receiver gets at most up to its order-up-to.
 * Quantities are whole units, rounded down to `packSize` when given.
 */
export function suggestTransfers(decisions: readonly TransferInput[], packSize = 1): TransferSuggestion[] {
  const byKey = new Map(decisions.map((d) => [`${d.sku}@${d.location}`, d]));
  return pairTransfers(decisions.map(transferStanding), packSize).map((t) => {
    const r = byKey.get(`${t.sku}@${t.to}`)!;
    const urgent = r.alerts.find((a) => a.type === 'STOCKOUT' || a.type === 'STOCKOUT_RISK' || a.type === 'LOW_STOCK');
    return { ...t, reason: urgent ? urgent.type : `below reorder point ${r.reorderPoint}` };
  });
}

/**
 * Pure: pairs each SKU's receivers (need > 0) with its donors (spare > 0), largest need and largest spare first; a
 * donor gives at most its spare, a receiver gets at most its need, in whole packs of `packSize`.
 */
export function pairTransfers(standings: readonly TransferStanding[], packSize = 1): Omit<TransferSuggestion, 'reason'>[] {
  const bySku = new Map<string, TransferStanding[]>();
  for (const d of standings) {
    const list = bySku.get(d.sku);
    if (list) list.push(d); else bySku.set(d.sku, [d]);
  }
  const transfers: Omit<TransferSuggestion, 'reason'>[] = [];
  for (const [sku, list] of bySku) {
    const receivers = list.filter((d) => d.need > 0).map((d) => ({ location: d.location, need: d.need }))
      .sort((a, b) => b.need - a.need || a.location.localeCompare(b.location));
    if (receivers.length === 0) continue;
    const donors = list.filter((d) => d.spare > 0).map((d) => ({ location: d.location, surplus: d.spare }))
      .sort((a, b) => b.surplus - a.surplus || a.location.localeCompare(b.location));
    for (const r of receivers) {
      for (const donor of donors) {
        if (r.need < packSize) break;
        const qty = Math.floor(Math.min(r.need, donor.surplus) / packSize) * packSize;
        if (qty <= 0) continue;
        transfers.push({ sku, from: donor.location, to: r.location, qty });
        r.need -= qty;
        donor.surplus -= qty;
      }
    }
  }
  return transfers;
}
