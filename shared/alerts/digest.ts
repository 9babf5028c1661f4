// A position's alerts in brief, kept beside the position and written in the same transaction as each alert, so an
// evaluator that already holds it reads an alert only when today's finding could change it. Pure.
import { createHash } from 'node:crypto';
import type { Finding } from '../engine/snapshot.js';
import type { AlertType } from '../model.js';
import type { Alert, AlertEvent, AlertState } from './model.js';

/** One stored alert of the position: its state, whether the condition was seen gone, what it said, its version. */
export interface AlertDigestEntry { state: AlertState; cleared: boolean; said: string; version: number }

export interface AlertDigest {
  /** True once every stored alert of the position has an entry (an absent entry then means no alert). */
  complete: boolean;
  entries: Partial<Record<AlertType, AlertDigestEntry>>;
  /** Events stored with their transition and not yet known to be on the bus (a crash between write and publish). */
  pending: AlertEvent[];
}

// Key order is not preserved by storage (DynamoDB maps), so compare records order-independently.
export const canonical = (record: Record<string, unknown> | undefined): string =>
  JSON.stringify(Object.entries(record ?? {}).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));

type Said = Pick<Alert, 'severity' | 'message' | 'projectedStockout' | 'suggestedAction' | 'facts' | 'labels'>;

/** A short fingerprint of everything an alert says (what a quiet update compares). */
export function saidOf(x: Said): string {
  const text = JSON.stringify([x.severity, x.message, x.projectedStockout ?? null, x.suggestedAction ?? null, canonical(x.facts), canonical(x.labels)]);
  return createHash('sha1').update(text).digest('base64').slice(0, 16);
}

export const digestEntry = (alert: Alert): AlertDigestEntry =>
  ({ state: alert.state, cleared: alert.clearedAt !== undefined, said: saidOf(alert), version: alert.version });

/**
 * What reconciling today's finding (undefined: none) needs of the stored alert, given its digest entry: `skip` — nothing
 * can change (nothing stored and nothing found, a cleared alert stays cleared, an active alert already says exactly this,
 * or a person resolved it while the condition holds); `new` — nothing is stored, so open it; `read` — read it and decide.
 */
export function digestNeed(entry: AlertDigestEntry | undefined, finding: Finding | undefined, labels: Alert['labels'] | undefined): 'skip' | 'new' | 'read' {
  if (!finding || !labels) return entry && !(entry.state === 'resolved' && entry.cleared) ? 'read' : 'skip';
  if (!entry) return 'new';
  if (entry.state === 'resolved') return entry.cleared ? 'read' : 'skip';
  return entry.said === saidOf({ ...finding, labels }) ? 'skip' : 'read';
}
