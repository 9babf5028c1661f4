// Alerts: the stateful side of findings. One alert per fingerprint (rule + SKU + location) at a time.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { alertType, isoDate, severity, SEVERITIES, type AlertType, type Severity } from '../model.js';

export const ALERT_STATES = ['open', 'escalated', 'acknowledged', 'resolved'] as const;
export const alertState = z.enum(ALERT_STATES);
export type AlertState = z.infer<typeof alertState>;
export const ACTIVE_STATES: readonly AlertState[] = ['open', 'escalated', 'acknowledged'];

const isoDateTime = z.iso.datetime({ offset: true });

export const alertLabels = z.object({
  type: alertType,
  severity,
  sku: z.string(),
  location: z.string(),
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
  sku: z.string(),
  locationId: z.string(),
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
  match: Partial<Record<keyof AlertLabels, string[]>>;
  matchRe: Partial<Record<keyof AlertLabels, string>>;
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
