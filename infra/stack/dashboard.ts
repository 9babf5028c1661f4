// The operator's one page: stock health, alert flow, connector health, supplier responsiveness, plumbing.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter-queue.js';
import type { HubFunction } from './hub-function.js';

/** EMF namespace the handlers write to (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'StockSentry';

export interface HubDashboardProps {
  dashboardName: string;
  /** The `service` dimension every hub metric carries (POWERTOOLS_SERVICE_NAME). */
  service: string;
  connectors: readonly string[];
  functions: readonly HubFunction[];
  deadLetterQueues: readonly DeadLetterQueue[];
  /** Push ingestion is configured: chart its lag, what it applied and the drift the pulls found. */
  push?: boolean;
}

export class HubDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: HubDashboardProps) {
    super(scope, id);
    const metric = (metricName: string, statistic: string, dims: Record<string, string> = {}, label?: string) => new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE, metricName, statistic, period: Duration.minutes(5), label,
      dimensionsMap: { service: props.service, ...dims },
    });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const perConnector = (metricName: string, statistic: string) =>
      props.connectors.map((c) => metric(metricName, statistic, { connector: c }, c));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
      widgets: [
        [new cloudwatch.TextWidget({ markdown: '## Stock health', width: 24, height: 1 })],
        [
          graph('Positions at risk', [metric('PositionsAtRisk', cloudwatch.Stats.MAXIMUM)]),
          graph('Stockouts', [metric('Stockouts', cloudwatch.Stats.MAXIMUM)]),
          graph('Overstock value', [metric('OverstockValue', cloudwatch.Stats.MAXIMUM)]),
        ],
        [new cloudwatch.TextWidget({ markdown: '## Alert flow', width: 24, height: 1 })],
        [
          // dispatch-alerts records TimeToAck once per acknowledgement, so its sample count is the number acknowledged.
          graph('Alerts opened / acknowledged / escalated', [
            metric('AlertsOpened', cloudwatch.Stats.SUM), metric('TimeToAck', cloudwatch.Stats.SAMPLE_COUNT, {}, 'AlertsAcked'), metric('AlertsEscalated', cloudwatch.Stats.SUM),
          ], 12),
          graph('Time to acknowledge (seconds)', [metric('TimeToAck', cloudwatch.Stats.p(50), {}, 'p50'), metric('TimeToAck', cloudwatch.Stats.p(90), {}, 'p90')], 6),
          graph('Notifications sent / failed', [metric('NotificationsSent', cloudwatch.Stats.SUM), metric('NotificationsFailed', cloudwatch.Stats.SUM)], 6),
        ],
        [new cloudwatch.TextWidget({ markdown: '## Connector health', width: 24, height: 1 })],
        props.connectors.length > 0
          ? [
              graph('Records synced', perConnector('RecordsSynced', cloudwatch.Stats.SUM)),
              graph('Records quarantined', perConnector('RecordsQuarantined', cloudwatch.Stats.SUM)),
              graph('Sync lag (seconds)', perConnector('SyncLagSeconds', cloudwatch.Stats.MAXIMUM)),
            ]
          : [new cloudwatch.TextWidget({ markdown: 'No connectors in hub.config.', width: 24, height: 2 })],
        ...(props.push ? [
          [new cloudwatch.TextWidget({ markdown: '## Push ingestion', width: 24, height: 1 })],
          [
            graph('Push lag (seconds)', [metric('PushLagSeconds', cloudwatch.Stats.MAXIMUM, {}, 'max'), metric('PushLagSeconds', cloudwatch.Stats.p(90), {}, 'p90')]),
            graph('Pushed changes', [metric('PushChangesApplied', cloudwatch.Stats.SUM, {}, 'applied'), metric('PushDuplicates', cloudwatch.Stats.SUM, {}, 'repeats'), metric('PushLate', cloudwatch.Stats.SUM, {}, 'late'), metric('PushQuarantined', cloudwatch.Stats.SUM, {}, 'quarantined')]),
            graph('Drift found by the pulls (units)', perConnector('PushDriftUnits', cloudwatch.Stats.SUM)),
          ],
        ] : []),
        [new cloudwatch.TextWidget({ markdown: '## Supplier responsiveness', width: 24, height: 1 })],
        [graph('Replenishment requests sent / acknowledged', [
          metric('RequestsSent', cloudwatch.Stats.SUM), metric('RequestsAcknowledged', cloudwatch.Stats.SUM),
        ], 24)],
        [new cloudwatch.TextWidget({ markdown: '## Plumbing', width: 24, height: 1 })],
        [
          graph('Function errors', props.functions.map((f) => f.fn.metricErrors({ label: f.node.id, period: Duration.minutes(5) })), 12),
          graph('Dead-letter queue depth', props.deadLetterQueues.map((d) =>
            d.queue.metricApproximateNumberOfMessagesVisible({ label: d.node.id, period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM })), 12),
        ],
      ],
    });
  }
}
