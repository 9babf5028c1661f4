// The event catalog: every event on the hub's bus, its source, detail-type and detail schema, and a JSON Schema export.
import { z } from 'zod';
import { ALERT_DETAIL_SCHEMAS, ALERTS_SOURCE } from './alerts.js';
import { replenishmentApprovalRequested, replenishmentRequested, REPLENISHMENT_SOURCE, supplierFinding } from './replenishment.js';

/** The function that consumes each detail-type (the stack's bus rules and the local bus follow this). */
export type EventConsumer = 'dispatch-alerts' | 'send-replenishment';

export const EVENT_CATALOG = {
  AlertRaised: { source: ALERTS_SOURCE, consumer: 'dispatch-alerts', schema: ALERT_DETAIL_SCHEMAS.AlertRaised, description: 'An alert opened, reopened within the flap window, or got more severe.' },
  AlertAcknowledged: { source: ALERTS_SOURCE, consumer: 'dispatch-alerts', schema: ALERT_DETAIL_SCHEMAS.AlertAcknowledged, description: 'A person took ownership of an alert; repeats and escalation stop.' },
  AlertEscalated: { source: ALERTS_SOURCE, consumer: 'dispatch-alerts', schema: ALERT_DETAIL_SCHEMAS.AlertEscalated, description: 'Nobody acknowledged in time; the next step of the escalation policy is told.' },
  AlertResolved: { source: ALERTS_SOURCE, consumer: 'dispatch-alerts', schema: ALERT_DETAIL_SCHEMAS.AlertResolved, description: 'The condition cleared, was superseded (e.g. by STOCKOUT), or a person resolved it.' },
  ReplenishmentRequested: { source: REPLENISHMENT_SOURCE, consumer: 'send-replenishment', schema: replenishmentRequested, description: 'The hub asks a supplier to deliver these lines.' },
  ReplenishmentApprovalRequested: { source: REPLENISHMENT_SOURCE, consumer: 'dispatch-alerts', schema: replenishmentApprovalRequested, description: 'A replenishment request above the auto-approve limit waits for a buyer; the buyers\' route is told.' },
  SupplierFinding: { source: REPLENISHMENT_SOURCE, consumer: 'dispatch-alerts', schema: supplierFinding, description: 'A condition about a supplier (e.g. SUPPLY_GAP after a rejection); it opens or updates the supplier alert (rule + supplier).' },
} as const satisfies Record<string, { source: string; consumer: EventConsumer; schema: z.ZodType; description: string }>;

export type DetailType = keyof typeof EVENT_CATALOG;
export const DETAIL_TYPES = Object.keys(EVENT_CATALOG) as DetailType[];

/** The detail-types `consumer` handles, with their sources (what a bus rule or local subscription matches). */
export function consumedBy(consumer: EventConsumer): { sources: string[]; detailTypes: DetailType[] } {
  const detailTypes = DETAIL_TYPES.filter((t) => EVENT_CATALOG[t].consumer === consumer);
  return { sources: [...new Set(detailTypes.map((t) => EVENT_CATALOG[t].source))], detailTypes };
}

export class EventDetailInvalidError extends Error {
  readonly code = 'EVENT_DETAIL_INVALID';
  constructor(readonly detailType: string, readonly issues: { path: string; message: string }[]) {
    super(`Invalid ${detailType} event detail: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}. Check the producer against events/catalog.ts.`);
    this.name = 'EventDetailInvalidError';
  }
}

/** Validates an incoming event's detail against the catalog (throws EventDetailInvalidError). */
export function parseEventDetail<T extends DetailType>(detailType: T, detail: unknown): z.infer<(typeof EVENT_CATALOG)[T]['schema']> {
  const entry = EVENT_CATALOG[detailType] as (typeof EVENT_CATALOG)[DetailType] | undefined;
  if (!entry) throw new EventDetailInvalidError(detailType, [{ path: 'detail-type', message: `unknown detail-type; known: ${DETAIL_TYPES.join(', ')}` }]);
  const result = entry.schema.safeParse(detail);
  if (!result.success) {
    throw new EventDetailInvalidError(detailType, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data as z.infer<(typeof EVENT_CATALOG)[T]['schema']>;
}

/** JSON Schema (draft 2020-12) of every event's full EventBridge envelope, for consumers outside TypeScript. */
export function catalogJsonSchemas(): Record<DetailType, Record<string, unknown>> {
  const schemas = {} as Record<DetailType, Record<string, unknown>>;
  for (const detailType of DETAIL_TYPES) {
    const entry = EVENT_CATALOG[detailType];
    const envelope = z.object({
      source: z.literal(entry.source),
      'detail-type': z.literal(detailType),
      detail: entry.schema,
    }).describe(entry.description);
    schemas[detailType] = { $id: `https://stocksentry.dev/events/${detailType}.json`, title: detailType, ...z.toJSONSchema(envelope, { io: 'input', unrepresentable: 'any' }) };
  }
  return schemas;
}
