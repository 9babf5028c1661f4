// The alert lifecycle: turns today's findings into alerts (open, update, resolve, reopen), and people's actions into
// transitions. Every transition is a conditional write with an audit line; the returned events go on the bus.
import { randomUUID } from 'node:crypto';
import type { Finding } from '../engine/snapshot.js';
import { ENGINE_ALERT_TYPES, type AlertType } from '../model.js';
import type { AlertsSettings } from './config.js';
import {
  AlertConflictError, AlertError, AlertNotFoundError, AlertStateError, eventId, fingerprint, isSnoozed, severityRank, supplierFingerprint,
  type Alert, type AlertAuditEntry, type AlertEvent, type AuditAction, type PositionLabels,
} from './model.js';
import type { AlertStore } from './ports.js';
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

/** Persists one transition: conditional on the version `prev` had, with its audit line. */
async function save(store: AlertStore, prev: Alert | undefined, next: Alert, action: AuditAction, at: string,
  who: { by?: string; note?: string } = {}, archive?: Alert): Promise<void> {
  const audit: AlertAuditEntry = {
    fingerprint: next.fingerprint, alertId: next.alertId, action, at, seq: next.version, by: who.by, note: who.note,
    fromState: prev?.state, toState: next.state, severity: next.severity,
  };
  await store.saveAlert(next, prev?.version, audit, archive);
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

// Key order is not preserved by storage (DynamoDB maps), so compare records order-independently.
const canonical = (record: Record<string, unknown> | undefined): string =>
  JSON.stringify(Object.entries(record ?? {}).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));

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
  const { sku, locationId } = input;
  return reconcileSubject({
    subject: { sku, locationId }, types: input.types ?? ENGINE_ALERT_TYPES, findings: input.findings, now: input.now,
    fingerprintOf: (t) => fingerprint(t, sku, locationId),
    labelsOf: (f) => ({ ...input.labels, type: f.type, severity: f.severity, sku, location: locationId }),
  }, deps);
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
      try {
        const event = await reconcileOne({ fp, type, finding, superseded: superseded.has(type), current, labels: finding && labelsOf(finding), subject, now, deps });
        if (event) events.push(event);
        break;
      } catch (error) {
        if (!(error instanceof AlertConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        current = await deps.store.getAlert(fp);
      }
    }
  }
  return events;
}

async function reconcileOne(args: {
  fp: string; type: AlertType; finding: Finding | undefined; superseded: boolean; current: Alert | undefined;
  labels: Alert['labels'] | undefined; subject: Subject; now: Date; deps: LifecycleDeps;
}): Promise<AlertEvent | undefined> {
  const { fp, type, finding, current, labels, subject, now, deps } = args;
  const at = now.toISOString();
  const { store, settings } = deps;

  if (!finding || !labels) {
    if (!current) return undefined;
    if (current.state === 'resolved') {
      if (current.clearedAt) return undefined;
      // A person resolved it while the condition still held; now it is gone, so its return counts as new.
      const next: Alert = { ...current, clearedAt: at, updatedAt: at, version: current.version + 1 };
      await save(store, current, next, 'cleared', at);
      return undefined;
    }
    const reason = args.superseded ? 'superseded' : 'cleared';
    const next: Alert = { ...current, state: 'resolved', resolution: reason, resolvedAt: at, clearedAt: at, resolvedBy: undefined, updatedAt: at, version: current.version + 1 };
    await save(store, current, next, 'resolved', at, { note: reason });
    return { type: 'AlertResolved', id: eventId(next), at, alert: next, reason };
  }

  const fromFinding = {
    type, severity: finding.severity, sku: subject.sku, locationId: subject.locationId,
    ...(subject.supplierId !== undefined ? { supplierId: subject.supplierId } : {}), labels, message: finding.message,
    projectedStockout: finding.projectedStockout, suggestedAction: finding.suggestedAction, facts: finding.facts,
  };

  if (current && current.state !== 'resolved') {
    if (sameFinding(current, finding, labels)) return undefined;
    const next: Alert = { ...current, ...fromFinding, updatedAt: at, version: current.version + 1 };
    await save(store, current, next, 'updated', at);
    const worse = severityRank(finding.severity) > severityRank(current.severity);
    return worse && current.state !== 'acknowledged' ? { type: 'AlertRaised', id: eventId(next), at, alert: next, reopened: false } : undefined;
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
      await save(store, current, next, 'reopened', at);
      return { type: 'AlertRaised', id: eventId(next), at, alert: next, reopened: true };
    }
  }

  const next: Alert = {
    fingerprint: fp, alertId: randomUUID(), ...fromFinding, state: 'open', openedAt: at, updatedAt: at,
    escalationPolicy: matchRoutes(settings.route, labels).find((r) => r.escalation)?.escalation,
    escalationStep: 0, reopenCount: 0, version: (current?.version ?? 0) + 1,
  };
  await save(store, current, next, 'opened', at, {}, current);
  return { type: 'AlertRaised', id: eventId(next), at, alert: next, reopened: false };
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
