// dispatch-alerts λ: an alert event from the bus → routing, grouping, silences → SNS. Records the EMF metrics that
// say whether alerts are worth sending: time to acknowledge, share acted on, alerts opened.
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { EventBridgeEvent } from 'aws-lambda';
import { parseEventDetail, type DetailType } from '../events/catalog.js';
import { SnsAlertPublisher } from '../shared/adapters/aws/sns-alert-publisher.js';
import {
  dispatch, resolveAlertSecrets, type AlertEvent, type AlertPublisher, type AlertSecrets, type AlertsSettings,
  type AlertStore, type DispatchReport, type EventPublisher, type LinkSettings,
} from '../shared/alerts/index.js';
import type { Clock } from '../shared/ports.js';
import { logger, metrics } from './observability.js';
import { awsServices, requireEnv, type HubServices } from './services.js';

/** What the alert Lambdas (dispatch, escalate, API) need; the local runtime builds the same with local adapters. */
export interface AlertDeps {
  store: AlertStore;
  settings: AlertsSettings;
  secrets: AlertSecrets;
  publisher: AlertPublisher;
  bus: EventPublisher;
  clock: Clock;
}

/** Builds AlertDeps from the hub's services; the publisher is SNS on AWS, local delivery locally; `bus` defaults to the hub's. */
export async function alertDeps(hub: HubServices, adapters: { publisher: AlertPublisher; bus?: EventPublisher }): Promise<AlertDeps> {
  return {
    store: hub.alertStore, settings: hub.alertSettings, secrets: await resolveAlertSecrets(hub.alertSettings, hub.credentials),
    publisher: adapters.publisher, bus: adapters.bus ?? hub.bus, clock: hub.clock,
  };
}

let cached: Promise<AlertDeps> | undefined;
/** Lambda: ALERTS_TOPIC_ARN is set by the stack (wireAlertFunction). */
export function awsAlertDeps(): Promise<AlertDeps> {
  cached ??= awsServices().then((hub) => alertDeps(hub, { publisher: new SnsAlertPublisher(new SNSClient({}), requireEnv('ALERTS_TOPIC_ARN')) }));
  return cached;
}

const ALERT_DETAIL_TYPES = ['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved'] as const satisfies DetailType[];

/** Turns an EventBridge event into the domain event (validated against the catalog). */
export function alertEventFrom(event: EventBridgeEvent<string, unknown>): AlertEvent {
  const type = event['detail-type'] as (typeof ALERT_DETAIL_TYPES)[number];
  if (!ALERT_DETAIL_TYPES.includes(type)) throw new Error(`dispatch-alerts got a ${event['detail-type']} event; its rule should match only ${ALERT_DETAIL_TYPES.join(', ')}`);
  return { type, ...parseEventDetail(type, event.detail) } as AlertEvent;
}

function recordMetrics(event: AlertEvent, report: DispatchReport): void {
  if (event.type === 'AlertRaised' && event.alert.openedAt === event.at) metrics.addMetric('AlertsOpened', MetricUnit.Count, 1);
  if (event.type === 'AlertAcknowledged') {
    metrics.addMetric('TimeToAck', MetricUnit.Seconds, (Date.parse(event.at) - Date.parse(event.alert.openedAt)) / 1000);
  }
  // Average of ActedOn over resolved alerts = share of alerts someone acted on.
  if (event.type === 'AlertResolved' && event.reason !== 'superseded') {
    metrics.addMetric('ActedOn', MetricUnit.Count, event.alert.acknowledgedAt || event.reason === 'manual' ? 1 : 0);
  }
  metrics.addMetric('NotificationsSent', MetricUnit.Count, report.sent);
  if (report.failed.length) metrics.addMetric('NotificationsFailed', MetricUnit.Count, report.failed.length);
}

export function createDispatchAlertsHandler(deps: () => Promise<AlertDeps>) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<DispatchReport> => {
    const d = await deps();
    const alertEvent = alertEventFrom(event);
    const links: LinkSettings | undefined = d.secrets.links;
    const report = await dispatch([alertEvent], { ...d, now: d.clock.now(), links });
    recordMetrics(alertEvent, report);
    if (report.unrouted.length || report.failed.length) logger.warn('dispatch left work', { unrouted: report.unrouted, failed: report.failed });
    return report;
  };
}

export const handler = middy(createDispatchAlertsHandler(awsAlertDeps)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
