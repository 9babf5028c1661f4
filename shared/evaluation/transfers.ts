// Transfers with names: when a position needs stock (or holds too much), the SKU's other locations are paired with it
// by the engine's pairTransfers. What each location needs and can spare is kept on one board per SKU (written when it
// changes, read with the batch's items), so naming a source costs one key per SKU however many locations there are.
// The result goes into the findings' facts, so a message can say "move 24 units from South Mall store" instead of
// "transfer stock from another location".
import { pairTransfers, transferStanding, type TransferInput, type TransferStanding } from '../engine/transfers.js';
import type { Finding } from '../engine/snapshot.js';
import type { EvaluatedPosition } from './pipeline.js';

/** Findings a transfer in can help (the position is short) and out of (the position holds excess). */
const NEEDS = new Set<Finding['type']>(['STOCKOUT', 'STOCKOUT_RISK', 'LOW_STOCK', 'SUPPLY_GAP']);
const EXCESS = new Set<Finding['type']>(['OVERSTOCK', 'DEAD_STOCK']);

export const TRANSFER_FROM = 'transferFrom';
export const TRANSFER_TO = 'transferTo';

/** Units a location needs and can spare, as last evaluated. */
export interface Standing { need: number; spare: number }

/** A SKU's board: location → standing; locations that need and spare nothing are absent. */
export type TransferBoard = ReadonlyMap<string, Standing>;

/** A location's standing to store on its SKU's board; without `standing` it is removed (needs and spares nothing). */
export interface StandingChange { sku: string; locationId: string; standing?: Standing }

const asTransferInput = (e: EvaluatedPosition): TransferInput | undefined => {
  const d = e.decision as Partial<TransferInput>;
  return typeof d.inventoryPosition === 'number' && typeof d.orderUpTo === 'number' && typeof d.available === 'number' && typeof d.reorderPoint === 'number'
    ? { sku: e.position.sku, location: e.position.locationId, alerts: e.decision.alerts, reorderPoint: d.reorderPoint, orderUpTo: d.orderUpTo, inventoryPosition: d.inventoryPosition, available: d.available }
    : undefined;
};

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** A position's standing as stored; undefined when it needs and spares nothing. */
function standingOf(e: EvaluatedPosition): Standing | undefined {
  const input = asTransferInput(e);
  if (!input) return undefined;
  const { need, spare } = transferStanding(input);
  return need > 0 || spare > 0 ? { need: round(need), spare: round(spare) } : undefined;
}

const sameStanding = (a: Standing | undefined, b: Standing | undefined): boolean => a?.need === b?.need && a?.spare === b?.spare;

/**
 * Adds `transferFrom:<location>` (units to bring here) to the findings of positions that are short, and
 * `transferTo:<location>` (units to send there) to the excess findings of positions that can give, pairing the batch's
 * fresh standings with what the SKU's other locations last stored on `boards`. Returns the standings that changed
 * (the batch's positions, and `gone` ones — vanished from their source — which leave the board).
 */
export function attachTransfers(evaluated: EvaluatedPosition[], boards: ReadonlyMap<string, TransferBoard>,
  gone: readonly { sku: string; locationId: string }[] = []): StandingChange[] {
  const changes: StandingChange[] = [];
  const fresh = new Map<string, Map<string, Standing | undefined>>();
  for (const e of evaluated) {
    const { sku, locationId } = e.position;
    const standing = standingOf(e);
    let bySku = fresh.get(sku);
    if (!bySku) fresh.set(sku, (bySku = new Map()));
    bySku.set(locationId, standing);
    if (!sameStanding(boards.get(sku)?.get(locationId), standing)) changes.push({ sku, locationId, ...(standing ? { standing } : {}) });
  }
  for (const { sku, locationId } of gone) if (boards.get(sku)?.has(locationId)) changes.push({ sku, locationId });
  const skus = new Set(evaluated.filter((e) => e.decision.alerts.some((a) => NEEDS.has(a.type) || EXCESS.has(a.type))).map((e) => e.position.sku));
  if (skus.size === 0) return changes;
  const byKey = new Map(evaluated.map((e) => [`${e.position.sku}@${e.position.locationId}`, e]));
  /** Puts the transfer on the position's findings of the given kinds (only positions of this batch carry alerts). */
  const note = (sku: string, location: string, types: Set<Finding['type']>, key: string, qty: number): void => {
    for (const finding of byKey.get(`${sku}@${location}`)?.decision.alerts ?? []) if (types.has(finding.type)) finding.facts = { ...finding.facts, [key]: qty };
  };
  for (const sku of skus) {
    const here = fresh.get(sku)!;
    const standings: TransferStanding[] = [];
    for (const [location, s] of here) if (s) standings.push({ sku, location, ...s });
    for (const [location, s] of boards.get(sku) ?? []) if (!here.has(location)) standings.push({ sku, location, ...s });
    const pack = [...here.keys()].map((l) => byKey.get(`${sku}@${l}`)?.item?.packSize).find((p) => p !== undefined) ?? 1;
    for (const t of pairTransfers(standings, pack)) {
      note(sku, t.to, NEEDS, `${TRANSFER_FROM}:${t.from}`, t.qty);
      note(sku, t.from, EXCESS, `${TRANSFER_TO}:${t.to}`, t.qty);
    }
  }
  return changes;
}
