// The push applier: envelopes → changes per position → the same diff and conditional writes as a pull
// (InventoryStore.upsertPositions), environment readings → storage-condition alerts. Idempotent (change ids), so a
// redelivered message changes nothing; what cannot be applied is quarantined with its reason, never dropped.
import { ZodError, type z } from 'zod';
import { toBusEntry } from '../../events/alerts.js';
import type { EventPublisher, LifecycleDeps } from '../../shared/alerts/index.js';
import { formatPath, type ConnectorConfig, type HubConfig } from '../../shared/config.js';
import type { Clock, InventoryStore, QuarantineEntry } from '../../shared/ports.js';
import { applyEnvironmentReadings, type ExcursionStore } from '../../shared/push/conditions.js';
import { pushConfig } from '../../shared/push/config.js';
import { changeRecords, movementChanges, movementSchema, type PositionChange } from '../../shared/push/movements.js';
import { isEnvironmentReading, readingSchema, stockReadingChange, type EnvironmentReading } from '../../shared/push/readings.js';
import type { ConnectorContext } from '../sdk/contract.js';
import type { CredentialResolver } from '../sdk/credentials.js';
import type { HttpClientOptions } from '../sdk/http.js';
import { connectorContext } from '../sdk/sync.js';
import { pushEnvelope, webhooksFor, type PushEnvelope } from './envelope.js';

export interface ApplyDeps {
  config: HubConfig;
  store: InventoryStore;
  excursions: ExcursionStore;
  alerts: LifecycleDeps;
  bus: EventPublisher;
  clock: Clock;
  /** Webhook mapping may ask the platform (Shopify: an inventory item's SKU) with the connector's credential. */
  credentials: CredentialResolver;
  http?: Partial<HttpClientOptions>;
}

export interface ApplyReport {
  envelopes: number;
  /** Changes to positions: applied, repeats, counts already overtaken, and those too old to apply (quarantined). */
  changes: { applied: number; duplicate: number; superseded: number; late: number };
  readings: { applied: number; stale: number };
  /** Alert events put on the bus (CONDITION opened, updated, resolved). */
  events: number;
  quarantined: number;
}

/** Positions changed under the applier by other writers too often: the messages are retried (nothing was lost). */
export class PushConflictError extends Error {
  readonly code = 'PUSH_CONFLICT';
  constructor(readonly conflicts: number) {
    super(`${conflicts} position(s) kept changing under concurrent writers; the push messages will be retried.`);
    this.name = 'PushConflictError';
  }
}

/** Sensors speaking through AWS IoT Core: the name their changes and quarantined readings are kept under. */
export const IOT_SOURCE = 'iot';

const reasonOf = (issues: z.core.$ZodIssue[]) => issues.map((i) => `${formatPath(i.path) || '(record)'}: ${i.message}`).join('; ');

/** Applies envelopes (parsed here: they come from a queue) in one pass, so a burst costs one write per position. */
export async function applyPush(deps: ApplyDeps, messages: readonly unknown[]): Promise<ApplyReport> {
  const now = deps.clock.now();
  const push = deps.config.push ?? pushConfig.parse({});
  const report: ApplyReport = { envelopes: messages.length, changes: { applied: 0, duplicate: 0, superseded: 0, late: 0 }, readings: { applied: 0, stale: 0 }, events: 0, quarantined: 0 };
  const quarantine: QuarantineEntry[] = [];
  const changes = new Map<string, PositionChange[]>();
  const environment: EnvironmentReading[] = [];
  const contexts = new Map<string, Promise<ConnectorContext<unknown>>>();
  const add = (source: string, list: PositionChange[]) => {
    // In place: a group of thousands of movements must not copy the list once per movement.
    const bySource = changes.get(source);
    if (bySource) bySource.push(...list); else changes.set(source, [...list]);
  };

  const takeReading = (source: string, raw: unknown, receivedAt: string) => {
    const parsed = readingSchema(push.sensors, new Date(receivedAt)).safeParse(raw);
    if (!parsed.success) { quarantine.push({ connector: source, stream: 'readings', reason: reasonOf(parsed.error.issues), raw }); return; }
    if (isEnvironmentReading(parsed.data)) environment.push(parsed.data);
    else add(source, [stockReadingChange(parsed.data, push.sensors.find((s) => s.id === parsed.data.sensorId)!)]);
  };

  for (const message of messages) {
    const parsed = pushEnvelope.safeParse(message);
    if (!parsed.success) { quarantine.push({ connector: 'push', stream: 'envelope', reason: reasonOf(parsed.error.issues), raw: message }); continue; }
    const envelope: PushEnvelope = parsed.data;
    switch (envelope.kind) {
      case 'movements': {
        const schema = movementSchema(new Date(envelope.receivedAt));
        for (const raw of envelope.movements) {
          const m = schema.safeParse(raw);
          if (m.success) add(envelope.source, movementChanges(m.data));
          else quarantine.push({ connector: envelope.source, stream: 'movements', reason: reasonOf(m.error.issues), raw });
        }
        break;
      }
      case 'readings':
        for (const raw of envelope.readings) takeReading(envelope.source, raw, envelope.receivedAt);
        break;
      case 'reading': {
        const { kind: _kind, receivedAt, ...reading } = envelope;
        takeReading(IOT_SOURCE, reading, receivedAt);
        break;
      }
      case 'webhook': {
        const config = deps.config.connectors.find((c) => c.name === envelope.connector);
        const support = config && webhooksFor(config.type);
        if (!config || !support) {
          quarantine.push({ connector: envelope.connector, stream: 'webhook', reason: `no ${envelope.connector} connector with webhook support in hub.config`, raw: envelope });
          break;
        }
        if (!contexts.has(config.name)) contexts.set(config.name, contextFor(deps, config));
        try {
          const mapped = await support.map({ topic: envelope.topic, deliveryId: envelope.deliveryId, payload: envelope.payload, receivedAt: envelope.receivedAt }, await contexts.get(config.name)!);
          add(config.name, mapped.changes);
          quarantine.push(...mapped.invalid.map((i) => ({ connector: config.name, stream: `webhook ${envelope.topic}`, reason: i.reason, raw: i.raw })));
        } catch (error) {
          // A payload of another shape is bad input; a platform that cannot be asked (down, throttled) is retried.
          if (!(error instanceof ZodError)) throw error;
          quarantine.push({ connector: config.name, stream: `webhook ${envelope.topic}`, reason: reasonOf(error.issues), raw: envelope.payload });
        }
        break;
      }
      case 'rejected':
        quarantine.push(...envelope.records.map((r) => ({ connector: envelope.source, stream: envelope.stream, reason: r.reason, raw: r.raw })));
        break;
    }
  }

  let conflicts = 0;
  for (const [source, list] of changes) {
    const result = await deps.store.upsertPositions(source, changeRecords(list), now);
    conflicts += result.conflicts;
    report.changes.applied += result.changes?.applied ?? 0;
    report.changes.duplicate += result.changes?.duplicate ?? 0;
    report.changes.superseded += result.changes?.superseded ?? 0;
    report.changes.late += result.changes?.late.length ?? 0;
    quarantine.push(...(result.changes?.late ?? []).map((l) => ({
      connector: source, stream: 'changes', raw: l.change,
      reason: `${l.change.id} at ${l.change.at} is older than what ${l.sku} at ${l.locationId} remembers; not applied (the next pull or count settles the position)`,
    })));
  }
  // Retried whole: what was applied is recognised by its ids; quarantine is written only by the attempt that succeeds.
  if (conflicts > 0) throw new PushConflictError(conflicts);

  if (environment.length > 0 && deps.config.push) {
    const conditions = await applyEnvironmentReadings({ config: { ...deps.config, push: deps.config.push }, store: deps.store, excursions: deps.excursions, alerts: deps.alerts, clock: deps.clock }, environment);
    report.readings = { applied: conditions.applied, stale: conditions.stale };
    if (conditions.events.length > 0) await deps.bus.putEvents(conditions.events.map(toBusEntry));
    report.events = conditions.events.length;
  }
  if (quarantine.length > 0) await deps.store.quarantine(quarantine, now);
  report.quarantined = quarantine.length;
  return report;
}

/** What applying parts that arrived together (queue messages, requests) gave: each pass that succeeded, and the parts that failed. */
export interface PartsOutcome<P> {
  applied: { report: ApplyReport; parts: P[] }[];
  failed: { part: P; error: unknown }[];
}

/**
 * Applies parts in one pass, so a burst costs one write per position however many parts touch it. When that pass
 * fails, part by part: one part's trouble then fails only that part (to be retried), and the others are applied.
 */
export async function applyParts<P>(deps: ApplyDeps, parts: readonly P[], messagesOf: (part: P) => readonly unknown[], onFallback?: (error: unknown) => void): Promise<PartsOutcome<P>> {
  try {
    return { applied: [{ report: await applyPush(deps, parts.flatMap(messagesOf)), parts: [...parts] }], failed: [] };
  } catch (error) {
    onFallback?.(error);
  }
  const outcome: PartsOutcome<P> = { applied: [], failed: [] };
  for (const part of parts) {
    try {
      outcome.applied.push({ report: await applyPush(deps, messagesOf(part)), parts: [part] });
    } catch (error) {
      outcome.failed.push({ part, error });
    }
  }
  return outcome;
}

async function contextFor(deps: ApplyDeps, config: ConnectorConfig): Promise<ConnectorContext<unknown>> {
  const { connectorFor } = await import('../registry.js');
  return connectorContext(connectorFor(config.type), { config, clock: deps.clock, credentials: deps.credentials, http: deps.http });
}
