// The `alerting` section of hub.config: routing tree, time windows, escalation, inhibition, silences, ack links, API auth.
import { z } from 'zod';
import type { HubConfig, Receiver, Route } from '../config.js';
import { ConfigError, credentialRef, timeZone, type CredentialRef } from '../config-primitives.js';
import type { MessageDirectory } from './describe.js';
import type { LinkSettings } from './message.js';
import { severity, type Severity } from '../model.js';

/** Labels every alert carries; routes, silences and inhibit rules match on them. */
// `kind` is 'approval' on buyer approval tasks and absent on alerts, so a route can take approvals apart.
export const LABEL_NAMES = ['type', 'severity', 'sku', 'location', 'locationGroup', 'category', 'abcClass', 'supplier', 'kind'] as const;
export const labelName = z.enum(LABEL_NAMES);
export type LabelName = z.infer<typeof labelName>;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration like 30s, 5m, 4h or 2d, parsed to milliseconds. */
export const duration = z.string()
  .regex(/^\d+[smhd]$/, 'expected a duration like 30s, 5m, 4h or 2d')
  .transform((d) => Number(d.slice(0, -1)) * UNIT_MS[d.slice(-1) as keyof typeof UNIT_MS]);

const regex = z.string().refine((r) => { try { new RegExp(r); return true; } catch { return false; } }, 'expected a valid regular expression');

/** Label matchers: every listed label must equal one of the values (`match`) and fully match the regex (`matchRe`). */
export const labelMatch = z.strictObject({
  match: z.partialRecord(labelName, z.array(z.string()).min(1)).default({}),
  matchRe: z.partialRecord(labelName, regex).default({}),
});
export type LabelMatch = z.infer<typeof labelMatch>;

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');
const clockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time HH:MM (00:00 to 24:00)');
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;


/** Named wall-clock windows in a time zone; a range whose end is before its start runs past midnight. */
export const timeWindow = z.strictObject({
  name,
  timeZone: timeZone.default('UTC'),
  /** Days on which a range starts; all days when omitted. */
  weekdays: z.array(z.enum(WEEKDAYS)).optional(),
  times: z.array(z.strictObject({ start: clockTime, end: clockTime })).min(1),
});
export type TimeWindow = z.infer<typeof timeWindow>;

/** One node of the routing tree (Alertmanager-style). Unset fields inherit from the parent node. */
export interface RouteNodeInput {
  receiver?: string;
  match?: Partial<Record<LabelName, string[]>>;
  matchRe?: Partial<Record<LabelName, string>>;
  continue?: boolean;
  groupBy?: LabelName[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  muteTimeWindows?: string[];
  activeTimeWindows?: string[];
  muteExceptSeverities?: Severity[];
  escalation?: string;
  sendResolved?: boolean;
  routes?: RouteNodeInput[];
}
export interface RouteNode {
  receiver?: string;
  match: Partial<Record<LabelName, string[]>>;
  matchRe: Partial<Record<LabelName, string>>;
  continue: boolean;
  groupBy?: LabelName[];
  groupWait?: number;
  groupInterval?: number;
  repeatInterval?: number;
  muteTimeWindows?: string[];
  activeTimeWindows?: string[];
  muteExceptSeverities?: Severity[];
  escalation?: string;
  sendResolved?: boolean;
  routes: RouteNode[];
}

export const routeNode: z.ZodType<RouteNode, RouteNodeInput> = z.lazy(() => z.strictObject({
  receiver: z.string().optional(),
  ...labelMatch.shape,
  continue: z.boolean().default(false),
  groupBy: z.array(labelName).optional(),
  groupWait: duration.optional(),
  groupInterval: duration.optional(),
  repeatInterval: duration.optional(),
  muteTimeWindows: z.array(z.string()).optional(),
  activeTimeWindows: z.array(z.string()).optional(),
  muteExceptSeverities: z.array(severity).optional(),
  escalation: z.string().optional(),
  sendResolved: z.boolean().optional(),
  routes: z.array(routeNode).default([]),
}));

/** Who is told next when an alert is not acknowledged within its severity's deadline. */
export const escalationPolicy = z.strictObject({
  name,
  /** Time allowed per step before the next one; a severity not listed never escalates. */
  ackDeadline: z.partialRecord(severity, duration),
  steps: z.array(z.strictObject({ receivers: z.array(z.string()).min(1) })).min(1),
});
export type EscalationPolicy = z.infer<typeof escalationPolicy>;

/** A finding matching `source` supersedes findings matching `target` at the same position. */
export const inhibitRule = z.strictObject({ source: labelMatch, target: labelMatch });
export type InhibitRule = z.infer<typeof inhibitRule>;

export const DEFAULT_INHIBIT_RULES: z.input<typeof inhibitRule>[] = [
  { source: { match: { type: ['STOCKOUT'] } }, target: { match: { type: ['LOW_STOCK', 'STOCKOUT_RISK'] } } },
];

export const staticSilence = labelMatch.extend({
  id: name,
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }),
  comment: z.string().min(1),
  createdBy: z.string().default('hub.config'),
});

export const alertingConfig = z.strictObject({
  /** The routing tree; omitted means the flat `routes` list under a root with the defaults. */
  route: routeNode.optional(),
  timeWindows: z.array(timeWindow).default([]),
  escalationPolicies: z.array(escalationPolicy).default([]),
  inhibitRules: z.array(inhibitRule).default(() => DEFAULT_INHIBIT_RULES.map((r) => inhibitRule.parse(r))),
  silences: z.array(staticSilence).default([]),
  /** A condition returning within this time of clearing reopens its old alert instead of a new one. */
  flapWindow: duration.default(3_600_000),
  /** One-click links in SMS/email; without it messages carry no links. */
  ackLinks: z.strictObject({
    baseUrl: z.string().url(),
    secret: credentialRef,
    /** The secret being rotated out: links it signed keep working until they expire. */
    previousSecret: credentialRef.optional(),
    ttl: duration.default(7 * 86_400_000),
  }).optional(),
  /**
   * The console's address, for the links in messages (each alert's page, the filtered inbox). Default: `<ackLinks.baseUrl>/console`,
   * where the local hub serves it; on AWS the console has its own (CloudFront) address, so set it there.
   */
  consoleUrl: z.string().url().optional(),
  api: z.strictObject({
    /** iam: API Gateway IAM authorizer (staff tools sign requests); bearer: a shared token (local runtime). */
    auth: z.enum(['iam', 'bearer']).default('iam'),
    bearerToken: credentialRef.optional(),
  }).default({ auth: 'iam' }),
});
export type AlertingConfig = z.infer<typeof alertingConfig>;
export type AlertingConfigInput = z.input<typeof alertingConfig>;

/** Root defaults, as Alertmanager's: wait briefly to batch a store's alerts, re-send daily while unacknowledged. */
export const ROOT_DEFAULTS = {
  groupBy: ['location'] as LabelName[],
  groupWait: 30_000,
  groupInterval: 5 * 60_000,
  repeatInterval: 24 * 3_600_000,
  muteExceptSeverities: ['critical'] as Severity[],
  sendResolved: false,
};

/** Everything the alert services need, resolved from hub.config once. */
export interface AlertsSettings {
  receivers: Receiver[];
  route: RouteNode;
  timeWindows: TimeWindow[];
  escalationPolicies: EscalationPolicy[];
  inhibitRules: InhibitRule[];
  silences: z.infer<typeof staticSilence>[];
  flapWindowMs: number;
  ackLinks?: AlertingConfig['ackLinks'];
  api: AlertingConfig['api'];
  /** Names, currency and the console address messages are worded with. */
  messages: MessageDirectory;
}

/** Flat `routes` (the original config) become the children of a root node: same order, same `continue`. */
export function routesToTree(routes: Route[]): RouteNode {
  return routeNode.parse({
    routes: routes.map((r) => ({ receiver: r.receiver, match: r.match, continue: r.continue })),
  });
}

/** Checks cross-references (receivers, windows, policies); returns issues with their config paths. */
export function alertingIssues(alerting: AlertingConfig, receivers: Receiver[]): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const receiverNames = new Set(receivers.map((r) => r.name));
  const windows = new Set(alerting.timeWindows.map((w) => w.name));
  const policies = new Set(alerting.escalationPolicies.map((p) => p.name));
  const known = (set: Set<string>) => [...set].join(', ') || 'none';
  const walk = (node: RouteNode, path: string): void => {
    if (node.receiver && !receiverNames.has(node.receiver)) issues.push({ path: `${path}.receiver`, message: `no receiver named "${node.receiver}" (known: ${known(receiverNames)})` });
    for (const w of [...(node.muteTimeWindows ?? []), ...(node.activeTimeWindows ?? [])]) {
      if (!windows.has(w)) issues.push({ path: `${path}`, message: `no time window named "${w}" (known: ${known(windows)})` });
    }
    if (node.escalation && !policies.has(node.escalation)) issues.push({ path: `${path}.escalation`, message: `no escalation policy named "${node.escalation}" (known: ${known(policies)})` });
    node.routes.forEach((child, i) => walk(child, `${path}.routes[${i}]`));
  };
  if (alerting.route) walk(alerting.route, 'alerting.route');
  alerting.escalationPolicies.forEach((p, i) => p.steps.forEach((s, j) => s.receivers.forEach((r) => {
    if (!receiverNames.has(r)) issues.push({ path: `alerting.escalationPolicies[${i}].steps[${j}].receivers`, message: `no receiver named "${r}" (known: ${known(receiverNames)})` });
  })));
  if (alerting.api.auth === 'bearer' && !alerting.api.bearerToken) {
    issues.push({ path: 'alerting.api.bearerToken', message: 'auth "bearer" needs bearerToken, e.g. { env: "ALERTS_API_TOKEN" }' });
  }
  return issues;
}

/**
 * Resolves the alert settings from a parsed hub config. Reads `alerting` when hub.config has it, else the defaults;
 * without `alerting.route` the flat `routes` list is the tree.
 */
export function alertsSettings(hub: HubConfig & { alerting?: AlertingConfig }, source = 'hub.config'): AlertsSettings {
  const alerting = hub.alerting ?? alertingConfig.parse({});
  const issues = alertingIssues(alerting, hub.receivers);
  if (issues.length > 0) throw new ConfigError(issues, source);
  const tree = alerting.route ?? routesToTree(hub.routes);
  return {
    receivers: hub.receivers,
    route: tree,
    timeWindows: alerting.timeWindows,
    escalationPolicies: alerting.escalationPolicies,
    inhibitRules: alerting.inhibitRules,
    silences: alerting.silences,
    flapWindowMs: alerting.flapWindow,
    ackLinks: alerting.ackLinks,
    api: alerting.api,
    messages: messageDirectory(hub, alerting),
  };
}

/** What messages need from hub.config: the currency, location and supplier names and zones, the console address. */
export function messageDirectory(hub: Pick<HubConfig, 'locations' | 'suppliers' | 'replenishment'>, alerting?: Pick<AlertingConfig, 'consoleUrl' | 'ackLinks'>): MessageDirectory {
  const consoleBase = alerting?.consoleUrl ?? (alerting?.ackLinks ? `${alerting.ackLinks.baseUrl.replace(/\/+$/, '')}/console` : undefined);
  return {
    currency: hub.replenishment.currency,
    locations: new Map(hub.locations.map((l) => [l.id, { ...(l.name ? { name: l.name } : {}), ...(l.timeZone ? { timeZone: l.timeZone } : {}) }])),
    suppliers: new Map(hub.suppliers.map((s) => [s.id, s.name ? { name: s.name } : {}])),
    ...(consoleBase ? { consoleBase } : {}),
  };
}

/** Secret values the API and the messages need, resolved once per container through the hub's credential resolver. */
export interface AlertSecrets {
  /** Signing settings for links in messages; undefined when `alerting.ackLinks` is not configured. */
  links?: LinkSettings;
  /** Every secret a link may be signed with (current first). */
  linkSecrets: string[];
  apiBearerToken?: string;
}

export async function resolveAlertSecrets(settings: AlertsSettings, resolve: (ref: CredentialRef) => Promise<string>): Promise<AlertSecrets> {
  const ack = settings.ackLinks;
  const current = ack ? await resolve(ack.secret) : undefined;
  const previous = ack?.previousSecret ? await resolve(ack.previousSecret) : undefined;
  const bearer = settings.api.auth === 'bearer' && settings.api.bearerToken ? await resolve(settings.api.bearerToken) : undefined;
  return {
    links: ack && current ? { baseUrl: ack.baseUrl, secret: current, ttlMs: ack.ttl } : undefined,
    linkSecrets: [current, previous].filter((x): x is string => Boolean(x)),
    apiBearerToken: bearer,
  };
}
