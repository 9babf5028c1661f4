// Shared fixtures for the replenishment unit tests.
import type { Item } from '../../../shared/model.js';
import { approvalPolicy, type ReplenishmentSupplier } from '../../../shared/replenishment/config.js';
import { newRequest, type ReplenishmentRequest, type RequestDraft } from '../../../shared/replenishment/request.js';

export const T0 = new Date('2026-05-04T08:00:00Z');

export const items = new Map<string, Item>([
  ['SKU-A', { sku: 'SKU-A', unitCost: 2.5, packSize: 12, moq: 24, category: 'dairy' }],
  ['SKU-B', { sku: 'SKU-B', unitCost: 10, packSize: 6, category: 'dry' }],
  ['SKU-C', { sku: 'SKU-C', unitCost: 0.4 }],
]);

export const suppliers = new Map<string, ReplenishmentSupplier>([
  ['sup-std', { id: 'sup-std', leadTimeDays: 5, format: 'json', endpoint: 'https://sup-std.example/orders', backupSupplierId: 'sup-alt' }],
  ['sup-alt', { id: 'sup-alt', leadTimeDays: 8, format: 'json', endpoint: 'https://sup-alt.example/orders' }],
  ['sup-solo', { id: 'sup-solo', leadTimeDays: 3, format: 'email', email: 'orders@solo.example' }],
]);

export const autoApprove = approvalPolicy.parse({ autoApproveBelow: 10_000 });

export const draft = (lines: RequestDraft['lines'], supplierId = 'sup-std'): RequestDraft =>
  ({ idempotencyKey: `${supplierId}|store-1|2026-05-04`, supplierId, locationId: 'store-1', orderDay: '2026-05-04', lines });

/** A request as it is after send-replenishment delivered revision 1. */
export function sentRequest(lines: RequestDraft['lines'] = [
  { sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 },
  { sku: 'SKU-B', qty: 12, needBy: '2026-05-11', unitCost: 10 },
], supplierId = 'sup-std'): ReplenishmentRequest {
  const r = newRequest(draft(lines, supplierId), { currency: 'EUR', approval: autoApprove, at: T0 });
  return { ...r, state: 'sent', sentRevision: 1, sentAt: T0.toISOString(), ackDueAt: '2026-05-06T08:00:00.000Z', version: 2 };
}
