// ReplenishmentRequested: the order the hub asks a supplier to fill (sent by the send-replenishment Lambda).
import { z } from 'zod';
import { isoDate } from '../shared/model.js';

export const REPLENISHMENT_SOURCE = 'stocksentry.replenishment';

export const replenishmentRequested = z.object({
  /** Same request, same key: the supplier side and the hub dedupe on it. */
  idempotencyKey: z.string().min(1),
  supplierId: z.string().min(1),
  locationId: z.string().min(1),
  lines: z.array(z.object({
    sku: z.string().min(1),
    qty: z.number().positive(),
    needBy: isoDate,
    unitCost: z.number().nonnegative().optional(),
  })).min(1),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type ReplenishmentRequested = z.infer<typeof replenishmentRequested>;
