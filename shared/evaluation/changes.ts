// Which stream records deserve an evaluation: positions whose quantities changed. Pure.
import type { Position } from '../model.js';

const QUANTITY_FIELDS = ['onHand', 'reserved', 'inbound', 'openOrders', 'lots', 'vanishedAt'] as const;

/** True when a position appeared, or any quantity the engine reads differs between the two images. */
export function quantitiesChanged(oldImage: Partial<Position> | undefined, newImage: Partial<Position> | undefined): boolean {
  if (!newImage) return false;
  if (!oldImage) return true;
  return QUANTITY_FIELDS.some((f) => JSON.stringify(oldImage[f] ?? null) !== JSON.stringify(newImage[f] ?? null));
}
