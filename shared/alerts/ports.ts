// What the alert services need from storage and delivery; adapters: DynamoDB, in-memory, SNS, local outbox.
import type { Receiver } from '../config.js';
import type { AlertType, Severity } from '../model.js';
import type { AlertDigestEntry } from './digest.js';
import type { ApprovalTask } from '../replenishment/approval.js';
import type { Alert, AlertAuditEntry, AlertEvent, AlertState, Silence } from './model.js';
import type { MessageDoc } from './message.js';

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

/** One alert transition: the next state, conditional on the version read (undefined: nothing stored), with its audit line. */
export interface AlertChange { next: Alert; expectedVersion: number | undefined; audit: AlertAuditEntry; archive?: Alert }

/** Everything one reconcile changes at one position, written all or nothing together with the position's digest. */
export interface PositionAlertChanges {
  sku: string;
  locationId: string;
  changes: AlertChange[];
  /** Digest entries of alerts read and left unchanged (filled in where missing when `complete` is set). */
  known: Partial<Record<AlertType, AlertDigestEntry>>;
  /** Marks the digest complete: every stored alert of the position now has an entry. */
  complete: boolean;
  /** Events kept in the digest until `clearPendingEvents` (empty: the caller publishes without that guarantee). */
  pending: AlertEvent[];
}

export interface AlertStore {
  getAlert(fingerprint: string): Promise<Alert | undefined>;
  getAlerts(fingerprints: readonly string[]): Promise<Alert[]>;
  /**
   * Writes `next` only if the stored alert still has `expectedVersion` (undefined: nothing stored yet), appends
   * `audit`, and keeps `archive` (a finished occurrence being replaced) for history. Throws AlertConflictError.
   */
  saveAlert(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): Promise<void>;
  /**
   * Writes each position's changes and digest together, conditional on the versions read; positions are independent.
   * Returns the positions (`sku@locationId`) whose changes were not written because another writer got there first.
   */
  commitPositionAlerts(changesets: readonly PositionAlertChanges[]): Promise<{ conflicted: string[] }>;
  /** Forgets pending events once they are on the bus (idempotent). */
  clearPendingEvents(positions: readonly { sku: string; locationId: string; eventIds: string[] }[]): Promise<void>;
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

/** What a short link stands for: the alerts one message told ("acknowledge all"), or a request to decide (ack-token.ts). */
export interface LinkSet {
  /** 16 hex digits, carried in the link's token. */
  id: string;
  fingerprints: string[];
  /** For a buyer's SMS: the request and the revision the message showed (a short link instead of a signed /r/ one). */
  approval?: { requestKey: string; revision: number };
  receiver: string;
  createdAt: string;
  /** When the link stops working; the record may be deleted after this. */
  expiresAt: string;
}

/** What a receiver was last sent of a replenishment request waiting for approval, so the next message says what changed. */
export interface ApprovalSeen {
  requestKey: string;
  receiver: string;
  revision: number;
  total: number;
  lines: { sku: string; qty: number; amount: number }[];
  sentAt: string;
}

/** What messages remember between sends (DynamoDB on AWS and locally, in memory in tests). */
export interface MessageStore {
  putLinkSet(set: LinkSet): Promise<void>;
  getLinkSet(id: string): Promise<LinkSet | undefined>;
  getApprovalSeen(requestKey: string, receiver: string): Promise<ApprovalSeen | undefined>;
  putApprovalSeen(seen: ApprovalSeen): Promise<void>;
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
  /** The message in words, for channels that lay it out themselves (chat tools). */
  doc: MessageDoc;
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
