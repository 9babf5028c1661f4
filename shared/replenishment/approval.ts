// Approval policy: small routine requests go out at once; larger ones wait for a buyer's approve/change/cancel.
import type { ApprovalPolicy } from './config.js';
import type { ReplenishmentRequest, RequestLine } from './request.js';
import { changesSince, requestTotal, roundMoney, roundToPack } from './request.js';
import { RequestLineUnknownError, RequestRevisionChangedError, RequestStateInvalidError } from './errors.js';

/** The limit a request reached: its total against the supplier's (or the default) limit, or one category's subtotal. */
export interface ApprovalRule { kind: 'total' | 'category'; amount: number; limit: number; category?: string }

export interface ApprovalState {
  required: boolean;
  /** Why approval is or is not needed, in words a buyer reads. */
  reason: string;
  /** The same as data, so messages can say it in the reader's language. */
  rule?: ApprovalRule;
  decidedBy?: string;
  decidedAt?: string;
}

export function evaluateApproval(supplierId: string, lines: readonly Pick<RequestLine, 'amount' | 'category' | 'status'>[], policy: Omit<ApprovalPolicy, 'materialChangeShare'>): ApprovalState {
  const live = lines.filter((l) => l.status !== 'cancelled');
  const total = roundMoney(live.reduce((s, l) => s + l.amount, 0));
  const threshold = policy.bySupplier[supplierId] ?? policy.autoApproveBelow;
  if (total >= threshold) {
    return { required: true, reason: `total ${total} is not below the auto-approve limit ${threshold} for supplier ${supplierId}`, rule: { kind: 'total', amount: total, limit: threshold } };
  }
  const byCategory = new Map<string, number>();
  for (const l of live) if (l.category !== undefined) byCategory.set(l.category, (byCategory.get(l.category) ?? 0) + l.amount);
  for (const [category, subtotal] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    const limit = policy.byCategory[category];
    if (limit !== undefined && roundMoney(subtotal) >= limit) {
      return { required: true, reason: `category ${category} subtotal ${roundMoney(subtotal)} is not below its auto-approve limit ${limit}`, rule: { kind: 'category', amount: roundMoney(subtotal), limit, category } };
    }
  }
  return { required: false, reason: `total ${total} is below the auto-approve limit ${threshold}` };
}

/**
 * A buyer's decision is about the revision they saw: `revision` must be the request's current one, so nobody
 * approves (or rejects) an order that has grown or changed since they looked at it.
 */
export type ApprovalDecision =
  | { action: 'approve'; revision: number; by: string; changes?: { sku: string; qty: number }[] }
  | { action: 'cancel'; revision: number; by: string; reason?: string };

/** A buyer's decision on a request waiting for approval; changed quantities are rounded to pack/MOQ like the engine's. */
export function decideApproval(request: ReplenishmentRequest, decision: ApprovalDecision, at: Date,
  packRules: ReadonlyMap<string, { packSize?: number; moq?: number }> = new Map()): ReplenishmentRequest {
  // Bound to the revision the person saw: checked inside the conditional write, so a change cannot slip in between.
  if (decision.revision !== request.revision) throw new RequestRevisionChangedError(request, decision.revision, changesSince(request, decision.revision));
  if (request.state !== 'pending_approval') throw new RequestStateInvalidError(request.idempotencyKey, request.state, decision.action === 'approve' ? 'approved' : 'cancelled');
  const decided = { decidedBy: decision.by, decidedAt: at.toISOString() };
  if (decision.action === 'cancel') {
    return { ...request, state: 'cancelled', lines: request.lines.map((l) => ({ ...l, status: 'cancelled' })), total: 0,
      approval: { ...request.approval, ...decided, reason: decision.reason ?? `cancelled by ${decision.by}` }, updatedAt: at.toISOString() };
  }
  const lines = request.lines.map((l) => ({ ...l }));
  for (const change of decision.changes ?? []) {
    const line = lines.find((l) => l.sku === change.sku);
    if (!line) throw new RequestLineUnknownError(request.idempotencyKey, change.sku);
    line.qty = roundToPack(change.qty, packRules.get(change.sku) ?? {});
    line.amount = roundMoney(line.qty * line.unitCost);
    if (line.qty === 0) line.status = 'cancelled';
  }
  const state = lines.every((l) => l.status === 'cancelled') ? 'cancelled' : 'approved';
  return { ...request, lines, total: requestTotal(lines), state, approval: { ...request.approval, ...decided }, updatedAt: at.toISOString() };
}

/**
 * The task a buyer gets for a request above the limit. Published as detail-type `ReplenishmentApprovalRequested`;
 * `labels` are what alert routes match on (supplier, location, category).
 */
export interface ApprovalTask {
  idempotencyKey: string;
  revision: number;
  supplierId: string;
  locationId: string;
  total: number;
  currency: string;
  reason: string;
  /** The limit the request reached, for wording the reason in the reader's language. */
  rule?: ApprovalRule;
  lines: { sku: string; name?: string; qty: number; needBy: string; shortBeforeArrival?: number; amount: number; category?: string }[];
  labels: { supplier: string; location: string; category: string[] };
  requestedAt: string;
}

export function approvalTask(request: ReplenishmentRequest, at: Date): ApprovalTask {
  const lines = request.lines.filter((l) => l.status !== 'cancelled');
  return {
    idempotencyKey: request.idempotencyKey, revision: request.revision, supplierId: request.supplierId, locationId: request.locationId,
    total: request.total, currency: request.currency, reason: request.approval.reason, ...(request.approval.rule ? { rule: request.approval.rule } : {}),
    lines: lines.map((l) => ({
      sku: l.sku, ...(l.name ? { name: l.name } : {}), qty: l.qty, needBy: l.needBy, ...(l.shortBeforeArrival ? { shortBeforeArrival: l.shortBeforeArrival } : {}),
      amount: l.amount, ...(l.category ? { category: l.category } : {}),
    })),
    labels: { supplier: request.supplierId, location: request.locationId, category: [...new Set(lines.flatMap((l) => (l.category ? [l.category] : [])))].sort() },
    requestedAt: at.toISOString(),
  };
}
