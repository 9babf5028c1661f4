// Replenishment events: ReplenishmentRequested (the order the hub asks a supplier to fill, sent by the send-replenishment
// Lambda), and for buyers ReplenishmentApprovalRequested and SupplierFinding (handled by dispatch-alerts).
import { z } from 'zod';
import { findingSchema, type Finding } from '../shared/engine/snapshot.js';
import { isoDate } from '../shared/model.js';
import type { ApprovalTask } from '../shared/replenishment/approval.js';

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

/** A request above the auto-approve limit waits for a buyer (shared/replenishment/approval.ts's ApprovalTask). */
export const replenishmentApprovalRequested = z.object({
  idempotencyKey: z.string().min(1),
  revision: z.number().int().positive(),
  supplierId: z.string().min(1),
  locationId: z.string().min(1),
  total: z.number().nonnegative(),
  currency: z.string().min(1),
  reason: z.string(),
  /** The limit the request reached (total or one category's subtotal), for wording the reason in the reader's language. */
  rule: z.object({ kind: z.enum(['total', 'category']), amount: z.number(), limit: z.number(), category: z.string().optional() }).optional(),
  lines: z.array(z.object({
    sku: z.string().min(1),
    /** The product's name from the item master. */
    name: z.string().optional(),
    qty: z.number().nonnegative(),
    needBy: z.string(),
    /** Units short before the line can arrive: a transfer or expediting must cover them. */
    shortBeforeArrival: z.number().nonnegative().optional(),
    amount: z.number().nonnegative(),
    category: z.string().optional(),
  })),
  /** What alert routes match on (see docs/alerts.md, approval tasks). */
  labels: z.object({ supplier: z.string(), location: z.string(), category: z.array(z.string()) }),
  requestedAt: z.iso.datetime({ offset: true }),
});

/** A condition about a supplier (a rejection without backup, a missed SLA), raised as a supplier alert. */
export const supplierFinding = findingSchema.extend({
  supplierId: z.string().min(1),
  locationId: z.string().min(1).optional(),
});

// Compile-time check that the bus schemas and the producer's types describe the same shapes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const shapesAgree: [Same<z.infer<typeof replenishmentApprovalRequested>, ApprovalTask>, Same<z.infer<typeof supplierFinding>, Finding & { supplierId: string; locationId?: string }>] = [true, true];
void shapesAgree;
