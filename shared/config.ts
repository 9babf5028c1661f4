// hub.config: one validated description of a deployment, read by the CDK app, the Lambdas and the local runtime.
import { z } from 'zod';
import { alertType, location, severity } from './model.js';
import { alertingConfig, alertingIssues } from './alerts/config.js';
import { ConfigError, credentialRef, formatPath, timeZone, unknownKey, type ConfigIssue } from './config-primitives.js';
import { LOCALES } from './i18n/index.js';
import { CHAT_TOOLS } from './alerts/chat.js';
import { replenishmentConfig, supplierReplenishmentFields } from './replenishment/config.js';
import { consoleConfig } from './console-access.js';
import { scheduleIssue } from './schedule-expression.js';
import { pushConfig, pushIssues } from './push/config.js';

export { ConfigError, credentialRef, formatPath, nearest, unknownKey, type ConfigIssue, type CredentialRef } from './config-primitives.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');

/** An AWS EventBridge schedule expression: rate(5 minutes) or cron(0 6 * * ? *), in EventBridge's grammar. */
export const scheduleExpression = z.string().superRefine((expression, ctx) => {
  const issue = scheduleIssue(expression);
  if (issue) ctx.addIssue({ code: 'custom', message: issue });
});

/** escalate-alerts runs every minute (on AWS and locally): ack deadlines are minutes, not hours (docs/alerts.md). */
export const ESCALATION_SCHEDULE = 'rate(1 minute)';

export const connectorConfig = z.strictObject({
  name: id,
  type: z.string().min(1),
  schedule: scheduleExpression.default('rate(15 minutes)'),
  /** Base URL of the source API, or a file path for file connectors. */
  endpoint: z.string().min(1),
  credentials: credentialRef.optional(),
  /**
   * The key this connector's side (e.g. the ERP's goods receiving) signs `POST /receipts/<name>` with; kept apart from
   * `credentials`, so the supplier API never needs the token the hub reads the source with.
   */
  receiptSecret: credentialRef.optional(),
  /** Connector-specific settings, validated by the connector's own spec. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** Run a full reconcile (marks vanished positions) every N syncs. */
  fullReconcileEvery: z.number().int().positive().default(24),
});
export type ConnectorConfig = z.infer<typeof connectorConfig>;

const probability = z.number().gt(0).lt(1);

/** Rule defaults feed the engine's day-by-day arrays, so each is bounded like a snapshot's numbers (shared/engine/snapshot.ts). */
export const ruleDefaults = z.strictObject({
  serviceLevel: probability.default(0.95),
  serviceLevelByAbc: z.strictObject({ A: probability, B: probability, C: probability }).partial().default({}),
  /** Days between order opportunities; the order-up-to level covers lead time + review period. */
  reviewPeriodDays: z.number().positive().max(365).default(7),
  /** How far ahead the stock projection looks, in days. */
  horizonDays: z.number().int().positive().max(730).default(60),
  /**
   * STOCKOUT_RISK is raised when the chance of running out before replenishment can arrive reaches this
   * probability: lower warns more stockouts earlier, at the cost of more warnings that turn out unneeded.
   */
  stockoutRiskProbability: probability.default(0.45),
  /** Stock above order-up-to × (1 + margin) is overstock. */
  overstockMargin: z.number().nonnegative().max(100).default(1),
  deadStockDays: z.number().int().positive().max(3650).default(90),
  ageingDays: z.number().int().positive().max(3650).default(180),
  /** A supplier whose observed lead time exceeds quoted × ratio is a lead-time risk. */
  leadTimeRiskRatio: z.number().gt(1).max(100).default(1.3),
  /** How many days of history feed the forecast. */
  historyDays: z.number().int().positive().max(3660).default(365),
  /** Lead time assumed for an item whose supplier is unknown. */
  defaultLeadTimeDays: z.number().positive().max(730).default(14),
  overrides: z.array(z.strictObject({
    sku: z.string().optional(),
    location: z.string().optional(),
    minQty: z.number().nonnegative().max(1e9).optional(),
    maxQty: z.number().nonnegative().max(1e9).optional(),
    serviceLevel: probability.optional(),
  })).default([]),
});
export type RuleDefaults = z.infer<typeof ruleDefaults>;

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number like +14155550100');

/** An endpoint the hub sends to: https, or plain http only on this machine (local runs and tests). */
const outboundUrl = (what: string) => z.string().url().refine((u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(u),
  `${what} must use https:// (http only on localhost)`);

export const receiver = z.strictObject({
  name: id,
  /** The language of this receiver's emails, SMS, chat messages and webhook `text`. */
  locale: z.enum(LOCALES).default('en'),
  /** Times not tied to one location are told in this zone (each alert's own location's zone comes first). */
  timeZone: timeZone.optional(),
  emails: z.array(z.string().email()).default([]),
  phones: z.array(e164).default([]),
  webhooks: z.array(z.strictObject({
    url: outboundUrl('webhooks'),
    secret: credentialRef.optional(),
  })).default([]),
  /** Suppliers (by id) who are told too, at their configured `email`. */
  suppliers: z.array(z.string()).default([]),
  /**
   * Chat tools: WeCom / DingTalk group robots, Feishu (Lark) bots, Slack incoming webhooks, Teams workflows. The
   * webhook URL carries the robot's key, so it is a credential reference like any secret; DingTalk and Feishu
   * robots with signing on also need their signing `secret`.
   */
  chats: z.array(z.strictObject({
    type: z.enum(CHAT_TOOLS),
    webhook: credentialRef,
    secret: credentialRef.optional(),
  }).refine((c) => c.secret === undefined || c.type === 'dingtalk' || c.type === 'feishu', { message: 'only dingtalk and feishu robots sign their messages; remove secret', path: ['secret'] })).default([]),
});
export type Receiver = z.infer<typeof receiver>;

export const route = z.strictObject({
  receiver: z.string(),
  match: z.strictObject({
    type: z.array(alertType).optional(),
    severity: z.array(severity).optional(),
    location: z.array(z.string()).optional(),
    locationGroup: z.array(z.string()).optional(),
    category: z.array(z.string()).optional(),
    supplier: z.array(z.string()).optional(),
    /** `approval` matches replenishment requests waiting for a buyer (alerts have no kind). */
    kind: z.array(z.enum(['approval'])).optional(),
  }).default({}),
  /** Keep matching later routes after this one. */
  continue: z.boolean().default(false),
});
export type Route = z.infer<typeof route>;

export const supplierConfig = z.strictObject({
  id,
  name: z.string().optional(),
  leadTimeDays: z.number().positive(),
  /** Where replenishment requests go; omitted means requests are only recorded. */
  endpoint: outboundUrl('supplier endpoints').optional(),
  format: z.enum(['json', 'cxml', 'email']).default('json'),
  email: z.string().email().optional(),
  secret: credentialRef.optional(),
  backupSupplierId: z.string().optional(),
  ...supplierReplenishmentFields,
});
export type SupplierConfig = z.infer<typeof supplierConfig>;

/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const throttle = z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() });

/** What one stage may override, as `stages: { <stage>: {...} }` in hub.config or `-c stages=...` at synth. */
export const stageOverrides = z.strictObject({
  /** Keep the table, key, queues and logs when the stack is deleted. */
  retainData: z.boolean().optional(),
  logRetentionDays: z.number().int().refine((d) => LOG_RETENTION_DAYS.includes(d),
    `expected a CloudWatch Logs retention in days (${LOG_RETENTION_DAYS.join(', ')})`).optional(),
  /** The receiver that gets operator alarms (DLQ depth, errors, delivery failures). */
  operatorReceiver: z.string().optional(),
  alertsApiThrottle: throttle.optional(),
  supplierAckThrottle: throttle.optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export type StageOverrides = z.infer<typeof stageOverrides>;

/** How the daily sweep fans out (docs/cost.md): parallel-scan segments, workers at once, calls each worker overlaps. */
export const evaluationConfig = z.strictObject({
  /** The daily sweep (forecast refresh, ageing, expiry) schedule. */
  sweepSchedule: scheduleExpression.default('cron(0 5 * * ? *)'),
  /** Parallel-scan segments; default: the last sweep's position count ÷ positionsPerSegment. */
  segments: z.number().int().min(1).max(1000).optional(),
  positionsPerSegment: z.number().int().min(1000).default(25_000),
  /** Segment workers running at once (the Map state's MaxConcurrency; locally, in-process). */
  maxConcurrency: z.number().int().min(1).max(1000).default(20),
  /** Share of segments that may fail (after retries) before the sweep run fails; any failure still alarms. */
  toleratedFailurePercentage: z.number().min(0).max(100).default(0),
  /** DynamoDB calls one worker (sweep segment or stream batch) keeps in flight at once. */
  inFlight: z.number().int().min(1).max(256).default(24),
});

export const hubConfig = z.strictObject({
  name: id.default('stocksentry'),
  stage: id.default('dev'),
  locations: z.array(location.strict()).default([]),
  connectors: z.array(connectorConfig).default([]),
  suppliers: z.array(supplierConfig).default([]),
  rules: ruleDefaults.default(ruleDefaults.parse({})),
  replenishment: replenishmentConfig.default(replenishmentConfig.parse({})),
  receivers: z.array(receiver).default([]),
  routes: z.array(route).default([]),
  /** Routing tree, grouping, time windows, escalation, inhibition, silences, ack links (docs/alerts.md). */
  alerting: alertingConfig.optional(),
  evaluation: evaluationConfig.default(evaluationConfig.parse({})),
  /** The web console: its users, their groups, store locations and approval limits (docs/console.md). */
  console: consoleConfig,
  /** Per-stage settings keyed by stage name (docs/deploy.md); `-c stages=...` overrides them at synth. */
  stages: z.record(z.string(), stageOverrides).default({}),
  /** Push ingestion: shop webhooks, stock movements, sensors (docs/connectors.md#push-sources). */
  push: pushConfig.optional(),
}).superRefine((cfg, ctx) => {
  if (cfg.push) for (const issue of pushIssues(cfg.push, cfg.connectors)) ctx.addIssue({ code: 'custom', ...issue });
  const receivers = new Set(cfg.receivers.map((r) => r.name));
  for (const [stage, overrides] of Object.entries(cfg.stages)) {
    if (overrides.operatorReceiver !== undefined && !receivers.has(overrides.operatorReceiver)) {
      ctx.addIssue({ code: 'custom', path: ['stages', stage, 'operatorReceiver'], message: `no receiver named "${overrides.operatorReceiver}" (known: ${[...receivers].join(', ') || 'none'})` });
    }
  }
  cfg.routes.forEach((r, i) => {
    if (!receivers.has(r.receiver)) {
      ctx.addIssue({ code: 'custom', path: ['routes', i, 'receiver'], message: `no receiver named "${r.receiver}" (known: ${[...receivers].join(', ') || 'none'})` });
    }
  });
  cfg.locations.forEach((l, i) => {
    if (l.timeZone !== undefined && !timeZone.safeParse(l.timeZone).success) ctx.addIssue({ code: 'custom', path: ['locations', i, 'timeZone'], message: 'expected an IANA time zone like Europe/Berlin' });
  });
  const seen = new Set<string>();
  cfg.connectors.forEach((c, i) => {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['connectors', i, 'name'], message: `duplicate connector name "${c.name}"` });
    seen.add(c.name);
  });
  if (cfg.alerting) {
    for (const issue of alertingIssues(cfg.alerting, cfg.receivers)) {
      ctx.addIssue({ code: 'custom', path: issue.path.split(/\.|\[|\]/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: issue.message });
    }
  }
  const suppliers = new Set(cfg.suppliers.map((s) => s.id));
  const locationIds = new Set(cfg.locations.map((l) => l.id));
  cfg.console.users.forEach((u, i) => (u.locations ?? []).forEach((loc, j) => {
    if (!locationIds.has(loc)) ctx.addIssue({ code: 'custom', path: ['console', 'users', i, 'locations', j], message: `no location with id "${loc}"` });
  }));
  cfg.receivers.forEach((r, i) => r.suppliers.forEach((id, j) => {
    const supplier = cfg.suppliers.find((s) => s.id === id);
    if (!supplier) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'suppliers', j], message: `no supplier with id "${id}"` });
    else if (!supplier.email) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'suppliers', j], message: `supplier "${id}" has no email to send alerts to; add suppliers[id=${id}].email` });
  }));
  if (!cfg.replenishment.fromEmail && cfg.suppliers.some((s) => s.format === 'email')) {
    ctx.addIssue({ code: 'custom', path: ['replenishment', 'fromEmail'], message: `suppliers ${cfg.suppliers.filter((s) => s.format === 'email').map((s) => s.id).join(', ')} get orders by email; set replenishment.fromEmail to a sender address verified in SES` });
  }
  cfg.suppliers.forEach((s, i) => {
    if (s.backupSupplierId && !suppliers.has(s.backupSupplierId)) {
      ctx.addIssue({ code: 'custom', path: ['suppliers', i, 'backupSupplierId'], message: `no supplier with id "${s.backupSupplierId}"` });
    }
  });
}).transform((cfg) => ({
  ...cfg,
  // A supplier named in a receiver is one more email endpoint of it, so every channel (SNS, local) just sends.
  receivers: cfg.receivers.map((r) => ({
    ...r,
    emails: [...new Set([...r.emails, ...r.suppliers.flatMap((id) => cfg.suppliers.find((s) => s.id === id)?.email ?? [])])],
  })),
}));

export type HubConfig = z.infer<typeof hubConfig>;
export type EvaluationConfig = z.infer<typeof evaluationConfig>;
export type HubConfigInput = z.input<typeof hubConfig>;

/** Typed helper for hub.config.ts files. */
export const defineConfig = (config: HubConfigInput): HubConfigInput => config;

/**
 * Validates a hub.config. Every wrong field is reported with its path; an unknown key with the key it most likely
 * meant. `extraIssues` adds checks shared/ cannot make itself (the connector registry, in config/load.ts).
 */
export function parseHubConfig(input: unknown, source = 'hub.config', extraIssues?: (input: unknown) => ConfigIssue[]): HubConfig {
  const unknown = new Map<string, string>();
  const result = hubConfig.safeParse(input, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const known = Object.keys((issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape ?? {});
      for (const key of issue.keys) unknown.set(formatPath([...issue.path ?? [], key]), unknownKey(key, known));
      return `unknown keys ${issue.keys.join(', ')}`;
    },
  });
  const issues: ConfigIssue[] = result.success ? [] : result.error.issues.flatMap((i) => (i.code === 'unrecognized_keys'
    ? i.keys.map((key) => { const path = formatPath([...i.path, key]); return { path, message: unknown.get(path) ?? 'unknown key' }; })
    : [{ path: formatPath(i.path), message: i.message }]));
  issues.push(...(extraIssues?.(input) ?? []));
  if (!result.success || issues.length > 0) throw new ConfigError(issues, source);
  return result.data;
}
