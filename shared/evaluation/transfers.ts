// Transfers with names: when a position needs stock (or holds too much), the SKU's other locations are evaluated too
// and the engine's suggestTransfers pairs them. The result goes into the findings' facts, so a message can say
// "move 24 units from South Mall store" instead of "transfer stock from another location".
import { suggestTransfers, type TransferInput } from '../engine/transfers.js';
import type { Finding } from '../engine/snapshot.js';
import type { EvaluatedPosition, PositionRef } from './pipeline.js';

/** Findings a transfer in can help (the position is short) and out of (the position holds excess). */
const NEEDS = new Set<Finding['type']>(['STOCKOUT', 'STOCKOUT_RISK', 'LOW_STOCK', 'SUPPLY_GAP']);
const EXCESS = new Set<Finding['type']>(['OVERSTOCK', 'DEAD_STOCK']);

export const TRANSFER_FROM = 'transferFrom';
export const TRANSFER_TO = 'transferTo';

const asTransferInput = (e: EvaluatedPosition): TransferInput | undefined => {
  const d = e.decision as Partial<TransferInput>;
  return typeof d.inventoryPosition === 'number' && typeof d.orderUpTo === 'number' && typeof d.available === 'number' && typeof d.reorderPoint === 'number'
    ? { sku: e.position.sku, location: e.position.locationId, alerts: e.decision.alerts, reorderPoint: d.reorderPoint, orderUpTo: d.orderUpTo, inventoryPosition: d.inventoryPosition, available: d.available }
    : undefined;
};

/**
 * Adds `transferFrom:<location>` (units to bring here) to the findings of positions that are short, and
 * `transferTo:<location>` (units to send there) to the excess findings of positions that can give. `evaluate`
 * evaluates the SKU's other locations (no sinks, no transfers of their own); `locations` are the hub's locations.
 */
export async function attachTransfers(evaluated: EvaluatedPosition[], locations: readonly string[],
  evaluate: (refs: PositionRef[]) => Promise<EvaluatedPosition[]>): Promise<void> {
  const skus = [...new Set(evaluated.filter((e) => e.decision.alerts.some((a) => NEEDS.has(a.type) || EXCESS.has(a.type))).map((e) => e.position.sku))];
  if (skus.length === 0) return;
  const known = new Set(evaluated.map((e) => `${e.position.sku}@${e.position.locationId}`));
  const siblings = await evaluate(skus.flatMap((sku) => locations.filter((l) => !known.has(`${sku}@${l}`)).map((locationId) => ({ sku, locationId }))));
  const all = [...evaluated, ...siblings];
  for (const sku of skus) {
    const positions = all.filter((e) => e.position.sku === sku);
    const inputs = positions.map(asTransferInput).filter((x): x is TransferInput => x !== undefined);
    const pack = positions.find((e) => e.item)?.item?.packSize ?? 1;
    for (const t of suggestTransfers(inputs, pack)) {
      note(evaluated, sku, t.to, NEEDS, `${TRANSFER_FROM}:${t.from}`, t.qty);
      note(evaluated, sku, t.from, EXCESS, `${TRANSFER_TO}:${t.to}`, t.qty);
    }
  }
}

/** Puts the transfer on the position's findings of the given kinds (only positions of this batch carry alerts). */
function note(evaluated: EvaluatedPosition[], sku: string, location: string, types: Set<Finding['type']>, key: string, qty: number): void {
  const target = evaluated.find((e) => e.position.sku === sku && e.position.locationId === location);
  for (const finding of target?.decision.alerts ?? []) if (types.has(finding.type)) finding.facts = { ...finding.facts, [key]: qty };
}
