// The alert lifecycle: turns today's findings into alerts (open, update, resolve, reopen), and people's actions into
// transitions. Every transition is a conditional write with an audit line; the returned events go on the bus.
import { randomUUID } from 'node:crypto';
import type { Finding } from '../engine/snapshot.js';
import { ALERT_TYPES, ENGINE_ALERT_TYPES, type AlertType } from '../model.js';
import type { AlertsSettings } from './config.js';
import { canonical, digestEntry, digestNeed, type AlertDigest, type AlertDigestEntry } from './digest.js';
import {
  AlertConflictError, AlertError, AlertNotFoundError, AlertStateError, eventId, fingerprint, isSnoozed, severityRank, supplierFingerprint,
  type Alert, type AlertAuditEntry, type AlertEvent, type AuditAction, type PositionLabels,
} from './model.js';
import type { AlertChange, AlertStore, PositionAlertChanges } from './ports.js';
import { activeSilence, matchesLabels, matchRoutes } from './routing.js';

export interface LifecycleDeps {
  store: AlertStore;
  settings: AlertsSettings;
}

export interface PositionFindings {
  sku: string;
  locationId: string;
  /** Labels routes and silences match on; `location` is always `locationId`. */
  labels?: Omit<PositionLabels, 'location'>;
  /** Everything the engine found for this position today (an empty list clears all its alerts). */
  findings: Finding[];
  /**
   * The rules this report speaks for: a listed rule without a finding clears its alert, others are left as they are.
   * Default: the engine's (CONDITION alerts are reported from sensor readings, shared/push/conditions.ts).
   */
  types?: readonly AlertType[];
  now: Date;
}

const MAX_ATTEMPTS = 3;

/** The audit line of one transition. */
function auditOf(prev: Alert | undefined, next: Alert, action: AuditAction, at: string, who: { by?: string; note?: string } = {}): AlertAuditEntry {
  return {
    fingerprint: next.fingerprint, alertId: next.alertId, action, at, seq: next.version, by: who.by, note: who.note,
    fromState: prev?.state, toState: next.state, severity: next.severity,
  };
}

/** Persists one transition: conditional on the version `prev` had, with its audit line. */
async function save(store: AlertStore, prev: Alert | undefined, next: Alert, action: AuditAction, at: string,
  who: { by?: string; note?: string } = {}, archive?: Alert): Promise<void> {
  await store.saveAlert(next, prev?.version, auditOf(prev, next, action, at, who), archive);
}

/** Strongest finding per type: the engine may report a type twice (e.g. two expiring lots). */
function strongestByType(findings: readonly Finding[]): Map<AlertType, Finding> {
  const byType = new Map<AlertType, Finding>();
  for (const f of findings) {
    const seen = byType.get(f.type);
    if (!seen || severityRank(f.severity) > severityRank(seen.severity)) byType.set(f.type, f);
  }
  return byType;
}

/** Types superseded by another finding at the same position (STOCKOUT silences LOW_STOCK, by default). */
function supersededTypes(settings: AlertsSettings, findings: Map<AlertType, Finding>, labelsOf: (f: Finding) => Alert['labels']): Set<AlertType> {
  const superseded = new Set<AlertType>();
  for (const rule of settings.inhibitRules) {
    const sources = [...findings.values()].filter((f) => matchesLabels(rule.source, labelsOf(f)));
    if (sources.length === 0) continue;
    for (const f of findings.values()) {
      if (!sources.includes(f) && matchesLabels(rule.target, labelsOf(f))) superseded.add(f.type);
    }
  }
  return superseded;
}

const sameFinding = (a: Alert, f: Finding, labels: Alert['labels']): boolean =>
  a.severity === f.severity && a.message === f.message && a.projectedStockout === f.projectedStockout
  && a.suggestedAction === f.suggestedAction && canonical(a.facts) === canonical(f.facts) && canonical(a.labels) === canonical(labels);

/** What an alert is about: one item at one location, or a supplier (optionally at a location). */
interface Subject { sku: string; locationId: string; supplierId?: string }

/**
 * Reconciles one position's findings with its stored alerts: opens new ones, keeps existing ones quiet (updating their
 * numbers), resolves cleared ones, reopens a condition that returns within the flap window, and resolves alerts
 * superseded by inhibit rules. Safe to run concurrently: a lost race re-reads and converges, never opening twice.
 */
export async function reconcilePosition(input: PositionFindings, deps: LifecycleDeps): Promise<AlertEvent[]> {
  return reconcilePositions([input], deps);
}

/** A position's findings with its alert digest, when the caller read it alongside the position. */
export type PositionFindingsWithDigest = PositionFindings & { digest?: AlertDigest };

export interface ReconcileOptions {
  /**
   * Keep each transition's events in the position's digest until `clearPending` confirms them published, so a crash
   * between the write and the publish loses nothing (the next evaluation of the position publishes them).
   */
  durableEvents?: boolean;
}

const labelsOfPosition = (input: PositionFindings) => (f: Finding): Alert['labels'] =>
  ({ ...input.labels, type: f.type, severity: f.severity, sku: input.sku, location: input.locationId });

/**
 * reconcilePosition for many positions at once: one batched read of the alerts that today's findings can change (all
 * of them per position when its digest is missing or incomplete), each position's transitions and digest written together,
 * positions written in as few transactions as fit. A position that lost a race is read again and retried alone.
 * Alerts of types the input does not speak for are never changed; they are only read to complete the digest.
 */
export async function reconcilePositions(inputs: readonly PositionFindingsWithDigest[], deps: LifecycleDeps, options: ReconcileOptions = {}): Promise<AlertEvent[]> {
  const unique = [...new Map(inputs.map((i) => [positionKeyOf(i), i])).values()];
  const plans = unique.map((input) => ({ input, findings: positionFindings(input, deps.settings) }));
  const wanted = plans.flatMap(({ input, findings }) => ALERT_TYPES.filter((t) => findings.need.get(t) === 'read').map((t) => fingerprint(t, input.sku, input.locationId)));
  let stored = new Map((await deps.store.getAlerts(wanted)).map((a) => [a.fingerprint, a]));
  let pending = plans;
  const events: AlertEvent[] = [];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const changesets = new Map<PositionFindingsWithDigest, { set: PositionAlertChanges; events: AlertEvent[] }>();
    for (const { input, findings } of pending) {
      const planned = planPosition(input, findings, stored, deps.settings, attempt > 1);
      if (planned.set.changes.length > 0 || !input.digest?.complete) {
        changesets.set(input, { set: { ...planned.set, pending: options.durableEvents ? planned.events : [] }, events: planned.events });
      }
    }
    const { conflicted } = await deps.store.commitPositionAlerts([...changesets.values()].map((c) => c.set));
    const lost = new Set(conflicted);
    for (const [input, { events: e }] of changesets) if (!lost.has(positionKeyOf(input))) events.push(...e);
    pending = pending.filter(({ input }) => lost.has(positionKeyOf(input)));
    if (pending.length === 0) break;
    if (attempt >= MAX_ATTEMPTS) throw new AlertConflictError(`${positionKeyOf(pending[0]!.input)} (${pending.length} positions)`);
    // Lost a race: read every alert of those positions again, ignoring their (now stale) digests.
    const fresh = await deps.store.getAlerts(pending.flatMap(({ input }) => ALERT_TYPES.map((t) => fingerprint(t, input.sku, input.locationId))));
    stored = new Map(fresh.map((a) => [a.fingerprint, a]));
  }
  return events;
}

const positionKeyOf = (p: { sku: string; locationId: string }): string => `${p.sku}@${p.locationId}`;

interface EffectiveFindings {
  byType: Map<AlertType, Finding>;
  superseded: Set<AlertType>;
  labelsOf: (f: Finding) => Alert['labels'];
  /** The types this report speaks for (input.types, default the engine's). */
  types: ReadonlySet<AlertType>;
  /** What reconciling each type needs of its stored alert (everything is read without a complete digest). */
  need: Map<AlertType, 'skip' | 'new' | 'read'>;
}

function positionFindings(input: PositionFindingsWithDigest, settings: AlertsSettings): EffectiveFindings {
  const labelsOf = labelsOfPosition(input);
  const byType = strongestByType(input.findings);
  const superseded = supersededTypes(settings, byType, labelsOf);
  const types = new Set(input.types ?? ENGINE_ALERT_TYPES);
  const need = new Map<AlertType, 'skip' | 'new' | 'read'>();
  for (const type of ALERT_TYPES) {
    const finding = superseded.has(type) ? undefined : byType.get(type);
    if (!input.digest?.complete) need.set(type, 'read');
    else need.set(type, types.has(type) ? digestNeed(input.digest.entries[type], finding, finding && labelsOf(finding)) : 'skip');
  }
  return { byType, superseded, labelsOf, types, need };
}

/** One position's transitions and digest update, from the alerts read (or known absent from a complete digest). */
function planPosition(input: PositionFindingsWithDigest, f: EffectiveFindings, stored: ReadonlyMap<string, Alert>, settings: AlertsSettings, reread: boolean):
  { set: Omit<PositionAlertChanges, 'pending'>; events: AlertEvent[] } {
  const { sku, locationId, now } = input;
  const changes: AlertChange[] = [];
  const known: Partial<Record<AlertType, AlertDigestEntry>> = {};
  const events: AlertEvent[] = [];
  for (const type of ALERT_TYPES) {
    const need = reread ? 'read' : f.need.get(type)!;
    if (need === 'skip') continue;
    const fp = fingerprint(type, sku, locationId);
    const current = need === 'read' ? stored.get(fp) : undefined;
    if (!f.types.has(type)) {
      if (current) known[type] = digestEntry(current);
      continue;
    }
    const finding = f.superseded.has(type) ? undefined : f.byType.get(type);
    const step = planTransition({ fp, type, finding, superseded: f.superseded.has(type), current, labels: finding && f.labelsOf(finding), subject: { sku, locationId }, now, settings });
    if (step) {
      changes.push({ next: step.next, expectedVersion: current?.version, audit: auditOf(current, step.next, step.action, now.toISOString(), { note: step.note }), archive: step.archive });
      if (step.event) events.push(step.event);
    } else if (current) {
      known[type] = digestEntry(current);
    }
  }
  // A digest that was incomplete (or stale after a lost race) is rewritten from everything just read.
  const complete = reread || !input.digest?.complete;
  return { set: { sku, locationId, changes, known: complete ? known : {}, complete }, events };
}

/** The rules a supplier is judged on; the only types supplier alerts have. */
export const SUPPLIER_ALERT_TYPES = ['LEAD_TIME_RISK', 'SUPPLY_GAP'] as const satisfies readonly AlertType[];
export type SupplierAlertType = (typeof SUPPLIER_ALERT_TYPES)[number];

export interface SupplierFindings {
  supplierId: string;
  /** The location the condition showed at (e.g. the store a rejected order was for); a label, not part of the key. */
  locationId?: string;
  /** Further labels routes and silences match on; `supplier` and `location` come from the fields above. */
  labels?: Omit<PositionLabels, 'location' | 'supplier'>;
  findings: Finding[];
  /**
   * The rules this report speaks for: a listed rule without a finding clears its alert, an unlisted one is left as is.
   * Default: every supplier rule (an empty `findings` then clears all the supplier's alerts).
   */
  types?: readonly SupplierAlertType[];
  now: Date;
}

/** A finding about a supplier that is not one of SUPPLIER_ALERT_TYPES (they are keyed by SKU and location instead). */
export class SupplierFindingTypeError extends AlertError {
  constructor(supplierId: string, type: string) {
    super('SUPPLIER_FINDING_TYPE_INVALID', `Supplier ${supplierId}: a supplier alert must be one of ${SUPPLIER_ALERT_TYPES.join(', ')}, got ${type}; report item conditions through reconcilePosition.`);
  }
}

/**
 * Reconciles a supplier's findings with its supplier alerts (fingerprint: rule + supplier), with the same open, quiet,
 * resolve, flap and race behaviour as reconcilePosition. Labels: `supplier`, and `location` when given.
 */
export async function reconcileSupplier(input: SupplierFindings, deps: LifecycleDeps): Promise<AlertEvent[]> {
  const { supplierId, locationId } = input;
  const supplierTypes: readonly AlertType[] = SUPPLIER_ALERT_TYPES;
  const wrong = input.findings.find((f) => !supplierTypes.includes(f.type));
  if (wrong) throw new SupplierFindingTypeError(supplierId, wrong.type);
  return reconcileSubject({
    subject: { sku: '', locationId: locationId ?? '', supplierId }, types: input.types ?? SUPPLIER_ALERT_TYPES,
    findings: input.findings, now: input.now, fingerprintOf: (t) => supplierFingerprint(t, supplierId),
    labelsOf: (f) => ({ ...input.labels, type: f.type, severity: f.severity, supplier: supplierId, ...(locationId ? { location: locationId } : {}) }),
  }, deps);
}

async function reconcileSubject(args: {
  subject: Subject; types: readonly AlertType[]; findings: readonly Finding[]; now: Date;
  fingerprintOf: (type: AlertType) => string; labelsOf: (f: Finding) => Alert['labels'];
}, deps: LifecycleDeps): Promise<AlertEvent[]> {
  const { subject, types, now, labelsOf } = args;
  const findings = strongestByType(args.findings);
  const superseded = supersededTypes(deps.settings, findings, labelsOf);
  const fps = types.map(args.fingerprintOf);
  const stored = new Map((await deps.store.getAlerts(fps)).map((a) => [a.fingerprint, a]));
  const events: AlertEvent[] = [];
  for (const [i, type] of types.entries()) {
    const fp = fps[i]!;
    const finding = superseded.has(type) ? undefined : findings.get(type);
    let current = stored.get(fp);
    for (let attempt = 1; ; attempt++) {
      const step = planTransition({ fp, type, finding, superseded: superseded.has(type), current, labels: finding && labelsOf(finding), subject, now, settings: deps.settings });
      if (!step) break;
      try {
        await save(deps.store, current, step.next, step.action, now.toISOString(), { note: step.note }, step.archive);
        if (step.event) events.push(step.event);
        break;
      } catch (error) {
        if (!(error instanceof AlertConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        current = await deps.store.getAlert(fp);
      }
    }
  }
  return events;
}

/** One alert's next state, the audit action, and the event to publish (if any); undefined when nothing changes. Pure. */
function planTransition(args: {
  fp: string; type: AlertType; finding: Finding | undefined; superseded: boolean; current: Alert | undefined;
  labels: Alert['labels'] | undefined; subject: Subject; now: Date; settings: AlertsSettings;
}): { next: Alert; action: AuditAction; note?: string; archive?: Alert; event?: AlertEvent } | undefined {
  const { fp, type, finding, current, labels, subject, now, settings } = args;
  const at = now.toISOString();

  if (!finding || !labels) {
    if (!current) return undefined;
    if (current.state === 'resolved') {
      if (current.clearedAt) return undefined;
      // A person resolved it while the condition still held; now it is gone, so its return counts as new.
      return { next: { ...current, clearedAt: at, updatedAt: at, version: current.version + 1 }, action: 'cleared' };
    }
    const reason = args.superseded ? 'superseded' : 'cleared';
    const next: Alert = { ...current, state: 'resolved', resolution: reason, resolvedAt: at, clearedAt: at, resolvedBy: undefined, updatedAt: at, version: current.version + 1 };
    return { next, action: 'resolved', note: reason, event: { type: 'AlertResolved', id: eventId(next), at, alert: next, reason } };
  }

  const fromFinding = {
    type, severity: finding.severity, sku: subject.sku, locationId: subject.locationId,
    ...(subject.supplierId !== undefined ? { supplierId: subject.supplierId } : {}), labels, message: finding.message,
    projectedStockout: finding.projectedStockout, suggestedAction: finding.suggestedAction, facts: finding.facts,
  };

  if (current && current.state !== 'resolved') {
    if (sameFinding(current, finding, labels)) return undefined;
    const next: Alert = { ...current, ...fromFinding, updatedAt: at, version: current.version + 1 };
    const worse = severityRank(finding.severity) > severityRank(current.severity);
    return { next, action: 'updated', ...(worse && current.state !== 'acknowledged' ? { event: { type: 'AlertRaised', id: eventId(next), at, alert: next, reopened: false } } : {}) };
  }

  if (current?.state === 'resolved') {
    if (!current.clearedAt) return undefined;
    if (now.getTime() - Date.parse(current.clearedAt) <= settings.flapWindowMs) {
      // Flapping: relink to the old occurrence, keeping its acknowledgement and history.
      const next: Alert = {
        ...current, ...fromFinding, state: current.acknowledgedAt ? 'acknowledged' : 'open', resolvedAt: undefined,
        resolvedBy: undefined, resolution: undefined, clearedAt: undefined, reopenCount: current.reopenCount + 1,
        updatedAt: at, version: current.version + 1,
      };
      return { next, action: 'reopened', event: { type: 'AlertRaised', id: eventId(next), at, alert: next, reopened: true } };
    }
  }

  const next: Alert = {
    fingerprint: fp, alertId: randomUUID(), ...fromFinding, state: 'open', openedAt: at, updatedAt: at,
    escalationPolicy: matchRoutes(settings.route, labels).find((r) => r.escalation)?.escalation,
    escalationStep: 0, reopenCount: 0, version: (current?.version ?? 0) + 1,
  };
  return { next, action: 'opened', archive: current, event: { type: 'AlertRaised', id: eventId(next), at, alert: next, reopened: false } };
}

/** Read, change, conditionally write; retried when someone else changed the alert in between. */
async function transition(store: AlertStore, fp: string,
  change: (alert: Alert) => { next: Alert; action: AuditAction; note?: string } | undefined, by: string, at: string): Promise<{ before: Alert; after: Alert; changed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const before = await store.getAlert(fp);
    if (!before) throw new AlertNotFoundError(fp);
    const step = change(before);
    if (!step) return { before, after: before, changed: false };
    try {
      await save(store, before, step.next, step.action, at, { by, note: step.note });
      return { before, after: step.next, changed: true };
    } catch (error) {
      if (!(error instanceof AlertConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

export interface ActionInput { by: string; at: Date; note?: string }

/** Acknowledging stops escalation and repeats. Acknowledging twice is harmless (no second event). */
export async function acknowledgeAlert(deps: { store: AlertStore }, fp: string, input: ActionInput): Promise<{ alert: Alert; event?: AlertEvent }> {
  const at = input.at.toISOString();
  const { after, changed } = await transition(deps.store, fp, (a) => {
    if (a.state === 'acknowledged') return undefined;
    if (a.state === 'resolved') throw new AlertStateError(fp, 'acknowledge', a.state);
    return { next: { ...a, state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: input.by, updatedAt: at, version: a.version + 1 }, action: 'acknowledged', note: input.note };
  }, input.by, at);
  return changed ? { alert: after, event: { type: 'AlertAcknowledged', id: eventId(after), at, alert: after, by: input.by, note: input.note } } : { alert: after };
}

/** Silences one alert's notifications and escalation until `until`; it stays listed as active. */
export async function snoozeAlert(deps: { store: AlertStore }, fp: string, input: ActionInput & { until: Date }): Promise<Alert> {
  const at = input.at.toISOString();
  if (input.until.getTime() <= input.at.getTime()) throw new AlertStateError(fp, `snooze until ${input.until.toISOString()} (already past)`, 'open');
  const { after } = await transition(deps.store, fp, (a) => {
    if (a.state === 'resolved') throw new AlertStateError(fp, 'snooze', a.state);
    return { next: { ...a, snoozedUntil: input.until.toISOString(), updatedAt: at, version: a.version + 1 }, action: 'snoozed', note: input.note ?? `until ${input.until.toISOString()}` };
  }, input.by, at);
  return after;
}

/** A person closes the alert; it will not reopen until an evaluation has seen the condition gone. */
export async function resolveAlert(deps: { store: AlertStore }, fp: string, input: ActionInput): Promise<{ alert: Alert; event?: AlertEvent }> {
  const at = input.at.toISOString();
  const { after, changed } = await transition(deps.store, fp, (a) => {
    if (a.state === 'resolved') return undefined;
    return { next: { ...a, state: 'resolved', resolution: 'manual', resolvedAt: at, resolvedBy: input.by, clearedAt: undefined, updatedAt: at, version: a.version + 1 }, action: 'resolved', note: input.note };
  }, input.by, at);
  return changed ? { alert: after, event: { type: 'AlertResolved', id: eventId(after), at, alert: after, reason: 'manual', by: input.by } } : { alert: after };
}

export async function commentAlert(deps: { store: AlertStore }, fp: string, input: ActionInput & { note: string }): Promise<Alert> {
  const at = input.at.toISOString();
  const { after } = await transition(deps.store, fp, (a) => ({ next: { ...a, updatedAt: at, version: a.version + 1 }, action: 'commented', note: input.note }), input.by, at);
  return after;
}

/**
 * Escalates every open alert not acknowledged within its severity's deadline (counted from opening or the last
 * escalation, and never during a snooze or silence) to the next step of its policy. Run it every minute.
 */
export async function escalateDue(deps: LifecycleDeps, now: Date): Promise<AlertEvent[]> {
  const at = now.toISOString();
  const silences = [...deps.settings.silences, ...(await deps.store.listSilences())];
  const events: AlertEvent[] = [];
  for (const alert of await deps.store.listAlerts({ states: ['open', 'escalated'] })) {
    const policy = deps.settings.escalationPolicies.find((p) => p.name === alert.escalationPolicy);
    const deadline = policy?.ackDeadline[alert.severity];
    const step = policy?.steps[alert.escalationStep];
    if (!policy || deadline === undefined || !step || isSnoozed(alert, now) || activeSilence(silences, alert.labels, now)) continue;
    const since = Math.max(Date.parse(alert.escalatedAt ?? alert.openedAt), alert.snoozedUntil ? Date.parse(alert.snoozedUntil) : 0);
    if (now.getTime() - since < deadline) continue;
    const next: Alert = { ...alert, state: 'escalated', escalationStep: alert.escalationStep + 1, escalatedAt: at, updatedAt: at, version: alert.version + 1 };
    try {
      await save(deps.store, alert, next, 'escalated', at, { note: `step ${next.escalationStep}: ${step.receivers.join(', ')}` });
    } catch (error) {
      // Acknowledged or changed meanwhile: the next run decides again on fresh state.
      if (error instanceof AlertConflictError) continue;
      throw error;
    }
    events.push({ type: 'AlertEscalated', id: eventId(next), at, alert: next, step: next.escalationStep, receivers: step.receivers });
  }
  return events;
}
