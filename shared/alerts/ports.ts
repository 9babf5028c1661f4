// What the alert services need from storage and delivery; adapters: DynamoDB, in-memory, SNS, local outbox.
import type { Receiver } from '../config.js';
import type { AlertType, Severity } from '../model.js';
import type { ApprovalTask } from '../replenishment/approval.js';
import type { Alert, AlertAuditEntry, AlertState, Silence } from './model.js';

export interface AlertFilter {
  states?: AlertState[];
  location?: string;
  /** ISO bounds on openedAt (inclusive from, exclusive to). */
  openedFrom?: string;
  openedTo?: string;
}

/** Notification bookkeeping of one (route, receiver, group labels) group. */
export interface AlertGroup {
  key: string;
  routeId: string;
  receiver: string;
  groupLabels: Record<string, string>;
  /** Fingerprints of alerts routed here and not yet seen resolved by a flush. */
  members: string[];
  /** `fingerprint:alertId:severity` of what the last notification said was firing. */
  notified: string[];
  lastNotifiedAt?: string;
  /** When the scheduled flush should look at this group next; unset when idle. */
  nextFlushAt?: string;
  version: number;
}

export interface AlertStore {
  getAlert(fingerprint: string): Promise<Alert | undefined>;
  getAlerts(fingerprints: readonly string[]): Promise<Alert[]>;
  /**
   * Writes `next` only if the stored alert still has `expectedVersion` (undefined: nothing stored yet), appends
   * `audit`, and keeps `archive` (a finished occurrence being replaced) for history. Throws AlertConflictError.
   */
  saveAlert(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): Promise<void>;
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  /** Finished occurrences replaced by newer ones, opened in [from, to). */
  listArchivedAlerts(from: string, to: string): Promise<Alert[]>;
  history(fingerprint: string): Promise<AlertAuditEntry[]>;

  putSilence(silence: Silence): Promise<void>;
  listSilences(): Promise<Silence[]>;
  /** Ends a silence now (keeps it for the record). Returns false when there is no such silence. */
  expireSilence(id: string, at: Date): Promise<boolean>;

  getGroup(key: string): Promise<AlertGroup | undefined>;
  /** Conditional on `expectedVersion` (undefined: new). Throws GroupConflictError. */
  saveGroup(next: AlertGroup, expectedVersion: number | undefined): Promise<void>;
  listDueGroups(now: Date): Promise<AlertGroup[]>;
}

/** `approval`: a replenishment request waits for a buyer (no alerts; `approval` holds the task). */
export type NotificationKind = 'firing' | 'repeat' | 'resolved' | 'escalation' | 'approval';

/** One message to one receiver, rendered for every channel it has. */
export interface Notification {
  /** Same group, same content, same send: same id (receivers dedupe on it). */
  id: string;
  kind: NotificationKind;
  receiver: Receiver;
  groupKey: string;
  groupLabels: Record<string, string>;
  severity: Severity;
  /** The alert type when all alerts share one, else undefined. */
  type?: AlertType;
  location?: string;
  firing: Alert[];
  resolved: Alert[];
  /** The task a buyer is asked to decide, on `approval` notifications. */
  approval?: ApprovalTask;
  at: string;
  sms: string;
  email: { subject: string; text: string };
  /** The full event, as webhooks receive it. */
  json: Record<string, unknown>;
}

export interface AlertPublisher {
  publish(notification: Notification): Promise<void>;
}

/** One event for the hub's bus (EventBridge on AWS, the in-process bus locally). */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time?: Date;
}

export interface EventPublisher {
  /** Puts every entry or throws; never drops one silently. */
  putEvents(entries: readonly BusEntry[]): Promise<void>;
}
