// Alerts: the stateful side of findings. One alert per fingerprint (rule + SKU + location, or rule + supplier) at a time.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { alertType, isoDate, severity, SEVERITIES, type AlertType, type Severity } from '../model.js';
import type { LabelName } from './config.js';

export const ALERT_STATES = ['open', 'escalated', 'acknowledged', 'resolved'] as const;
export const alertState = z.enum(ALERT_STATES);
export type AlertState = z.infer<typeof alertState>;
export const ACTIVE_STATES: readonly AlertState[] = ['open', 'escalated', 'acknowledged'];

const isoDateTime = z.iso.datetime({ offset: true });

export const alertLabels = z.object({
  type: alertType,
  severity,
  /** Absent on supplier alerts, which concern a supplier rather than one item. */
  sku: z.string().optional(),
  location: z.string().optional(),
  locationGroup: z.string().optional(),
  category: z.string().optional(),
  abcClass: z.string().optional(),
  supplier: z.string().optional(),
});
export type AlertLabels = z.infer<typeof alertLabels>;

/** Labels the caller knows about a position besides type, severity and SKU. */
export type PositionLabels = Omit<AlertLabels, 'type' | 'severity' | 'sku'>;

export const alertSchema = z.object({
  fingerprint: z.string(),
  /** One occurrence of the condition; a condition returning after the flap window gets a new id. */
  alertId: z.string(),
  type: alertType,
  severity,
  state: alertState,
  /** '' on supplier alerts (see supplierId). */
  sku: z.string(),
  /** '' on a supplier alert that concerns no one location. */
  locationId: z.string(),
  /** Set on supplier alerts (rule + supplier): the supplier the condition is about. */
  supplierId: z.string().optional(),
  labels: alertLabels,
  message: z.string(),
  projectedStockout: isoDate.optional(),
  suggestedAction: z.string().optional(),
  facts: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  openedAt: isoDateTime,
  updatedAt: isoDateTime,
  acknowledgedAt: isoDateTime.optional(),
  acknowledgedBy: z.string().optional(),
  snoozedUntil: isoDateTime.optional(),
  resolvedAt: isoDateTime.optional(),
  resolvedBy: z.string().optional(),
  resolution: z.enum(['cleared', 'superseded', 'manual']).optional(),
  /** When an evaluation last saw the condition gone; unset after a manual resolve of a live condition. */
  clearedAt: isoDateTime.optional(),
  escalationPolicy: z.string().optional(),
  /** How many escalation steps have fired. */
  escalationStep: z.number().int().nonnegative(),
  escalatedAt: isoDateTime.optional(),
  reopenCount: z.number().int().nonnegative(),
  version: z.number().int().positive(),
});
export type Alert = z.infer<typeof alertSchema>;

export const AUDIT_ACTIONS = ['opened', 'updated', 'reopened', 'acknowledged', 'snoozed', 'escalated', 'resolved', 'cleared', 'commented'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of an alert's history (stored under the alert, never rewritten). */
export interface AlertAuditEntry {
  fingerprint: string;
  alertId: string;
  action: AuditAction;
  at: string;
  seq: number;
  by?: string;
  note?: string;
  fromState?: AlertState;
  toState: AlertState;
  severity: Severity;
}

/** What the lifecycle tells the rest of the hub; the bus carries these (events/alerts.ts). */
export type AlertEvent =
  | { type: 'AlertRaised'; id: string; at: string; alert: Alert; reopened: boolean }
  | { type: 'AlertAcknowledged'; id: string; at: string; alert: Alert; by: string; note?: string }
  | { type: 'AlertEscalated'; id: string; at: string; alert: Alert; step: number; receivers: string[] }
  | { type: 'AlertResolved'; id: string; at: string; alert: Alert; reason: 'cleared' | 'superseded' | 'manual'; by?: string };
export type AlertEventType = AlertEvent['type'];

/** Stable across evaluations and evaluators: the same condition at the same position is the same alert. */
export function fingerprint(type: AlertType, sku: string, locationId: string): string {
  return createHash('sha256').update(`${type}\u0000${sku}\u0000${locationId}`).digest('hex').slice(0, 16);
}

/** A supplier's condition (e.g. LEAD_TIME_RISK, SUPPLY_GAP) is one alert whichever location or evaluator reports it. */
export function supplierFingerprint(type: AlertType, supplierId: string): string {
  return createHash('sha256').update(`supplier\u0000${type}\u0000${supplierId}`).digest('hex').slice(0, 16);
}

/** Supplier alerts carry a supplierId and no SKU. */
export const isSupplierAlert = (alert: Alert): boolean => alert.supplierId !== undefined && alert.sku === '';

/** What an alert is about, for messages: "SKU X at L" or "supplier S (at L)". */
export function alertSubject(alert: Alert): string {
  if (isSupplierAlert(alert)) return `supplier ${alert.supplierId ?? ''}${alert.locationId ? ` at ${alert.locationId}` : ''}`;
  return `SKU ${alert.sku} at ${alert.locationId}`;
}

/** An id for an event that makes a redelivery recognisable: same alert, same version, same event. */
export const eventId = (alert: Alert): string => `${alert.fingerprint}:${alert.version}`;

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (list: readonly Severity[]): Severity =>
  list.reduce<Severity>((max, s) => (severityRank(s) > severityRank(max) ? s : max), 'info');

export const isSnoozed = (alert: Alert, now: Date): boolean =>
  alert.snoozedUntil !== undefined && Date.parse(alert.snoozedUntil) > now.getTime();

/** A label silence stored by the API/CLI or declared in hub.config. */
export interface Silence {
  id: string;
  match: Partial<Record<LabelName, string[]>>;
  matchRe: Partial<Record<LabelName, string>>;
  startsAt?: string;
  endsAt: string;
  comment: string;
  createdBy: string;
  createdAt?: string;
}

export class AlertError extends Error {
  constructor(readonly code: string, message: string, readonly fingerprint?: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** The stored alert changed since it was read (another evaluator or person got there first). */
export class AlertConflictError extends AlertError {
  constructor(fp: string) { super('ALERT_CONFLICT', `Alert ${fp} was changed concurrently; read it again and retry.`, fp); }
}
export class AlertNotFoundError extends AlertError {
  constructor(fp: string) { super('ALERT_NOT_FOUND', `No alert with fingerprint ${fp}; list alerts with \`stocksentry alerts list\`.`, fp); }
}
/** The requested action does not apply in the alert's current state (e.g. acknowledging a resolved alert). */
export class AlertStateError extends AlertError {
  constructor(fp: string, action: string, state: AlertState) {
    super('ALERT_INVALID_TRANSITION', `Cannot ${action} alert ${fp}: it is ${state}.`, fp);
  }
}
export class GroupConflictError extends AlertError {
  constructor(key: string) { super('ALERT_GROUP_CONFLICT', `Alert group ${key} was changed concurrently; retry.`); }
}
