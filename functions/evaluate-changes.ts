// DynamoDB stream → evaluate the positions whose quantities changed → alerts and replenishment. A batch is evaluated as
// one unit: each position once (its latest image), read and written together, its requests consolidated per request.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toPosition } from '../shared/adapters/dynamodb/inventory-store.js';
import { quantitiesChanged } from '../shared/evaluation/changes.js';
import { evaluatePositions, ReferenceCache, type PositionRef } from '../shared/evaluation/pipeline.js';
import type { BusEntry } from '../shared/alerts/ports.js';
import { positionKey, type Position } from '../shared/model.js';
import { countBy, logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

type Image = Partial<Position> & { entity?: string };
const image = (i: unknown): Image | undefined => (i ? (unmarshall(i as Record<string, AttributeValue>) as Image) : undefined);

/** The position a stream record is about, when its quantities changed; undefined for anything else. */
export function changedPosition(record: DynamoDBRecord): { sku: string; locationId: string; correlationId?: string; position: Position } | undefined {
  const next = image(record.dynamodb?.NewImage);
  if (next?.entity !== 'position' || !next.sku || !next.locationId) return undefined;
  if (!quantitiesChanged(image(record.dynamodb?.OldImage), next)) return undefined;
  return { sku: next.sku, locationId: next.locationId, ...(next.lastSyncId ? { correlationId: next.lastSyncId } : {}), position: toPosition(next) };
}

/** The positions an event is about: an alert's, or the lines of a request at its location. */
function eventPositions(entry: BusEntry): string[] {
  const alert = entry.detail.alert as { sku?: unknown; locationId?: unknown } | undefined;
  if (typeof alert?.sku === 'string' && typeof alert.locationId === 'string') return [positionKey(alert.sku, alert.locationId)];
  const { locationId, lines } = entry.detail as { locationId?: unknown; lines?: { sku?: unknown }[] };
  if (typeof locationId !== 'string' || !Array.isArray(lines)) return [];
  return lines.flatMap((l) => (typeof l.sku === 'string' ? [positionKey(l.sku, locationId)] : []));
}

/** What a log line needs to find an event downstream: its type and the alert fingerprint or request key it is about. */
export function describeEvent(entry: BusEntry): string {
  const alert = entry.detail.alert as { fingerprint?: unknown } | undefined;
  const ref = alert?.fingerprint ?? entry.detail.idempotencyKey;
  return typeof ref === 'string' ? `${entry.detailType} ${ref}` : entry.detailType;
}

interface Failed { record: DynamoDBRecord; reason: string; sku?: string; locationId?: string }

export function createEvaluateChangesHandler(services: () => Promise<HubServices>) {
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const deps = await services();
    metrics.addMetric('StreamRecords', 'Count', event.Records.length);
    const failed: Failed[] = [];
    // The latest image of each changed position; records of one shard arrive in order.
    const latest = new Map<string, { ref: PositionRef; correlationId?: string; records: DynamoDBRecord[] }>();
    for (const record of event.Records) {
      let changed: ReturnType<typeof changedPosition>;
      try {
        changed = changedPosition(record);
      } catch (error) {
        failed.push({ record, reason: `unreadable stream image: ${(error as Error).message}` });
        continue;
      }
      if (!changed) continue;
      const key = positionKey(changed.sku, changed.locationId);
      const records = [...(latest.get(key)?.records ?? []), record];
      latest.set(key, { ref: { sku: changed.sku, locationId: changed.locationId, position: changed.position }, ...(changed.correlationId ? { correlationId: changed.correlationId } : {}), records });
    }
    if (latest.size > 0) {
      try {
        const report = await evaluatePositions([...latest.values()].map((l) => l.ref), { ...deps.evaluation, cache: new ReferenceCache() });
        for (const f of report.failed) {
          for (const record of latest.get(positionKey(f.sku, f.locationId))?.records ?? []) failed.push({ record, reason: f.reason, sku: f.sku, locationId: f.locationId });
        }
        metrics.addMetric('PositionsEvaluated', 'Count', report.evaluated.length);
        countBy('Findings', 'type', report.evaluated.flatMap((e) => e.decision.alerts.map((f) => f.type)));
        for (const e of report.evaluated) {
          for (const f of e.decision.alerts) logger.debug('finding', { sku: e.position.sku, location: e.position.locationId, type: f.type, severity: f.severity });
        }
        // The event schemas have no correlation field yet, so the link from a sync to its events is this line.
        // One line per sync run whose changes led to events, with the events of its positions.
        const runOf = new Map([...latest].flatMap(([key, l]) => (l.correlationId ? [[key, l.correlationId] as const] : [])));
        const byRun = new Map<string | undefined, string[]>();
        for (const event of report.events) {
          const runs = new Set(eventPositions(event).map((key) => runOf.get(key)));
          for (const run of runs.size ? runs : [undefined]) byRun.set(run, [...(byRun.get(run) ?? []), describeEvent(event)]);
        }
        for (const [correlationId, events] of byRun) logger.info('events published', { ...(correlationId ? { correlationId } : {}), positions: report.evaluated.length, events });
      } catch (error) {
        // Reading or writing failed for the batch as a whole: every changed record goes back to the stream.
        for (const l of latest.values()) for (const record of l.records) failed.push({ record, reason: (error as Error).message, sku: l.ref.sku, locationId: l.ref.locationId });
      }
    }
    for (const f of failed) {
      logger.warn('record failed back to the stream', { sequenceNumber: f.record.dynamodb?.SequenceNumber, sku: f.sku, location: f.locationId, reason: f.reason });
    }
    metrics.addMetric('StreamRecordsFailed', 'Count', failed.length);
    return { batchItemFailures: failed.map((f) => ({ itemIdentifier: f.record.dynamodb?.SequenceNumber ?? '' })) };
  }).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
}

export const handler = createEvaluateChangesHandler(awsServices);
