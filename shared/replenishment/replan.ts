// Re-planning to the backup supplier when the first choice rejects, ships short or misses the acknowledgement SLA.
import type { Finding } from '../engine/snapshot.js';
import type { ReplenishmentSupplier } from './config.js';
import type { DraftLine, ReplenishmentRequest, RequestDraft } from './request.js';

export type ReplanReason = 'rejected' | 'short' | 'sla-missed';

/** The backup request for a shortfall: one per backup supplier, location and the original's order day. */
export const replanKey = (backupSupplierId: string, original: ReplenishmentRequest): string =>
  `${backupSupplierId}|${original.locationId}|${original.orderDay}|replan`;

/** Lines whose quantity the supplier will not deliver and that were not yet moved elsewhere. */
export function shortfalls(request: ReplenishmentRequest): (DraftLine & { lineNo: number })[] {
  return request.lines.flatMap((l) => {
    if (l.replannedTo || l.status === 'cancelled' || l.status === 'received') return [];
    const short = l.status === 'rejected' ? l.qty : l.confirmedQty === undefined ? 0 : l.qty - l.confirmedQty;
    return short > 0 ? [{ lineNo: l.lineNo, sku: l.sku, qty: short, needBy: l.needBy, unitCost: l.unitCost, ...(l.category ? { category: l.category } : {}) }] : [];
  });
}

export interface ReplanOutcome {
  /** The original with its shortfall lines marked as moved. */
  request: ReplenishmentRequest;
  /** The backup request to create or amend; absent when there is no backup supplier. */
  draft?: RequestDraft;
  /** The exception a buyer must see. */
  finding: Finding;
}

/**
 * Moves the shortfall (or, for a missed SLA, every open line) to the backup supplier. Without a backup,
 * the lines stay and a critical SUPPLY_GAP finding asks a buyer to source them.
 */
export function replanToBackup(request: ReplenishmentRequest, reason: ReplanReason, suppliers: ReadonlyMap<string, ReplenishmentSupplier>, at: Date): ReplanOutcome | undefined {
  const moving = reason === 'sla-missed'
    ? request.lines.filter((l) => l.status === 'open' && !l.replannedTo).map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: l.qty, needBy: l.needBy, unitCost: l.unitCost, ...(l.category ? { category: l.category } : {}) }))
    : shortfalls(request);
  if (moving.length === 0) return undefined;
  const backupId = suppliers.get(request.supplierId)?.backupSupplierId;
  const backup = backupId ? suppliers.get(backupId) : undefined;
  const units = moving.reduce((s, l) => s + l.qty, 0);
  const why = reason === 'rejected' ? 'rejected' : reason === 'short' ? 'confirmed short' : 'was not acknowledged in time';
  const facts = { supplierId: request.supplierId, locationId: request.locationId, requestKey: request.idempotencyKey, units, lines: moving.length, reason };
  if (!backup) {
    const escalatedAt = reason === 'sla-missed' ? { escalatedAt: at.toISOString() } : {};
    return {
      request: { ...request, ...escalatedAt, updatedAt: at.toISOString() },
      finding: { type: 'SUPPLY_GAP', severity: 'critical', facts,
        message: `Request ${request.idempotencyKey} ${why}: ${units} units on ${moving.length} line(s) have no supplier and no backup is configured`,
        suggestedAction: `source ${moving.map((l) => `${l.qty} × ${l.sku}`).join(', ')} for ${request.locationId} elsewhere, or set backupSupplierId for ${request.supplierId}` },
    };
  }
  const key = replanKey(backup.id, request);
  const movedNos = new Set(moving.map((l) => l.lineNo));
  const lines = request.lines.map((l) => {
    if (!movedNos.has(l.lineNo)) return l;
    // An unacknowledged or rejected line leaves this supplier entirely; a short line keeps its confirmed part.
    const gone = reason === 'sla-missed' || l.status === 'rejected';
    return { ...l, replannedTo: key, ...(gone ? { status: 'replanned' as const } : {}) };
  });
  const allGone = lines.every((l) => l.status === 'replanned' || l.status === 'rejected' || l.status === 'cancelled');
  return {
    request: { ...request, lines, ...(reason === 'sla-missed' ? { escalatedAt: at.toISOString() } : {}), ...(allGone && reason === 'sla-missed' ? { state: 'cancelled' as const } : {}), updatedAt: at.toISOString() },
    draft: { idempotencyKey: key, supplierId: backup.id, locationId: request.locationId, orderDay: request.orderDay, replannedFrom: request.idempotencyKey, lines: moving.map(({ lineNo: _n, ...l }) => l) },
    finding: { type: 'SUPPLY_GAP', severity: 'warning', facts: { ...facts, backupSupplierId: backup.id },
      message: `Request ${request.idempotencyKey} ${why}; ${units} units re-planned to backup supplier ${backup.id}`,
      suggestedAction: `check request ${key} with ${backup.id}` },
  };
}

/** Sent requests with no acknowledgement past their due time, not yet escalated. */
export function overdueAcks(requests: Iterable<ReplenishmentRequest>, now: Date): ReplenishmentRequest[] {
  const iso = now.toISOString();
  return [...requests].filter((r) => r.state === 'sent' && !r.ackedAt && !r.escalatedAt && r.ackDueAt !== undefined && r.ackDueAt <= iso);
}

/** When the supplier must acknowledge a request sent at `sentAt`. */
export const ackDueAt = (sentAt: Date, slaHours: number): string => new Date(sentAt.getTime() + slaHours * 3_600_000).toISOString();
