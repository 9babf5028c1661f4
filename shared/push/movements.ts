// Stock movements from a WMS, POS or RFID gateway: their wire schema and what each does to positions and demand.
import { z } from 'zod';
import { isoDateTime, type StockChange } from '../model.js';
import { FUTURE_TOLERANCE_MS } from './batch.js';

export const MOVEMENT_TYPES = ['receipt', 'issue', 'sale', 'return', 'transfer', 'adjustment', 'count'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/** A movement as senders post it (the wire schema; `movementSchema` adds the rules between fields). */
export const movementFields = z.object({
  eventId: z.string().min(1).max(200).describe('Unique per movement at its source: a movement sent twice is applied once.'),
  type: z.enum(MOVEMENT_TYPES).describe('sale: sold to a customer (stock down, demand up); return: a customer return (stock up, demand down); receipt / issue: goods in / out; transfer: from locationId to toLocationId at once; adjustment: a signed correction; count: the quantity counted, as of `at`.'),
  sku: z.string().min(1).max(200),
  locationId: z.string().min(1).max(200).describe('The hub location (hub.config locations, or as the pulls name it).'),
  qty: z.number().finite().describe('receipt, issue, sale, return, transfer: the quantity moved (> 0); adjustment: the signed change (≠ 0); count: the quantity counted (≥ 0).'),
  at: isoDateTime.describe('When it happened at the source, with its offset; at most 5 minutes ahead of the hub\'s clock. A count overrules what happened before it, never what came after.'),
  toLocationId: z.string().min(1).max(200).optional().describe('transfer only: where the stock went.'),
  reason: z.string().max(500).optional(),
});
export type Movement = z.infer<typeof movementFields>;

/** The movement schema, judged against the hub's clock `now` (a movement from the future is refused). */
export function movementSchema(now: Date): z.ZodType<Movement> {
  return movementFields.superRefine((m, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (m.type === 'count' && m.qty < 0) issue('qty', 'a count cannot be negative');
    else if (m.type === 'adjustment' && m.qty === 0) issue('qty', 'an adjustment of 0 changes nothing');
    else if (m.type !== 'count' && m.type !== 'adjustment' && m.qty <= 0) issue('qty', `a ${m.type} moves a positive quantity; use an adjustment for corrections`);
    if (m.type === 'transfer' && !m.toLocationId) issue('toLocationId', 'a transfer needs the location it goes to');
    if (m.type === 'transfer' && m.toLocationId === m.locationId) issue('toLocationId', 'a transfer must go to another location');
    if (m.type !== 'transfer' && m.toLocationId) issue('toLocationId', 'only a transfer has a destination');
    if (Date.parse(m.at) > now.getTime() + FUTURE_TOLERANCE_MS) issue('at', `${m.at} is in the future (the hub's clock says ${now.toISOString()})`);
  });
}

/** A change to one position. */
export interface PositionChange { sku: string; locationId: string; change: StockChange }

/**
 * What a movement does: a sale takes stock and adds demand, a (customer) return puts stock back and takes demand away,
 * a transfer moves stock between two locations at once, a count sets on-hand as of its time.
 */
export function movementChanges(m: Movement): PositionChange[] {
  const at = m.at;
  const move = (locationId: string, qty: number, sold?: number): PositionChange =>
    ({ sku: m.sku, locationId, change: { id: m.eventId, at, kind: 'move', qty, ...(sold ? { sold } : {}) } });
  switch (m.type) {
    case 'receipt': return [move(m.locationId, m.qty)];
    case 'issue': return [move(m.locationId, -m.qty)];
    case 'sale': return [move(m.locationId, -m.qty, m.qty)];
    case 'return': return [move(m.locationId, m.qty, -m.qty)];
    case 'adjustment': return [move(m.locationId, m.qty)];
    case 'transfer': return [move(m.locationId, -m.qty), move(m.toLocationId!, m.qty)];
    case 'count': return [{ sku: m.sku, locationId: m.locationId, change: { id: m.eventId, at, kind: 'count', qty: m.qty } }];
  }
}

/** Position records for InventoryStore.upsertPositions: one per position, with all its changes. */
export function changeRecords(changes: readonly PositionChange[]): { sku: string; locationId: string; changes: StockChange[] }[] {
  const byPosition = new Map<string, { sku: string; locationId: string; changes: StockChange[] }>();
  for (const c of changes) {
    const key = `${c.sku}\u0000${c.locationId}`;
    const entry = byPosition.get(key) ?? { sku: c.sku, locationId: c.locationId, changes: [] };
    entry.changes.push(c.change);
    byPosition.set(key, entry);
  }
  return [...byPosition.values()];
}
