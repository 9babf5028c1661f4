// push-apply λ (SQS): applies pushed envelopes in one pass per batch (one write per position however many changes),
// and when that fails, message by message so only the failing ones are retried and, in the end, dead-lettered.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyPush, type ApplyDeps, type ApplyReport } from '../connectors/push/apply.js';
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
    const oldest = Math.min(...event.Records.map((r) => Number(r.attributes.SentTimestamp)));
    try {
      const report = await applyPush(d, event.Records.map(bodyOf));
      record(report, oldest, d.clock.now());
      logger.info('push applied', { report });
      return { batchItemFailures: [] };
    } catch (error) {
      logger.warn('push batch failed; applying message by message', { error: String(error) });
    }
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const r of event.Records) {
      try {
        record(await applyPush(d, [bodyOf(r)]), Number(r.attributes.SentTimestamp), d.clock.now());
      } catch (error) {
        logger.error('push message failed', { messageId: r.messageId, error: String(error) });
        failures.push({ itemIdentifier: r.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

export const handler = middy(createPushApplyHandler(() => awsServices().then(applyDeps)))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
