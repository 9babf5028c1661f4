// push-apply λ (SQS): applies a batch of pushed envelopes (connectors/push/apply.ts, applyParts); messages that fail
// alone are reported back, so only they are retried and, in the end, dead-lettered.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyParts, type ApplyDeps, type ApplyReport } from '../connectors/push/apply.js';
import { DynamoExcursionStore } from '../shared/adapters/dynamodb/excursion-store.js';
import { logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

/** The applier's ports from the hub's services (the local runtime builds the same). */
export const applyDeps = (hub: HubServices): ApplyDeps => ({
  config: hub.config, store: hub.store, excursions: new DynamoExcursionStore(hub.doc, hub.tableName),
  alerts: { store: hub.alertStore, settings: hub.alertSettings }, bus: hub.bus, clock: hub.clock, credentials: hub.credentials,
});

/** A body that is not JSON is handed on as text: the applier quarantines it as an invalid envelope. */
const bodyOf = (record: SQSRecord): unknown => {
  try {
    return JSON.parse(record.body) as unknown;
  } catch {
    return record.body;
  }
};

function record(report: ApplyReport, oldestSentMs: number, now: Date): void {
  metrics.addMetric('PushChangesApplied', 'Count', report.changes.applied);
  metrics.addMetric('PushDuplicates', 'Count', report.changes.duplicate);
  metrics.addMetric('PushLate', 'Count', report.changes.late);
  metrics.addMetric('PushQuarantined', 'Count', report.quarantined);
  metrics.addMetric('ReadingsApplied', 'Count', report.readings.applied);
  // How far behind real time the applied changes are: the dashboard's measure of "pushed in seconds".
  metrics.addMetric('PushLagSeconds', 'Seconds', Math.max(0, (now.getTime() - oldestSentMs) / 1000));
}

export function createPushApplyHandler(deps: () => Promise<ApplyDeps>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const d = await deps();
    const outcome = await applyParts(d, event.Records, (r) => [bodyOf(r)],
      (error) => logger.warn('push batch failed; applying message by message', { error: String(error) }));
    for (const { report, parts } of outcome.applied) {
      record(report, Math.min(...parts.map((r) => Number(r.attributes.SentTimestamp))), d.clock.now());
      logger.info('push applied', { messages: parts.length, report });
    }
    for (const { part, error } of outcome.failed) logger.error('push message failed', { messageId: part.messageId, error: String(error) });
    return { batchItemFailures: outcome.failed.map((f) => ({ itemIdentifier: f.part.messageId })) };
  };
}

export const handler = middy(createPushApplyHandler(() => awsServices().then(applyDeps)))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
