// DynamoDB stream → evaluate the positions whose quantities changed → alerts and replenishment.
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { quantitiesChanged } from '../shared/evaluation/changes.js';
import { evaluatePositions } from '../shared/evaluation/pipeline.js';
import type { BusEntry } from '../shared/alerts/ports.js';
import type { Position } from '../shared/model.js';
import { countBy, logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

/** The position a stream record is about, when its quantities changed; undefined for anything else. */
export function changedPosition(record: DynamoDBRecord): { sku: string; locationId: string; correlationId?: string } | undefined {
  const image = (i: unknown) => (i ? (unmarshall(i as Record<string, AttributeValue>) as Partial<Position> & { entity?: string }) : undefined);
  const next = image(record.dynamodb?.NewImage);
  if (next?.entity !== 'position' || !next.sku || !next.locationId) return undefined;
  if (!quantitiesChanged(image(record.dynamodb?.OldImage), next)) return undefined;
  return { sku: next.sku, locationId: next.locationId, ...(next.lastSyncId ? { correlationId: next.lastSyncId } : {}) };
}

/** What a log line needs to find an event downstream: its type and the alert fingerprint or request key it is about. */
export function describeEvent(entry: BusEntry): string {
  const alert = entry.detail.alert as { fingerprint?: unknown } | undefined;
  const ref = alert?.fingerprint ?? entry.detail.idempotencyKey;
  return typeof ref === 'string' ? `${entry.detailType} ${ref}` : entry.detailType;
}

export function createEvaluateChangesHandler(services: () => Promise<HubServices>) {
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const deps = await services();
    metrics.addMetric('StreamRecords', 'Count', event.Records.length);
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(event, async (record: DynamoDBRecord) => {
      const ref = changedPosition(record);
      if (!ref) return;
      // Every line about this record carries the id of the sync that changed it; the next record sets its own.
      logger.removeKeys(['correlationId']);
      if (ref.correlationId) logger.appendKeys({ correlationId: ref.correlationId });
      const report = await evaluatePositions([{ sku: ref.sku, locationId: ref.locationId }], deps.evaluation);
      await deps.bus.putEvents(report.events);
      // The event schemas have no correlation field yet, so the link to the events is this log line.
      if (report.events.length) logger.info('events published', { sku: ref.sku, location: ref.locationId, events: report.events.map(describeEvent) });
      metrics.addMetric('PositionsEvaluated', 'Count', report.evaluated.length);
      const findings = report.evaluated.flatMap((e) => e.decision.alerts);
      countBy('Findings', 'type', findings.map((f) => f.type));
      for (const f of findings) logger.debug('finding', { sku: ref.sku, location: ref.locationId, type: f.type, severity: f.severity });
    }, processor);
  }).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
}

export const handler = createEvaluateChangesHandler(awsServices);
