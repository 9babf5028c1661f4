// The console API's contract: request bodies and queries are parsed with these schemas on the server, and the client
// takes its types from the same schemas (type-only imports, so no validator ships to the browser).
import { z } from 'zod';
import { alertSchema, ALERT_STATES, type AlertAuditEntry } from '../../shared/alerts/model.js';
import { ALERT_TYPES, SEVERITIES, type Item, type Location, type Position } from '../../shared/model.js';
import type { StockHealth } from '../../shared/health/model.js';
import type { AlertFlow } from '../../shared/health/flow.js';
import type { EngineDecision } from '../../shared/engine/index.js';
import type { PositionSnapshot } from '../../shared/engine/snapshot.js';
import type { ReplenishmentRequest } from '../../shared/replenishment/request.js';
import type { SupplierScorecard } from '../../shared/replenishment/lead-time.js';
import type { ConsoleGroup } from '../../shared/console-access.js';
import type { Locale } from '../../shared/i18n/index.js';

const list = <T extends z.ZodType<string, string>>(item: T) => z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(item));

export const overviewQuery = z.object({
  location: z.string().optional(),
  locationGroup: z.string().optional(),
  channel: z.string().optional(),
  category: z.string().optional(),
});
export type OverviewQuery = z.infer<typeof overviewQuery>;

export const alertsQuery = overviewQuery.extend({
  state: list(z.enum(ALERT_STATES)).optional(),
  severity: list(z.enum(SEVERITIES)).optional(),
  type: list(z.enum(ALERT_TYPES)).optional(),
});
export type AlertsQuery = z.input<typeof alertsQuery>;

export const ALERT_ACTIONS = ['ack', 'snooze', 'resolve', 'comment'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export const alertActionBody = z.object({
  action: z.enum(ALERT_ACTIONS),
  /** The alerts to act on: one, or a whole group. */
  fingerprints: z.array(z.string().min(1)).min(1).max(500),
  note: z.string().max(2000).optional(),
  /** snooze: for how long. */
  minutes: z.number().int().positive().max(60 * 24 * 30).optional(),
}).refine((b) => b.action !== 'snooze' || b.minutes !== undefined, { message: 'snooze needs "minutes"', path: ['minutes'] })
  .refine((b) => b.action !== 'comment' || (b.note ?? '').trim().length > 0, { message: 'a comment needs a "note"', path: ['note'] });
export type AlertActionBody = z.input<typeof alertActionBody>;

export const silenceBody = z.object({
  match: z.record(z.enum(['type', 'severity', 'sku', 'location', 'locationGroup', 'category', 'supplier']), z.array(z.string().min(1)).min(1)),
  minutes: z.number().int().positive().max(60 * 24 * 90),
  comment: z.string().min(1).max(2000),
}).refine((b) => Object.keys(b.match).length > 0, { message: 'a silence needs at least one label to match', path: ['match'] });
export type SilenceBody = z.input<typeof silenceBody>;

export const decisionBody = z.object({
  /** The revision the person saw; a request that has moved on since is refused with the difference. */
  revision: z.number().int().positive(),
  reason: z.string().max(2000).optional(),
});
export type DecisionBody = z.input<typeof decisionBody>;

/** An alert in plain words, as its messages say it: the console shows these rather than the engine's one-line note. */
export interface AlertWords {
  /** The product at its location (or the supplier), by name. */
  subject: string;
  /** What happened and what it costs, as one paragraph. */
  text: string;
  suggestions: string[];
  /** Display names for facts that hold a supplier or location id. */
  names: Record<string, string>;
}
export type WordsByLocale = Record<Locale, AlertWords>;

export const alertView = alertSchema;
export type AlertView = z.infer<typeof alertView> & { words?: WordsByLocale };

export interface Me {
  user: string;
  group: ConsoleGroup;
  locations: string[] | null;
  approvalLimit: number | null;
  currency: string;
  /** Everything the filters offer. */
  allLocations: Location[];
  locationGroups: string[];
  channels: string[];
}

export interface ConnectorHealth {
  name: string;
  type: string;
  lastSyncAt: string | null;
  lagMinutes: number | null;
  /** Expected interval between syncs, from the schedule. */
  intervalMinutes: number;
  quarantined: number;
  reasons: { reason: string; count: number }[];
}

export interface SupplierLateness {
  supplierId: string;
  name?: string;
  quotedLeadTimeDays: number;
  recentMeanDays: number;
  onTimeRate: number | null;
  /** recent mean ÷ quoted lead time; above 1 is late. */
  lateness: number;
}

export interface Overview {
  asOf: string;
  currency: string;
  filter: OverviewQuery;
  health: StockHealth;
  flow: AlertFlow;
  connectors: ConnectorHealth[];
  suppliers: SupplierLateness[];
  openAlerts: number;
  pendingApprovals: number;
}

export interface AlertGroupView {
  key: string;
  labels: Record<string, string>;
  alerts: AlertView[];
}

export interface AlertsPage { groups: AlertGroupView[]; total: number }

export interface AlertDetail { alert: AlertView; history: AlertAuditEntry[]; timeZone: string }

export interface ActionResult {
  done: { fingerprint: string; state: string }[];
  /** status: 403 not allowed, 404 unknown, 409 not possible in the alert's state. */
  refused: { fingerprint: string; reason: string; status: number }[];
}

export interface SalesDay { day: string; qty: number; outOfStock: boolean }

export interface PositionPage {
  sku: string;
  locationId: string;
  timeZone: string;
  currency: string;
  item: Item | null;
  position: Position;
  snapshot: PositionSnapshot;
  decision: EngineDecision;
  /** Each current finding in plain words, by finding type. */
  findingWords: Record<string, WordsByLocale>;
  sales: SalesDay[];
  /** Inbound lines at their expected date (for the chart). */
  inbound: { eta: string; qty: number; supplierId?: string; ref?: string }[];
  alerts: AlertView[];
  requests: RequestSummary[];
}

export interface RequestSummary {
  id: string;
  supplierId: string;
  locationId: string;
  state: ReplenishmentRequest['state'];
  revision: number;
  total: number;
  currency: string;
  lines: number;
  orderDay: string;
  updatedAt: string;
}

export interface TimelineEntry {
  kind: 'planned' | 'approved' | 'cancelled' | 'sent' | 'acknowledged' | 'shipped' | 'received' | 'replanned';
  at: string;
  detail?: string;
}

export interface RequestDetail { request: ReplenishmentRequest; timeline: TimelineEntry[]; canDecide: string | null }

/** A stale approval: what changed between the revision on screen and the stored one. */
export interface RevisionConflict {
  error: string;
  code: 'REVISION_CHANGED';
  seenRevision: number;
  currentRevision: number;
  changes: { sku: string; before: number | null; after: number | null }[];
  totalBefore: number | null;
  totalAfter: number;
}

export interface SupplierRow extends SupplierScorecard { name?: string; openRequests: number; ackHours: { median: number | null; count: number } }

export interface SupplierDetail { supplier: SupplierRow; requests: RequestSummary[]; leadTimes: { receivedOn: string; sku: string; leadTimeDays: number; onTime?: boolean }[] }
