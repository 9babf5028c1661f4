// The replenishment workflow over ports: plan, approve, send bookkeeping, acknowledgements, receipts, SLA sweep, scorecards.
import { mapLimited } from '../concurrency.js';
import type { Item } from '../model.js';
import type { Clock } from '../ports.js';
import type { Finding } from '../engine/snapshot.js';
import { toDay } from '../time.js';
import type { ReplenishmentConfig, ReplenishmentSupplier } from './config.js';
import { ACK_SOURCE, applyAck, applyReceipt, applyShipNotice, inboundRecords } from './ack.js';
import { approvalTask, decideApproval, type ApprovalDecision, type ApprovalTask } from './approval.js';
import { AckInvalidError, AckReplayedError, ReceiptForbiddenError, RequestConflictError, RequestNotFoundError, RequestStateInvalidError, SupplierUnknownError } from './errors.js';
import { buildScorecard, type SupplierScorecard } from './lead-time.js';
import type { InboundMessage, InboundWriter, RequestStore } from './ports.js';
import { ackDueAt, overdueAcks, replanToBackup, type ReplanReason } from './replan.js';
import {
  amendRequest, consolidate, newRequest, toRequestedDetail,
  type ReplenishDecision, type ReplenishmentRequest, type ReplenishmentRequestedDetail, type RequestDraft, type SkippedDecision,
} from './request.js';
import type { GoodsReceipt, SupplierMessage } from './wire.js';

export interface ReplenishmentDeps {
  requests: RequestStore;
  clock: Clock;
  config: ReplenishmentConfig;
  suppliers: ReadonlyMap<string, ReplenishmentSupplier>;
}

/** What the caller publishes on the bus after the state change is stored. */
export type ReplenishmentEvent =
  | { detailType: 'ReplenishmentRequested'; detail: ReplenishmentRequestedDetail }
  | { detailType: 'ReplenishmentApprovalRequested'; detail: ApprovalTask }
  | { detailType: 'SupplierFinding'; detail: Finding & { supplierId: string; locationId?: string } };

export interface Outcome { requests: ReplenishmentRequest[]; events: ReplenishmentEvent[] }

const MAX_ATTEMPTS = 8;
/** Request drafts written at once by one planning call (each is one conditional write). */
const WRITE_CONCURRENCY = 16;

/** The event a stored request calls for: approved and not yet sent at this revision → send; waiting → ask a buyer. */
function eventsFor(request: ReplenishmentRequest, at: Date): ReplenishmentEvent[] {
  if (request.state === 'pending_approval') return [{ detailType: 'ReplenishmentApprovalRequested', detail: approvalTask(request, at) }];
  if (request.state === 'approved' && request.sentRevision !== request.revision) return [{ detailType: 'ReplenishmentRequested', detail: toRequestedDetail(request, at) }];
  return [];
}

/** Read, change, conditional write; on a lost race read again, so concurrent writers never fork or lose an update. */
async function mutate(requests: RequestStore, key: string,
  change: (current: ReplenishmentRequest) => ReplenishmentRequest | undefined,
  extras?: Parameters<RequestStore['save']>[1]): Promise<{ before: ReplenishmentRequest; after: ReplenishmentRequest } | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await requests.get(key);
    if (!current) throw new RequestNotFoundError(key);
    const next = change(current);
    if (!next) return undefined;
    const result = await requests.save(next, extras);
    if (result.status === 'saved') return { before: current, after: result.request };
    if (result.status === 'replayed') throw new AckReplayedError(extras?.message?.senderId ?? '?', extras?.message?.messageId ?? '?');
  }
  throw new RequestConflictError(key, MAX_ATTEMPTS);
}

/**
 * Creates the request, or amends the one already there for the same supplier × location × day. `known` is the stored
 * request when the caller already read it (null: none stored), saving the first read.
 */
export async function submitDraft(deps: ReplenishmentDeps, draft: RequestDraft, known?: ReplenishmentRequest | null): Promise<{ request: ReplenishmentRequest; change: 'created' | 'amended' | 'unchanged'; events: ReplenishmentEvent[] }> {
  const at = deps.clock.now();
  const ctx = { currency: deps.config.currency, approval: deps.config.approval, at };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing = attempt === 0 && known !== undefined ? known ?? undefined : await deps.requests.get(draft.idempotencyKey);
    if (!existing) {
      const created = await deps.requests.create(newRequest(draft, ctx));
      if (created) return { request: created, change: 'created', events: eventsFor(created, at) };
      continue;
    }
    const { request, amended } = amendRequest(existing, draft, ctx);
    // An approved request not yet sent is re-announced, so a lost event is healed by the next evaluation (sending is idempotent).
    if (!amended) return { request: existing, change: 'unchanged', events: eventsFor(existing, at).filter((e) => e.detailType === 'ReplenishmentRequested') };
    const saved = await deps.requests.save(request);
    // Buyers are asked again only for a material change (amendRequest marks it announced); small drifts stay quiet.
    const askedAlready = (e: ReplenishmentEvent) => e.detailType === 'ReplenishmentApprovalRequested' && request.announcedRevision !== request.revision;
    if (saved.status === 'saved') return { request: saved.request, change: 'amended', events: eventsFor(saved.request, at).filter((e) => !askedAlready(e)) };
  }
  throw new RequestConflictError(draft.idempotencyKey, MAX_ATTEMPTS);
}

/**
 * The evaluator's entry point: today's `replenish` decisions → stored requests and the events to publish. Decisions are
 * consolidated first (one write per request, however many positions it covers), the requests read in one batch.
 */
export async function planReplenishment(deps: ReplenishmentDeps, decisions: readonly ReplenishDecision[], items: ReadonlyMap<string, Item>):
  Promise<Outcome & { skipped: SkippedDecision[] }> {
  const { drafts, skipped } = consolidate(decisions, items, toDay(deps.clock.now()));
  const out: Outcome & { skipped: SkippedDecision[] } = { requests: [], events: [], skipped };
  const known = drafts.filter((d) => deps.suppliers.has(d.supplierId));
  for (const draft of drafts) {
    if (deps.suppliers.has(draft.supplierId)) continue;
    for (const l of draft.lines) skipped.push({ sku: l.sku, location: draft.locationId, reason: new SupplierUnknownError(draft.supplierId).message });
  }
  if (known.length === 0) return out;
  const stored = await deps.requests.getMany(known.map((d) => d.idempotencyKey));
  const results = await mapLimited(known, WRITE_CONCURRENCY, (draft) => submitDraft(deps, draft, stored.get(draft.idempotencyKey) ?? null));
  for (const result of results) {
    out.requests.push(result.request);
    out.events.push(...result.events);
  }
  return out;
}

/** A buyer approves (optionally changing quantities) or cancels a request waiting for approval. */
export async function decide(deps: ReplenishmentDeps, key: string, decision: ApprovalDecision, packRules?: ReadonlyMap<string, Pick<Item, 'packSize' | 'moq'>>): Promise<Outcome> {
  const at = deps.clock.now();
  const done = await mutate(deps.requests, key, (r) => decideApproval(r, decision, at, packRules));
  const request = done?.after;
  return request ? { requests: [request], events: eventsFor(request, at) } : { requests: [], events: [] };
}

/**
 * Claims the delivery of `revision` with a conditional write on the request, so concurrent senders (duplicate events)
 * send it once: true for the one caller that won; false when it is sent, superseded or claimed by another for `leaseMs`.
 */
export async function claimSend(deps: ReplenishmentDeps, key: string, revision: number, leaseMs: number): Promise<boolean> {
  const at = deps.clock.now();
  const done = await mutate(deps.requests, key, (r) => {
    if (r.state !== 'approved' || r.revision !== revision || (r.sentRevision ?? 0) >= revision) return undefined;
    if (r.sendClaim?.revision === revision && Date.parse(r.sendClaim.until) > at.getTime()) return undefined;
    return { ...r, sendClaim: { revision, until: new Date(at.getTime() + leaseMs).toISOString() } };
  });
  return done !== undefined;
}

/** Gives a failed delivery's claim back, so a retry of the event (or its redrive) can send at once. */
export async function releaseSend(deps: ReplenishmentDeps, key: string, revision: number): Promise<void> {
  await mutate(deps.requests, key, (r) => (r.sendClaim?.revision === revision ? { ...r, sendClaim: undefined } : undefined));
}

/** Records that `revision` reached the supplier; starts the acknowledgement clock. Idempotent. */
export async function markSent(deps: ReplenishmentDeps, key: string, revision: number): Promise<ReplenishmentRequest | undefined> {
  const at = deps.clock.now();
  const sla = deps.suppliers.get(key.split('|')[0] ?? '')?.ackSlaHours ?? deps.config.ackSlaHours;
  const done = await mutate(deps.requests, key, (r) => {
    if ((r.sentRevision ?? 0) >= revision) return undefined;
    // Amended while this revision was on the wire: remember what the supplier has; the newer revision is still to send.
    if (r.revision !== revision) return { ...r, sentRevision: revision, sentAt: r.sentAt ?? at.toISOString(), updatedAt: at.toISOString(), sendClaim: undefined };
    if (r.state !== 'approved') return undefined;
    return { ...r, state: r.ackedAt ? 'acknowledged' : 'sent', sentRevision: revision, sendClaim: undefined,
      sentAt: r.sentAt ?? at.toISOString(), ackDueAt: ackDueAt(at, sla), updatedAt: at.toISOString() };
  });
  return done?.after;
}

async function writeInbound(inventory: InboundWriter, request: ReplenishmentRequest, at: Date): Promise<void> {
  const records = inboundRecords(request);
  if (records.length > 0) await inventory.upsertPositions(ACK_SOURCE, records, at);
}

/** After an ack or notice: move what will not come to the backup supplier. */
async function replanAfter(deps: ReplenishmentDeps, request: ReplenishmentRequest, reason: ReplanReason): Promise<Outcome> {
  const at = deps.clock.now();
  let finding: Finding | undefined;
  let draft: RequestDraft | undefined;
  const done = await mutate(deps.requests, request.idempotencyKey, (current) => {
    const outcome = replanToBackup(current, reason, deps.suppliers, at);
    finding = outcome?.finding;
    draft = outcome?.draft;
    return outcome?.draft || reason === 'sla-missed' ? outcome?.request : undefined;
  });
  const out: Outcome = { requests: done ? [done.after] : [request], events: [] };
  if (finding) out.events.push({ detailType: 'SupplierFinding', detail: { ...finding, supplierId: request.supplierId, locationId: request.locationId } });
  if (draft) {
    const backup = await submitDraft(deps, draft);
    out.requests.push(backup.request);
    out.events.push(...backup.events);
  }
  return out;
}

/**
 * A supplier's acknowledgement or ship notice (already authenticated and parsed). Stores it with its message id
 * (a replay changes nothing), puts confirmed lines on the positions as inbound, and re-plans any shortfall.
 */
export async function receiveSupplierMessage(deps: ReplenishmentDeps & { inventory: InboundWriter }, supplierId: string, message: SupplierMessage, rawBody: string): Promise<Outcome> {
  const at = deps.clock.now();
  const existing = await deps.requests.get(message.poNumber);
  if (!existing || existing.supplierId !== supplierId) {
    throw new AckInvalidError(`poNumber: no request "${message.poNumber}" was sent to supplier ${supplierId}`, 'poNumber');
  }
  const record: InboundMessage = { senderId: supplierId, messageId: message.messageId, kind: message.type, requestKey: message.poNumber, receivedAt: at.toISOString(), body: rawBody };
  let done: Awaited<ReturnType<typeof mutate>>;
  try {
    done = await mutate(deps.requests, message.poNumber,
      (r) => (message.type === 'ack' ? applyAck(r, message, at, deps.config.overConfirmTolerance) : applyShipNotice(r, message, at, deps.config.overConfirmTolerance)), { message: record });
  } catch (error) {
    // A replay may be a retry after the inbound write failed: rewriting the stored inbound is idempotent and heals that.
    if (error instanceof AckReplayedError) await writeInbound(deps.inventory, (await deps.requests.get(message.poNumber)) ?? existing, at);
    throw error;
  }
  if (!done) throw new RequestStateInvalidError(message.poNumber, existing.state, 'acknowledged');
  await writeInbound(deps.inventory, done.after, at);
  const hasShortfall = done.after.lines.some((l) => !l.replannedTo && (l.status === 'rejected' || (l.confirmedQty !== undefined && l.confirmedQty < l.qty)));
  if (!hasShortfall) return { requests: [done.after], events: [] };
  return replanAfter(deps, done.after, done.after.lines.some((l) => l.status === 'rejected' && !l.replannedTo) ? 'rejected' : 'short');
}

/**
 * Goods received against a request: closes its lines, takes the delivered quantity off inbound, learns the lead time.
 * `supplierId`: the receipt comes from a supplier, who may post it for its own orders only.
 */
export async function recordReceipt(deps: ReplenishmentDeps & { inventory: InboundWriter }, source: string, receipt: GoodsReceipt, rawBody: string, supplierId?: string): Promise<ReplenishmentRequest> {
  const at = deps.clock.now();
  const message: InboundMessage = { senderId: source, messageId: receipt.receiptId, kind: 'receipt', requestKey: receipt.poNumber, receivedAt: at.toISOString(), body: rawBody };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await deps.requests.get(receipt.poNumber);
    if (!current) throw new RequestNotFoundError(receipt.poNumber);
    if (supplierId !== undefined && current.supplierId !== supplierId) throw new ReceiptForbiddenError(receipt.poNumber, supplierId);
    const applied = applyReceipt(current, receipt, at, deps.config.overConfirmTolerance);
    const saved = await deps.requests.save(applied.request, { message, observations: applied.observations });
    if (saved.status === 'replayed') throw new AckReplayedError(source, receipt.receiptId);
    if (saved.status === 'saved') {
      await writeInbound(deps.inventory, saved.request, at);
      return saved.request;
    }
  }
  throw new RequestConflictError(receipt.poNumber, MAX_ATTEMPTS);
}

/** The SLA sweep: sent requests not acknowledged in time are escalated and re-planned to the backup supplier. */
export async function sweepOverdueAcks(deps: ReplenishmentDeps): Promise<Outcome> {
  const out: Outcome = { requests: [], events: [] };
  for (const request of overdueAcks(await deps.requests.listByState('sent'), deps.clock.now())) {
    const result = await replanAfter(deps, request, 'sla-missed');
    out.requests.push(...result.requests);
    out.events.push(...result.events);
  }
  return out;
}

/** Scorecards of every configured supplier from its stored receipts; stored for the CLI and the engine. */
export async function refreshScorecards(deps: ReplenishmentDeps): Promise<SupplierScorecard[]> {
  const at = deps.clock.now();
  const cards: SupplierScorecard[] = [];
  for (const supplier of [...deps.suppliers.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const card = buildScorecard(supplier.id, supplier.leadTimeDays, await deps.requests.listObservations(supplier.id), deps.config.leadTimeRisk);
    await deps.requests.putScorecard(card, at);
    cards.push(card);
  }
  return cards;
}
