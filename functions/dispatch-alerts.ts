// dispatch-alerts λ: an alert event from the bus → routing, grouping, silences → SNS; a SupplierFinding → supplier alert
// → the same; a ReplenishmentApprovalRequested → the buyers' route. Records the EMF metrics that say whether alerts are
// worth sending: time to acknowledge, share acted on, alerts opened.
import { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ChatPacer, ChatPublisher, type ChatDeadLetter } from '../connectors/chat/deliver.js';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { EventBridgeEvent } from 'aws-lambda';
import { consumedBy, parseEventDetail, type DetailType } from '../events/catalog.js';
import { SnsAlertPublisher } from '../shared/adapters/aws/sns-alert-publisher.js';
import { DynamoMessageStore } from '../shared/adapters/dynamodb/message-store.js';
import type { ReplenishmentDeps } from '../shared/replenishment/service.js';
import {
  dispatch, eventId, notifyApproval, reconcileSupplier, supplierFingerprint, resolveAlertSecrets, SUPPLIER_ALERT_TYPES, SupplierFindingTypeError, type AlertEvent, type AlertPublisher, type AlertSecrets, type AlertsSettings,
  type AlertStore, type DispatchReport, type EventPublisher, type LinkSettings, type MessageStore, type SupplierAlertType,
} from '../shared/alerts/index.js';
import type { Clock } from '../shared/ports.js';
import { countBy, logger, metrics } from './observability.js';
import { awsServices, requireEnv, type HubServices } from './services.js';

/** What the alert Lambdas (dispatch, escalate, API) need; the local runtime builds the same with local adapters. */
export interface AlertDeps {
  store: AlertStore;
  settings: AlertsSettings;
  secrets: AlertSecrets;
  publisher: AlertPublisher;
  bus: EventPublisher;
  clock: Clock;
  /** Product names for messages (the synced items). */
  items?: (skus: string[]) => Promise<ReadonlyMap<string, { name?: string }>>;
  /** "Acknowledge all" sets, short approval links, what each buyer was last sent. */
  messages?: MessageStore;
  /** Replenishment requests, for the approve / reject links the alerts API serves. */
  requests?: ReplenishmentDeps;
}

/** Builds AlertDeps from the hub's services; the publisher is SNS on AWS, local delivery locally; `bus` defaults to the hub's. */
export async function alertDeps(hub: HubServices, adapters: { publisher: AlertPublisher; bus?: EventPublisher }): Promise<AlertDeps> {
  return {
    store: hub.alertStore, settings: hub.alertSettings, secrets: await resolveAlertSecrets(hub.alertSettings, hub.credentials),
    publisher: adapters.publisher, bus: adapters.bus ?? hub.bus, clock: hub.clock,
    items: (skus) => hub.store.getItems(skus), messages: new DynamoMessageStore(hub.doc, hub.tableName), requests: hub.replenishment,
  };
}

/** Deliveries per channel (email, sms, https, chat tools) as EMF; SNS's own metrics count the failures per topic. */
export function countedByChannel(publisher: AlertPublisher): AlertPublisher {
  return {
    async publish(n) {
      await publisher.publish(n);
      countBy('Deliveries', 'channel', [...n.receiver.emails.map(() => 'email'), ...n.receiver.phones.map(() => 'sms'), ...n.receiver.webhooks.map(() => 'https'), ...n.receiver.chats.map((c) => c.type)]);
    },
  };
}

/** One notification to several publishers in turn (SNS, then the chat tools). */
export const publishers = (...list: AlertPublisher[]): AlertPublisher => ({
  async publish(n) { for (const p of list) await p.publish(n); },
});

/** Chat messages that kept failing go to the chat dead-letter queue (CHAT_DLQ_URL), with what the tool would have got. */
export function sqsChatDeadLetter(sqs: SQSClient, queueUrl: string | undefined): (letter: ChatDeadLetter) => Promise<void> {
  return async (letter) => {
    if (!queueUrl) throw new Error(`chat message to ${letter.tool} for ${letter.receiver} failed and CHAT_DLQ_URL is not set: ${letter.failures.join('; ')}`);
    await sqs.send(new SendMessageCommand({
      QueueUrl: queueUrl, MessageBody: JSON.stringify(letter),
      MessageAttributes: { tool: { DataType: 'String', StringValue: letter.tool }, receiver: { DataType: 'String', StringValue: letter.receiver } },
    }));
  };
}

let cached: Promise<AlertDeps> | undefined;
/** Lambda: ALERTS_TOPIC_ARN and CHAT_DLQ_URL are set by the stack (wireAlertFunction); robot URLs and secrets come from Secrets Manager. */
export function awsAlertDeps(): Promise<AlertDeps> {
  cached ??= awsServices().then((hub) => alertDeps(hub, {
    publisher: countedByChannel(publishers(
      new SnsAlertPublisher(new SNSClient({}), requireEnv('ALERTS_TOPIC_ARN')),
      new ChatPublisher({ resolve: hub.credentials, deadLetter: sqsChatDeadLetter(new SQSClient({}), process.env.CHAT_DLQ_URL), clock: hub.clock, send: { pacer: new ChatPacer() } }),
    )),
  }));
  return cached;
}

const ALERT_DETAIL_TYPES = ['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved'] as const satisfies DetailType[];

/** Turns an EventBridge event into the domain event (validated against the catalog). */
export function alertEventFrom(event: EventBridgeEvent<string, unknown>): AlertEvent {
  const type = event['detail-type'] as (typeof ALERT_DETAIL_TYPES)[number];
  if (!ALERT_DETAIL_TYPES.includes(type)) throw new Error(`dispatch-alerts got a ${event['detail-type']} event; its rule should match only ${consumedBy('dispatch-alerts').detailTypes.join(', ')}`);
  return { type, ...parseEventDetail(type, event.detail) } as AlertEvent;
}

function recordMetrics(event: AlertEvent): void {
  if (event.type === 'AlertRaised' && event.alert.openedAt === event.at) metrics.addMetric('AlertsOpened', MetricUnit.Count, 1);
  if (event.type === 'AlertAcknowledged') {
    metrics.addMetric('TimeToAck', MetricUnit.Seconds, (Date.parse(event.at) - Date.parse(event.alert.openedAt)) / 1000);
  }
  // Average of ActedOn over resolved alerts = share of alerts someone acted on.
  if (event.type === 'AlertResolved' && event.reason !== 'superseded') {
    metrics.addMetric('ActedOn', MetricUnit.Count, event.alert.acknowledgedAt || event.reason === 'manual' ? 1 : 0);
  }
}

function recordReport(report: DispatchReport): void {
  metrics.addMetric('NotificationsSent', MetricUnit.Count, report.sent);
  if (report.failed.length) metrics.addMetric('NotificationsFailed', MetricUnit.Count, report.failed.length);
}

const isSupplierAlertType = (type: string): type is SupplierAlertType => (SUPPLIER_ALERT_TYPES as readonly string[]).includes(type);

/** The alert events one bus event stands for: itself, or what a supplier finding did to the supplier's alert. */
async function alertEventsFor(event: EventBridgeEvent<string, unknown>, d: AlertDeps): Promise<AlertEvent[]> {
  if (event['detail-type'] !== 'SupplierFinding') return [alertEventFrom(event)];
  const { supplierId, locationId, ...finding } = parseEventDetail('SupplierFinding', event.detail);
  if (!isSupplierAlertType(finding.type)) throw new SupplierFindingTypeError(supplierId, finding.type);
  const now = d.clock.now();
  // One finding speaks for its own rule only: a SUPPLY_GAP report must not clear the supplier's LEAD_TIME_RISK.
  const events = await reconcileSupplier({ supplierId, locationId, findings: [finding], types: [finding.type], now }, { store: d.store, settings: d.settings });
  if (events.length > 0) return events;
  // A retried event finds the alert already open: route it again (idempotent) in case the failed attempt lost its schedule.
  const alert = await d.store.getAlert(supplierFingerprint(finding.type, supplierId));
  return alert && (alert.state === 'open' || alert.state === 'escalated')
    ? [{ type: 'AlertRaised', id: eventId(alert), at: now.toISOString(), alert, reopened: false }]
    : [];
}

export function createDispatchAlertsHandler(deps: () => Promise<AlertDeps>) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<DispatchReport> => {
    const d = await deps();
    const now = d.clock.now();
    if (event['detail-type'] === 'ReplenishmentApprovalRequested') {
      const report = await notifyApproval(parseEventDetail('ReplenishmentApprovalRequested', event.detail), { ...d, now, links: d.secrets.links });
      recordReport(report);
      if (report.unrouted.length) logger.warn('approval task reached no receiver', { unrouted: report.unrouted });
      return report;
    }
    const alertEvents = await alertEventsFor(event, d);
    const links: LinkSettings | undefined = d.secrets.links;
    const report = await dispatch(alertEvents, { ...d, now, links });
    for (const e of alertEvents) recordMetrics(e);
    recordReport(report);
    if (report.unrouted.length || report.failed.length) logger.warn('dispatch left work', { unrouted: report.unrouted, failed: report.failed });
    return report;
  };
}

export const handler = middy(createDispatchAlertsHandler(awsAlertDeps)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
