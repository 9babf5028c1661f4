// Replenishment requests: the engine's `replenish` decisions consolidated per supplier × ship-to location × order day.
import type { Item } from '../model.js';
import type { ReplenishSuggestion } from '../engine/snapshot.js';
import type { ApprovalPolicy } from './config.js';
import { evaluateApproval, type ApprovalState } from './approval.js';

export const REQUEST_STATES = ['pending_approval', 'approved', 'sent', 'acknowledged', 'rejected', 'closed', 'cancelled'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const LINE_STATES = ['open', 'confirmed', 'rejected', 'shipped', 'received', 'replanned', 'cancelled'] as const;
export type LineState = (typeof LINE_STATES)[number];

export interface RequestLine {
  lineNo: number;
  sku: string;
  /** The product's name from the item master, for people reading the request. */
  name?: string;
  /** Ordered quantity, rounded to pack size and MOQ. */
  qty: number;
  needBy: string;
  /** Units short before this line can arrive (the engine's shortBeforeArrival): a transfer or expediting must cover them. */
  shortBeforeArrival?: number;
  unitCost: number;
  amount: number;
  category?: string;
  status: LineState;
  confirmedQty?: number;
  promisedDate?: string;
  shippedQty?: number;
  receivedQty: number;
  receivedAt?: string;
  /** Key of the backup request this line's shortfall moved to. */
  replannedTo?: string;
}

export interface ReplenishmentRequest {
  /** supplier|location|orderDay: one request per supplier, ship-to location and order day. */
  idempotencyKey: string;
  supplierId: string;
  locationId: string;
  orderDay: string;
  currency: string;
  state: RequestState;
  /** Bumped on every amendment; the supplier sees it as a change order. */
  revision: number;
  /** The revision the supplier last received. */
  sentRevision?: number;
  /** A sender's claim on delivering `revision` (conditional write): others skip it until `until`, when a crashed sender's claim lapses. */
  sendClaim?: { revision: number; until: string };
  lines: RequestLine[];
  total: number;
  approval: ApprovalState;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  ackDueAt?: string;
  ackedAt?: string;
  /** Set when the SLA sweep has escalated a missing acknowledgement. */
  escalatedAt?: string;
  /** Key of the request whose shortfall this one covers (backup supplier). */
  replannedFrom?: string;
  /** What each recent revision held, so a decision on an older one can be shown the difference. */
  history?: RevisionSnapshot[];
  /** The revision buyers were last asked to approve; a later one is announced again only when it differs materially. */
  announcedRevision?: number;
  /** Optimistic-lock version, bumped by every stored write. */
  version: number;
}

/** The content of one revision as a buyer sees it. */
export interface RevisionSnapshot { revision: number; total: number; lines: { sku: string; qty: number; amount: number }[]; at: string }

/** A change of the total by more than this share (or any line added or removed) is material. */
export const DEFAULT_MATERIAL_CHANGE_SHARE = 0.1;

/** Revisions kept in `history`: a request changes a few times a day at most. */
export const HISTORY_LIMIT = 20;

export interface DraftLine { sku: string; name?: string; qty: number; needBy: string; shortBeforeArrival?: number; unitCost: number; category?: string }
export interface RequestDraft { idempotencyKey: string; supplierId: string; locationId: string; orderDay: string; lines: DraftLine[]; replannedFrom?: string }

/** What consolidation needs from a Decision: the engine's output carries more, this is all it reads. */
export interface ReplenishDecision { sku: string; location: string; replenish: ReplenishSuggestion | null }

export interface SkippedDecision { sku: string; location: string; reason: string }

export const requestKey = (supplierId: string, locationId: string, orderDay: string): string => `${supplierId}|${locationId}|${orderDay}`;

export const roundMoney = (value: number): number => Math.round(value * 100) / 100;

/** Raises qty to the MOQ, then up to a whole number of packs (a pack is the smallest unit a supplier ships). */
export function roundToPack(qty: number, item: Pick<Item, 'packSize' | 'moq'>): number {
  if (qty <= 0) return 0;
  const atLeastMoq = Math.max(qty, item.moq ?? 0);
  const pack = item.packSize ?? 1;
  // Tolerance keeps 12.000000001 packs from becoming 13 after float arithmetic upstream.
  return Math.ceil(atLeastMoq / pack - 1e-9) * pack;
}

/**
 * Groups the day's decisions into request drafts. Two decisions for the same sku × location are summed
 * (a re-run of the engine is handled by amend, not here). Decisions that cannot be ordered are returned with a reason.
 */
export function consolidate(decisions: readonly ReplenishDecision[], items: ReadonlyMap<string, Item>, orderDay: string):
  { drafts: RequestDraft[]; skipped: SkippedDecision[] } {
  const drafts = new Map<string, RequestDraft>();
  const skipped: SkippedDecision[] = [];
  for (const decision of decisions) {
    const suggestion = decision.replenish;
    if (!suggestion) continue;
    const item = items.get(decision.sku);
    if (!item) {
      skipped.push({ sku: decision.sku, location: decision.location, reason: `item "${decision.sku}" is not in the item master; load it before ordering` });
      continue;
    }
    if (!(suggestion.qty > 0)) {
      skipped.push({ sku: decision.sku, location: decision.location, reason: `suggested quantity ${suggestion.qty} is not positive` });
      continue;
    }
    const key = requestKey(suggestion.supplierId, decision.location, orderDay);
    const draft = drafts.get(key) ?? { idempotencyKey: key, supplierId: suggestion.supplierId, locationId: decision.location, orderDay, lines: [] };
    drafts.set(key, draft);
    const existing = draft.lines.find((l) => l.sku === decision.sku);
    if (existing) {
      existing.qty += suggestion.qty;
      if (suggestion.needBy < existing.needBy) existing.needBy = suggestion.needBy;
      if (suggestion.shortBeforeArrival) existing.shortBeforeArrival = (existing.shortBeforeArrival ?? 0) + suggestion.shortBeforeArrival;
    } else {
      draft.lines.push({
        sku: decision.sku, ...(item.name ? { name: item.name } : {}), qty: suggestion.qty, needBy: suggestion.needBy, unitCost: item.unitCost,
        ...(suggestion.shortBeforeArrival ? { shortBeforeArrival: suggestion.shortBeforeArrival } : {}), ...(item.category ? { category: item.category } : {}),
      });
    }
  }
  for (const draft of drafts.values()) {
    for (const line of draft.lines) line.qty = roundToPack(line.qty, items.get(line.sku) ?? {});
    draft.lines.sort((a, b) => a.sku.localeCompare(b.sku));
  }
  return { drafts: [...drafts.values()].sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey)), skipped };
}

const toLine = (draft: DraftLine, lineNo: number): RequestLine => ({
  lineNo, sku: draft.sku, ...(draft.name ? { name: draft.name } : {}), qty: draft.qty, needBy: draft.needBy, unitCost: draft.unitCost,
  amount: roundMoney(draft.qty * draft.unitCost), status: 'open', receivedQty: 0,
  ...(draft.shortBeforeArrival ? { shortBeforeArrival: draft.shortBeforeArrival } : {}),
  ...(draft.category ? { category: draft.category } : {}),
});

/** What a revision holds, as a buyer sees it (cancelled lines are gone). */
export const revisionSnapshot = (request: Pick<ReplenishmentRequest, 'revision' | 'total' | 'lines'>, at: string): RevisionSnapshot => ({
  revision: request.revision, total: request.total, at,
  lines: request.lines.filter((l) => l.status !== 'cancelled').map((l) => ({ sku: l.sku, qty: l.qty, amount: l.amount })),
});

const withSnapshot = (history: readonly RevisionSnapshot[] | undefined, snapshot: RevisionSnapshot): RevisionSnapshot[] =>
  [...(history ?? []).filter((h) => h.revision !== snapshot.revision), snapshot].slice(-HISTORY_LIMIT);

/** The difference between two revisions in the terms a buyer approves: lines added, removed, changed, and the total. */
export interface RevisionChanges {
  from: number;
  to: number;
  added: { sku: string; qty: number; amount: number }[];
  removed: { sku: string; qty: number; amount: number }[];
  changed: { sku: string; fromQty: number; toQty: number }[];
  totalFrom: number;
  totalTo: number;
}

export function revisionChanges(from: Pick<RevisionSnapshot, 'revision' | 'total' | 'lines'>, to: Pick<RevisionSnapshot, 'revision' | 'total' | 'lines'>): RevisionChanges {
  const before = new Map(from.lines.map((l) => [l.sku, l]));
  const after = new Map(to.lines.map((l) => [l.sku, l]));
  return {
    from: from.revision, to: to.revision, totalFrom: from.total, totalTo: to.total,
    added: to.lines.filter((l) => !before.has(l.sku)),
    removed: from.lines.filter((l) => !after.has(l.sku)),
    changed: to.lines.flatMap((l) => { const b = before.get(l.sku); return b && b.qty !== l.qty ? [{ sku: l.sku, fromQty: b.qty, toQty: l.qty }] : []; }),
  };
}

/** Material: lines added or removed, or the total moved by more than `share` (0.1 = 10%) either way. */
export function isMaterialChange(changes: RevisionChanges, share: number): boolean {
  if (changes.added.length > 0 || changes.removed.length > 0) return true;
  if (changes.totalFrom === 0) return changes.totalTo !== 0;
  return Math.abs(changes.totalTo - changes.totalFrom) / changes.totalFrom > share;
}

/** Plain English for the CLI and API errors: `added SKU-C (40); SKU-A 24 → 48; total 5518.52 → 9176.32 EUR`. */
export function describeChanges(changes: RevisionChanges, currency: string): string {
  const parts = [
    ...changes.added.map((l) => `added ${l.sku} (${l.qty})`),
    ...changes.removed.map((l) => `removed ${l.sku} (${l.qty})`),
    ...changes.changed.map((c) => `${c.sku} ${c.fromQty} → ${c.toQty}`),
  ];
  if (changes.totalFrom !== changes.totalTo) parts.push(`total ${changes.totalFrom.toFixed(2)} → ${changes.totalTo.toFixed(2)} ${currency}`);
  return parts.length > 0 ? parts.join('; ') : 'no change to lines or total';
}

/** The changes from revision `revision` (from the request's history) to the current one; undefined when it is unknown. */
export function changesSince(request: ReplenishmentRequest, revision: number): RevisionChanges | undefined {
  const then = request.history?.find((h) => h.revision === revision);
  return then ? revisionChanges(then, revisionSnapshot(request, request.updatedAt)) : undefined;
}

export const requestTotal = (lines: readonly RequestLine[]): number =>
  roundMoney(lines.filter((l) => l.status !== 'cancelled').reduce((sum, l) => sum + l.amount, 0));

/** `materialChangeShare` may be left out (10%) by callers that build a policy by hand. */
export interface RequestContext { currency: string; approval: Omit<ApprovalPolicy, 'materialChangeShare'> & { materialChangeShare?: number }; at: Date }

/** A new request from a draft, approved at once when the approval policy allows it. */
export function newRequest(draft: RequestDraft, ctx: RequestContext): ReplenishmentRequest {
  const lines = draft.lines.map((l, i) => toLine(l, i + 1));
  const at = ctx.at.toISOString();
  const approval = evaluateApproval(draft.supplierId, lines, ctx.approval);
  const total = requestTotal(lines);
  return {
    idempotencyKey: draft.idempotencyKey, supplierId: draft.supplierId, locationId: draft.locationId, orderDay: draft.orderDay,
    currency: ctx.currency, state: approval.required ? 'pending_approval' : 'approved', revision: 1, lines,
    total, approval, createdAt: at, updatedAt: at, version: 0,
    history: [revisionSnapshot({ revision: 1, total, lines }, at)],
    ...(approval.required ? { announcedRevision: 1 } : {}),
    ...(draft.replannedFrom ? { replannedFrom: draft.replannedFrom } : {}),
  };
}

/**
 * Folds a later evaluation of the same day into the existing request instead of creating a second one.
 * Unsent lines take the newer quantity; lines the supplier already has stay as they are (no double order);
 * new skus are added as a new revision. Returns the request unchanged when there is nothing to amend.
 */
export function amendRequest(existing: ReplenishmentRequest, draft: RequestDraft, ctx: RequestContext): { request: ReplenishmentRequest; amended: boolean } {
  if (existing.state === 'rejected' || existing.state === 'closed' || existing.state === 'cancelled') return { request: existing, amended: false };
  const sent = existing.sentRevision !== undefined;
  const lines = existing.lines.map((l) => ({ ...l }));
  let amended = false;
  for (const d of draft.lines) {
    const line = lines.find((l) => l.sku === d.sku);
    if (!line) {
      lines.push(toLine(d, lines.reduce((max, l) => Math.max(max, l.lineNo), 0) + 1));
      amended = true;
    } else if (!sent && (line.qty !== d.qty || line.needBy !== d.needBy)) {
      Object.assign(line, { qty: d.qty, needBy: d.needBy, unitCost: d.unitCost, amount: roundMoney(d.qty * d.unitCost) });
      amended = true;
    }
  }
  if (!amended) return { request: existing, amended: false };
  const approval = evaluateApproval(existing.supplierId, lines, ctx.approval);
  const at = ctx.at.toISOString();
  const revision = existing.revision + 1;
  const total = requestTotal(lines);
  const snapshot = revisionSnapshot({ revision, total, lines }, at);
  // Buyers hear again only when what they were asked to approve changed materially; small drifts stay quiet.
  const announced = existing.state === 'pending_approval' && existing.announcedRevision !== undefined
    ? existing.history?.find((h) => h.revision === existing.announcedRevision) : undefined;
  const announce = approval.required && (!announced || isMaterialChange(revisionChanges(announced, snapshot), ctx.approval.materialChangeShare ?? DEFAULT_MATERIAL_CHANGE_SHARE));
  return {
    amended: true,
    request: {
      ...existing, lines, total, revision, approval, history: withSnapshot(existing.history, snapshot),
      state: approval.required ? 'pending_approval' : 'approved', updatedAt: at,
      ...(announce ? { announcedRevision: revision } : {}),
    },
  };
}

/** The ReplenishmentRequested event detail (events/ catalog shape). */
export interface ReplenishmentRequestedDetail {
  idempotencyKey: string;
  supplierId: string;
  locationId: string;
  revision: number;
  lines: { sku: string; qty: number; needBy: string; unitCost?: number }[];
  requestedAt: string;
}

export function toRequestedDetail(request: ReplenishmentRequest, at: Date): ReplenishmentRequestedDetail {
  return {
    idempotencyKey: request.idempotencyKey, supplierId: request.supplierId, locationId: request.locationId, revision: request.revision,
    lines: request.lines.filter((l) => l.status === 'open' || l.status === 'confirmed')
      .map((l) => ({ sku: l.sku, qty: l.qty, needBy: l.needBy, unitCost: l.unitCost })),
    requestedAt: at.toISOString(),
  };
}
