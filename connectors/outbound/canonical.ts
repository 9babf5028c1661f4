// The request as the canonical order every format starts from (shared/replenishment/wire.ts documents it).
import type { ReplenishmentRequest } from '../../shared/replenishment/request.js';
import { ORDER_SCHEMA_ID, type CanonicalOrder } from '../../shared/replenishment/wire.js';
import { toDay } from '../../shared/time.js';

// Three places cover fractional units (kg, m); trailing zeros dropped so 10 travels as "10".
const quantity = (value: number): string => String(Number(value.toFixed(3)));
const money = (value: number): string => value.toFixed(2);

/** Lines the supplier should deliver: cancelled, rejected and re-planned lines are left out. */
export function toCanonicalOrder(request: ReplenishmentRequest, buyerId: string, at: Date): CanonicalOrder {
  const lines = request.lines.filter((l) => l.status === 'open' || l.status === 'confirmed' || l.status === 'shipped');
  return {
    schema: ORDER_SCHEMA_ID,
    poNumber: request.idempotencyKey,
    revision: request.revision,
    type: request.sentRevision === undefined ? 'new' : 'update',
    issueDate: toDay(at),
    issuedAt: at.toISOString(),
    buyerId,
    supplierId: request.supplierId,
    shipTo: { locationId: request.locationId },
    currency: request.currency,
    total: money(lines.reduce((s, l) => s + l.amount, 0)),
    lines: lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: quantity(l.qty), uom: 'EA', unitPrice: money(l.unitCost), requestedDate: l.needBy })),
  };
}
