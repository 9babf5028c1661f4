// escalate-alerts λ, every minute: escalates alerts nobody acknowledged in time (events onto the bus, where
// dispatch-alerts delivers them) and flushes notification groups whose group_wait / interval / repeat is due.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { toBusEntry } from '../events/alerts.js';
import { escalateDue, flushDueGroups } from '../shared/alerts/index.js';
import { logger, metrics } from './observability.js';
import { awsAlertDeps, type AlertDeps } from './dispatch-alerts.js';

export function createEscalateAlertsHandler(deps: () => Promise<AlertDeps>) {
  return async (): Promise<{ escalated: number; sent: number; failed: number }> => {
    const d = await deps();
    const now = d.clock.now();
    const escalations = await escalateDue(d, now);
    if (escalations.length) await d.bus.putEvents(escalations.map(toBusEntry));
    const report = await flushDueGroups({ ...d, now, links: d.secrets.links });
    metrics.addMetric('AlertsEscalated', MetricUnit.Count, escalations.length);
    metrics.addMetric('NotificationsSent', MetricUnit.Count, report.sent);
    if (report.failed.length) logger.warn('group flush failed', { failed: report.failed });
    return { escalated: escalations.length, sent: report.sent, failed: report.failed.length };
  };
}

export const handler = middy(createEscalateAlertsHandler(awsAlertDeps)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
