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
import type { Position } from '../shared/model.js';
import { logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

/** The position a stream record is about, when its quantities changed; undefined for anything else. */
export function changedPosition(record: DynamoDBRecord): { sku: string; locationId: string } | undefined {
  const image = (i: unknown) => (i ? (unmarshall(i as Record<string, AttributeValue>) as Partial<Position> & { entity?: string }) : undefined);
  const next = image(record.dynamodb?.NewImage);
  if (next?.entity !== 'position' || !next.sku || !next.locationId) return undefined;
  return quantitiesChanged(image(record.dynamodb?.OldImage), next) ? { sku: next.sku, locationId: next.locationId } : undefined;
}

export function createEvaluateChangesHandler(services: () => Promise<HubServices>) {
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const deps = await services();
    metrics.addMetric('StreamRecords', 'Count', event.Records.length);
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(event, async (record: DynamoDBRecord) => {
      const ref = changedPosition(record);
      if (!ref) return;
      const report = await evaluatePositions([ref], deps.evaluation);
      await deps.bus.putEvents(report.events);
      metrics.addMetric('PositionsEvaluated', 'Count', report.evaluated.length);
      for (const e of report.evaluated) for (const f of e.decision.alerts) logger.debug('finding', { sku: e.position.sku, location: e.position.locationId, type: f.type, severity: f.severity });
    }, processor);
  }).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = createEvaluateChangesHandler(awsServices);
