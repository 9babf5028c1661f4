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
 * Pure: pairs receivers (inventory position below reorder point, or short before inbound can arrive) with donors (available stock above order-up-to) of the
 * same SKU, largest need first; a donor keeps its order-up-to level, a receiver gets at most up to its order-up-to.
 * Quantities are whole units, rounded down to `packSize` when given.
 */
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

export function suggestTransfers(decisions: readonly TransferInput[], packSize = 1): TransferSuggestion[] {
  const bySku = new Map<string, TransferInput[]>();
  for (const d of decisions) {
    const list = bySku.get(d.sku);
    if (list) list.push(d); else bySku.set(d.sku, [d]);
  }
  const transfers: TransferSuggestion[] = [];
  for (const [sku, list] of bySku) {
    const receivers = list
      .map((d) => ({ d, need: Math.max(d.inventoryPosition < d.reorderPoint ? d.orderUpTo - d.inventoryPosition : 0, shortBeforeArrival(d)) }))
      .filter((r) => r.need > 0)
      .sort((a, b) => b.need - a.need || a.d.location.localeCompare(b.d.location));
    const donors = list
      .filter((d) => d.available > d.orderUpTo && d.inventoryPosition > d.orderUpTo)
      .map((d) => ({ d, surplus: Math.min(d.available, d.inventoryPosition) - d.orderUpTo }))
      .sort((a, b) => b.surplus - a.surplus || a.d.location.localeCompare(b.d.location));
    for (const r of receivers) {
      for (const donor of donors) {
        if (r.need < packSize) break;
        const qty = Math.floor(Math.min(r.need, donor.surplus) / packSize) * packSize;
        if (qty <= 0) continue;
        const urgent = r.d.alerts.find((a) => a.type === 'STOCKOUT' || a.type === 'STOCKOUT_RISK' || a.type === 'LOW_STOCK');
        transfers.push({ sku, from: donor.d.location, to: r.d.location, qty, reason: urgent ? urgent.type : `below reorder point ${r.d.reorderPoint}` });
        r.need -= qty;
        donor.surplus -= qty;
      }
    }
  }
  return transfers;
}
