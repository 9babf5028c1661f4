// The StockSentry stack: table, bus, topics, one Lambda per job, their triggers, DLQs, alarms and dashboard.
import { Annotations, ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ESCALATION_SCHEDULE, type CredentialRef, type HubConfig, type Receiver } from '../../shared/config.js';
import { consumedBy, type EventConsumer } from '../../events/catalog.js';
import { alertsSettings } from '../../shared/alerts/config.js';
import { TABLE_INDEXES, TABLE_KEYS, TABLE_STREAM_VIEW, TABLE_TTL_ATTRIBUTE } from '../../shared/storage/table.js';
import { EVALUATION_STREAM } from '../../shared/evaluation/changes.js';
import { AlarmRouter } from './alarms.js';
import { HubConsole } from './console.js';
import { acknowledge } from './checks.js';
import { HubDashboard, METRICS_NAMESPACE } from './dashboard.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { DLQ_PURPOSE_TAG, DLQ_REDRIVE_TAG } from './dlq-tags.js';
import { HubFunction, type HubFunctionEntry } from './hub-function.js';
import { HubKey } from './hub-key.js';
import { PushIngestion } from './push-ingestion.js';
import type { StageSettings } from './stage.js';
import { SweepStateMachine } from './sweep.js';

/** SNS message attributes the subscriptions filter on. */
export const RECEIVER_ATTRIBUTE = 'receiver';
export const SUPPLIER_ATTRIBUTE = 'supplier';

/** Item-level DynamoDB actions a hub function needs; no table management. */
const TABLE_READ_WRITE_ACTIONS = [
  'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DescribeTable',
];

export interface HubStackProps extends StackProps {
  config: HubConfig;
  stage: StageSettings;
}

export class HubStack extends Stack {
  readonly config: HubConfig;
  readonly stage: StageSettings;
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly alertsTopic: sns.Topic;
  readonly supplierTopic: sns.Topic;
  readonly operatorTopic: sns.Topic;
  readonly alarms: AlarmRouter;
  readonly deadLetterQueues: DeadLetterQueue[] = [];
  readonly functions: HubFunction[] = [];
  /** The web console: S3 + CloudFront, its Cognito user pool and API (infra/stack/console.ts). */
  readonly console: HubConsole;
  sweep!: SweepStateMachine;
  private readonly prefix: string;
  private readonly removal: RemovalPolicy;
  private readonly secrets = new Map<string, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    const { config, stage } = props;
    this.config = config;
    this.stage = stage;
    this.prefix = `${config.name}-${stage.name}`;
    this.removal = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('app', config.name);
    Tags.of(this).add('stage', stage.name);
    for (const [k, v] of Object.entries(stage.tags)) Tags.of(this).add(k, v);

    this.key = new HubKey(this, 'DataKey', { alias: `alias/${this.prefix}`, removalPolicy: this.removal }).key;

    this.operatorTopic = this.topic('OperatorTopic', `${this.prefix} operator alarms`);
    this.alarms = new AlarmRouter(this.operatorTopic);
    const operator = config.receivers.find((r) => r.name === stage.operatorReceiver);
    if (operator) this.subscribeReceiver(this.operatorTopic, 'Operator', operator);
    else Annotations.of(this).addWarningV2('stocksentry:no-operator', `No receiver named "${stage.operatorReceiver}" in hub.config: alarms reach the operator topic but nobody is subscribed. Add a receiver "${stage.operatorReceiver}" with emails, phones or webhooks.`);

    this.table = this.hubTable();
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: this.prefix, description: `StockSentry ${stage.name}: alerts and replenishment events` });

    this.alertsTopic = this.topic('AlertsTopic', `${this.prefix} alerts`);
    for (const receiver of config.receivers) {
      this.subscribeReceiver(this.alertsTopic, `Alerts-${receiver.name}`, receiver, { [RECEIVER_ATTRIBUTE]: receiver.name });
    }
    this.supplierTopic = this.topic('SupplierTopic', `${this.prefix} supplier requests`);
    for (const supplier of config.suppliers) {
      if (!supplier.email) continue;
      this.subscribeReceiver(this.supplierTopic, `Supplier-${supplier.id}`, { name: supplier.id, emails: [supplier.email], phones: [], webhooks: [] }, { [SUPPLIER_ATTRIBUTE]: supplier.id });
    }

    this.syncFunctions();
    const evaluateChanges = this.evaluateChanges();
    this.evaluateSweep();
    this.dispatchAlerts();
    this.escalateAlerts();
    this.sendReplenishment();
    const alertsApi = this.alertsApi();
    const supplierAck = this.supplierAckApi();
    this.console = this.webConsole();
    if (config.push) {
      new PushIngestion(this, 'Push', {
        config, push: config.push, prefix: this.prefix, key: this.key, alarms: this.alarms, removalPolicy: this.removal,
        hubFunction: (id, entry, options) => this.hubFunction(id, entry, options),
        deadLetterQueue: (id, purpose) => this.deadLetterQueue(id, purpose),
        grantSecretRead: (f, ref) => this.grantSecretRead(f, ref),
        grantPutEvents: (f) => this.grantPutEvents(f),
        httpStage: (id, api, throttle) => this.httpStage(id, api, throttle),
      });
    }

    this.alarms.route(new cloudwatch.Alarm(this, 'EvaluationLagAlarm', {
      alarmDescription: 'Position changes wait more than 5 minutes for evaluation: evaluate-changes is failing or too slow.',
      metric: evaluateChanges.fn.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: 300_000,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    for (const [id, topic] of [['AlertsDeliveryFailures', this.alertsTopic], ['SupplierDeliveryFailures', this.supplierTopic]] as const) {
      this.alarms.route(new cloudwatch.Alarm(this, `${id}Alarm`, {
        alarmDescription: `SNS could not deliver ${id === 'AlertsDeliveryFailures' ? 'alerts' : 'supplier requests'}: check the subscription DLQs and the endpoints.`,
        metric: topic.metricNumberOfNotificationsFailed({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }

    const dashboard = new HubDashboard(this, 'Dashboard', {
      dashboardName: this.prefix,
      service: this.prefix,
      connectors: config.connectors.map((c) => c.name),
      functions: this.functions,
      deadLetterQueues: this.deadLetterQueues,
      push: Boolean(config.push),
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.alertsTopic.topicArn });
    new CfnOutput(this, 'SupplierTopicArn', { value: this.supplierTopic.topicArn });
    new CfnOutput(this, 'OperatorTopicArn', { value: this.operatorTopic.topicArn });
    new CfnOutput(this, 'AlertsApiUrl', { value: alertsApi.apiEndpoint });
    new CfnOutput(this, 'AlertsApiInvokeArn', { value: this.formatArn({ service: 'execute-api', resource: alertsApi.apiId, resourceName: '*' }), description: 'Grant execute-api:Invoke on this to the people and tools that use the alerts API.' });
    new CfnOutput(this, 'SupplierAckUrl', { value: supplierAck.apiEndpoint });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
    new CfnOutput(this, 'SweepStateMachineArn', { value: this.sweep.stateMachine.stateMachineArn, description: 'Start an execution to run the evaluation sweep now.' });
  }

  private deliveryStatusRole?: iam.Role;

  /** Topics log every failed HTTPS delivery (and a sample of successful ones) to CloudWatch Logs. */
  private topic(id: string, displayName: string): sns.Topic {
    this.deliveryStatusRole ??= this.snsDeliveryStatusRole();
    return new sns.Topic(this, id, {
      displayName, masterKey: this.key, enforceSSL: true,
      loggingConfigs: [{
        protocol: sns.LoggingProtocol.HTTP, failureFeedbackRole: this.deliveryStatusRole,
        successFeedbackRole: this.deliveryStatusRole, successFeedbackSampleRate: 10,
      }],
    });
  }

  private snsDeliveryStatusRole(): iam.Role {
    const role = new iam.Role(this, 'SnsDeliveryStatusRole', {
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com'),
      description: 'Lets SNS write delivery-status logs of the hub topics',
      inlinePolicies: {
        deliveryStatus: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
            resources: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'sns/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
          })],
        }),
      },
    });
    // cdk-nag renders the finding with the region and account as they are known at synth time.
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:sns/*]`, 'SNS names its delivery-status log groups itself (sns/<region>/<account>/<topic>[/Failure]); the role is scoped to that sns/ prefix.');
    return role;
  }

  private deadLetterQueue(id: string, purpose: string): sqs.Queue {
    const dlq = new DeadLetterQueue(this, id, { key: this.key, alarms: this.alarms, removalPolicy: this.removal, purpose });
    this.deadLetterQueues.push(dlq);
    // `stocksentry dlq` finds the stack's DLQs by this tag (docs/deploy.md#dead-letter-queues).
    Tags.of(dlq.queue).add(DLQ_PURPOSE_TAG, purpose);
    return dlq.queue;
  }

  /** Marks a DLQ whose messages are the function's own input, so `stocksentry dlq redrive` may invoke it with them. */
  private redrivesTo(queue: sqs.IQueue, f: HubFunction): void {
    // The logical id, not the name: a Ref would loop (function → its DLQ → tag → function).
    Tags.of(queue).add(DLQ_REDRIVE_TAG, this.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction));
  }

  /** One subscription per endpoint of the receiver, each with its own DLQ, filtered on a message attribute when given. */
  private subscribeReceiver(topic: sns.Topic, id: string, receiver: Pick<Receiver, 'name' | 'emails' | 'phones' | 'webhooks'>, filter?: Record<string, string>): void {
    const filterPolicy = filter && Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, sns.SubscriptionFilter.stringFilter({ allowlist: [v] })]));
    const subscribe = (kind: 'email' | 'sms' | 'webhook', i: number, protocol: sns.SubscriptionProtocol, endpoint: string) =>
      new sns.Subscription(this, `${id}-${kind}${i}`, {
        topic, protocol, endpoint, filterPolicy,
        deadLetterQueue: this.deadLetterQueue(`${id}-${kind}${i}-Dlq`, `${kind} ${i} of ${id}`),
      });
    receiver.emails.forEach((email, i) => subscribe('email', i, sns.SubscriptionProtocol.EMAIL, email));
    // sns.Subscription rather than SmsSubscription, which drops the dead-letter queue.
    receiver.phones.forEach((phone, i) => subscribe('sms', i, sns.SubscriptionProtocol.SMS, phone));
    receiver.webhooks.forEach((webhook, i) => {
      if (!webhook.url.startsWith('https://')) {
        Annotations.of(this).addWarningV2('stocksentry:local-webhook', `Receiver "${receiver.name}" webhook ${webhook.url} is local-only; it is not subscribed on AWS.`);
        return;
      }
      subscribe('webhook', i, sns.SubscriptionProtocol.HTTPS, webhook.url);
    });
  }

  private hubTable(): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType[TABLE_STREAM_VIEW],
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: this.stage.retainData,
      removalPolicy: this.removal,
    });
    for (const index of TABLE_INDEXES) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  private hubFunction(id: string, entry: HubFunctionEntry, options: {
    description: string; memorySize: number; timeout: Duration; environment?: Record<string, string>; deadLetterQueue?: sqs.IQueue;
    /** False for a function that never touches the table (the push receiver). */
    tableAccess?: boolean;
  }): HubFunction {
    const f = new HubFunction(this, id, {
      entry,
      config: this.config,
      description: options.description,
      memorySize: options.memorySize,
      timeout: options.timeout,
      deadLetterQueue: options.deadLetterQueue,
      environment: {
        TABLE_NAME: this.table.tableName,
        // Every handler's services name the bus (functions/services.ts); only emitters get events:PutEvents.
        EVENT_BUS_NAME: this.bus.eventBusName,
        POWERTOOLS_SERVICE_NAME: this.prefix,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...options.environment,
      },
      logRetention: this.stage.logRetentionDays,
      removalPolicy: this.removal,
      alarms: this.alarms,
    });
    if (options.tableAccess !== false) this.grantTableReadWrite(f);
    const runtimeReason = 'The project targets nodejs22.x on Lambda (tested locally on Node 20/22); a newer runtime is a deliberate, tested upgrade.';
    acknowledge(f.fn, 'AwsSolutions-L1', runtimeReason);
    acknowledge(f.fn, 'Serverless-LambdaLatestVersion', runtimeReason);
    this.functions.push(f);
    return f;
  }

  /** Item reads and writes on the table and its two named indexes (no index wildcard), plus use of the table key. */
  private grantTableReadWrite(f: HubFunction): void {
    f.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: TABLE_READ_WRITE_ACTIONS,
      resources: [this.table.tableArn, ...TABLE_INDEXES.map((i) => `${this.table.tableArn}/index/${i.indexName}`)],
    }));
    this.key.grantEncryptDecrypt(f.role);
  }

  /** Scan, on the table alone (no index): the sweep's parallel-scan segments. */
  private grantTableScan(f: HubFunction): void {
    f.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [this.table.tableArn] }));
  }

  private grantSecretRead(f: HubFunction, ref: CredentialRef | undefined): void {
    if (!ref || !('secretName' in ref)) return;
    let secret = this.secrets.get(ref.secretName);
    if (!secret) {
      secret = secretsmanager.Secret.fromSecretNameV2(this, `Secret-${this.secrets.size}`, ref.secretName);
      this.secrets.set(ref.secretName, secret);
    }
    secret.grantRead(f.role);
    acknowledge(f.role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${ref.secretName}-??????]`,
      `Secrets Manager appends a random 6-character suffix to secret ARNs; "${ref.secretName}-??????" matches exactly the named secret.`);
  }

  private grantPutEvents(f: HubFunction): void {
    this.bus.grantPutEventsTo(f.role);
  }

  private suppressNoFunctionDlq(f: HubFunction, why: string): void {
    acknowledge(f.fn, 'Serverless-LambdaDLQ', why);
  }

  /** One function and one schedule per connector, so a slow or failing source never holds up another. */
  private syncFunctions(): void {
    for (const connector of this.config.connectors) {
      const failures = this.deadLetterQueue(`Sync-${connector.name}-Dlq`, `sync of connector ${connector.name}`);
      const f = this.hubFunction(`Sync-${connector.name}`, 'sync-connector', {
        description: `Sync connector ${connector.name} (${connector.type}) into the table`,
        memorySize: 1024,
        timeout: Duration.minutes(10),
        environment: { CONNECTOR_NAME: connector.name },
        deadLetterQueue: failures,
      });
      this.grantSecretRead(f, connector.credentials);
      // A full reconcile still lists the source's positions with a scan.
      this.grantTableScan(f);
      this.redrivesTo(failures, f);
      this.schedule(`Sync-${connector.name}-Schedule`, connector.schedule, f, failures, `Sync connector ${connector.name}`, { connector: connector.name });
      // Lagging or stopped: no successful sync for three intervals (missing data counts, so a silent stop alarms too).
      const window = Duration.seconds(Math.max(3600, 3 * scheduleIntervalSeconds(connector.schedule)));
      this.alarms.route(new cloudwatch.Alarm(this, `Sync-${connector.name}-LagAlarm`, {
        alarmDescription: `Connector ${connector.name} has not synced successfully for ${window.toHumanString()}: check its function's errors and DLQ, and the source.`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE, metricName: 'RecordsSynced', statistic: cloudwatch.Stats.SAMPLE_COUNT, period: window,
          dimensionsMap: { service: this.prefix, connector: connector.name },
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }));
      // A stream that fails while the others sync (a missing scope, a denied model) leaves its data stale.
      this.alarms.route(new cloudwatch.Alarm(this, `Sync-${connector.name}-StreamAlarm`, {
        alarmDescription: `Connector ${connector.name}: a stream failed to sync while the others did. SyncStreamFailures by stream, and the log line "sync stream failed", name it and say why.`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE, metricName: 'SyncStreamFailures', statistic: cloudwatch.Stats.SUM, period: Duration.minutes(15),
          dimensionsMap: { service: this.prefix, connector: connector.name },
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
  }

  /**
   * EventBridge Scheduler rather than events.Rule: per-target retry policy and DLQ, time zones, and no
   * per-bus rule quota as connectors grow.
   */
  private schedule(id: string, expression: string, f: HubFunction, failures: sqs.IQueue, description: string, input: Record<string, string>): void {
    const role = this.scheduleRole(id, description);
    const functionLogicalId = this.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction);
    acknowledge(role, `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      'lambda grantInvoke also allows the function\'s versions and aliases (<arn>:*); the role can invoke this one function only.');
    this.scheduleTarget(id, expression, description, new schedulerTargets.LambdaInvoke(f.fn, { role, ...this.scheduleRetries(input, failures) }));
  }

  /** A schedule that starts a state machine execution (the sweep). */
  private scheduleStateMachine(id: string, expression: string, stateMachine: sfn.IStateMachine, failures: sqs.IQueue, description: string, input: Record<string, string>): void {
    const role = this.scheduleRole(id, description);
    this.scheduleTarget(id, expression, description, new schedulerTargets.StepFunctionsStartExecution(stateMachine, { role, ...this.scheduleRetries(input, failures) }));
  }

  /** One role per schedule, trusted by EventBridge Scheduler of this account only. */
  private scheduleRole(id: string, description: string): iam.Role {
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: `${this.prefix}: ${description} (EventBridge Scheduler)`,
    });
    // Scheduler's target helper grants sqs:SendMessage only; the DLQ is encrypted, so the role needs the key too.
    this.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    return role;
  }

  private scheduleRetries(input: Record<string, string>, failures: sqs.IQueue) {
    return { input: scheduler.ScheduleTargetInput.fromObject(input), retryAttempts: 3, maxEventAge: Duration.hours(1), deadLetterQueue: failures };
  }

  private scheduleTarget(id: string, expression: string, description: string, target: scheduler.IScheduleTarget): void {
    new scheduler.Schedule(this, id, { schedule: scheduler.ScheduleExpression.expression(expression), description: `${this.prefix}: ${description}`, target });
  }

  private evaluateChanges(): HubFunction {
    const f = this.hubFunction('EvaluateChanges', 'evaluate-changes', {
      description: 'Evaluate positions whose quantities changed (DynamoDB stream)',
      memorySize: 1024,
      timeout: Duration.minutes(2),
    });
    this.grantPutEvents(f);
    const failures = this.deadLetterQueue('EvaluateChanges-Dlq', 'stream records evaluate-changes gave up on');
    f.fn.addEventSource(new DynamoEventSource(this.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: EVALUATION_STREAM.batchSize,
      maxBatchingWindow: Duration.seconds(EVALUATION_STREAM.batchingWindowSeconds),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 5,
      maxRecordAge: Duration.hours(6),
      parallelizationFactor: EVALUATION_STREAM.parallelization,
      onFailure: new SqsDlq(failures),
      // Only position items wake the evaluator; alerts, cursors and demand buckets are written by the hub itself.
      filters: [lambda.FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('position') } } } })],
    }));
    // The stream event source puts dynamodb:ListStreams (no resource-level permissions) in the role's default policy.
    acknowledge(f.role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5[Resource::*]', 'dynamodb:ListStreams has no resource-level permissions, so the stream event source needs Resource "*" for it.');
    this.suppressNoFunctionDlq(f, 'Invoked synchronously by the stream event source mapping; its failures go to the mapping\'s on-failure SQS DLQ.');
    return f;
  }

  /**
   * The sweep: a state machine fans the day's evaluation out over parallel-scan segments; the schedule starts it
   * (its DLQ keeps starts that failed). The function only reads, scans and writes the table and puts events.
   */
  private evaluateSweep(): void {
    const failures = this.deadLetterQueue('EvaluateSweep-Dlq', 'the evaluation sweep');
    const f = this.hubFunction('EvaluateSweep', 'evaluate-sweep', {
      description: 'Daily sweep worker: plans a run, evaluates one parallel-scan segment, finishes (forecast refresh, dead stock, ageing, expiry)',
      memorySize: 1769,
      timeout: Duration.minutes(15),
    });
    this.grantPutEvents(f);
    this.grantTableScan(f);
    this.suppressNoFunctionDlq(f, 'Invoked synchronously by the sweep state machine, which retries it and alarms when a run fails.');
    this.sweep = new SweepStateMachine(this, 'Sweep', {
      worker: f.fn, config: this.config.evaluation, service: this.prefix,
      logRetention: this.stage.logRetentionDays, removalPolicy: this.removal, alarms: this.alarms,
    });
    const role = this.sweep.stateMachine.role;
    const workerLogicalId = this.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction);
    acknowledge(role, `AwsSolutions-IAM5[Resource::<${workerLogicalId}.Arn>:*]`,
      'LambdaInvoke also allows the worker\'s versions and aliases (<arn>:*); the state machine invokes this one function only.');
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery, ...) and X-Ray tracing have no resource-level permissions.');
    this.scheduleStateMachine('EvaluateSweep-Schedule', this.config.evaluation.sweepSchedule, this.sweep.stateMachine, failures, 'Evaluation sweep', { sweep: 'scheduled' });
  }

  /** A rule for every detail-type the event catalog gives to `consumer`. */
  private busRule(id: string, consumer: EventConsumer, f: HubFunction, failures: sqs.IQueue): events.Rule {
    const { sources, detailTypes } = consumedBy(consumer);
    return new events.Rule(this, id, {
      eventBus: this.bus,
      description: `${this.prefix}: ${sources.join(', ')} ${detailTypes.join(', ')} → ${f.node.id}`,
      eventPattern: { source: sources, detailType: detailTypes },
      targets: [new eventsTargets.LambdaFunction(f.fn, { deadLetterQueue: failures, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }

  /** What every alert function (dispatch, escalate, API) is handed: topic, bus, and the ack-link signing secrets. */
  private wireAlertFunction(f: HubFunction, publishes: boolean): void {
    f.fn.addEnvironment('ALERTS_TOPIC_ARN', this.alertsTopic.topicArn);
    if (publishes) {
      this.alertsTopic.grantPublish(f.role);
      this.wireChats(f);
    }
    this.grantPutEvents(f);
    const ackLinks = alertsSettings(this.config).ackLinks;
    this.grantSecretRead(f, ackLinks?.secret);
    this.grantSecretRead(f, ackLinks?.previousSecret);
  }

  private chatDeadLetters?: sqs.Queue;

  /** Chat tools are posted by the function itself: it reads only their robots' secrets and dead-letters to one queue. */
  private wireChats(f: HubFunction): void {
    const chats = this.config.receivers.flatMap((r) => r.chats);
    if (chats.length === 0) return;
    this.chatDeadLetters ??= this.deadLetterQueue('ChatDelivery-Dlq', 'chat messages to WeCom DingTalk Feishu Slack Teams');
    f.fn.addEnvironment('CHAT_DLQ_URL', this.chatDeadLetters.queueUrl);
    this.chatDeadLetters.grantSendMessages(f.role);
    for (const chat of chats) {
      this.grantSecretRead(f, chat.webhook);
      this.grantSecretRead(f, chat.secret);
    }
  }

  private dispatchAlerts(): void {
    const failures = this.deadLetterQueue('DispatchAlerts-Dlq', 'alert dispatch');
    const f = this.hubFunction('DispatchAlerts', 'dispatch-alerts', {
      description: 'Route alert events to receivers and publish them to the alerts topic',
      memorySize: 512,
      timeout: Duration.seconds(60),
      deadLetterQueue: failures,
    });
    this.wireAlertFunction(f, true);
    this.redrivesTo(failures, f);
    this.busRule('AlertEventsRule', 'dispatch-alerts', f, failures);
  }

  private escalateAlerts(): void {
    const failures = this.deadLetterQueue('EscalateAlerts-Dlq', 'alert escalation');
    const f = this.hubFunction('EscalateAlerts', 'escalate-alerts', {
      description: 'Escalate unacknowledged alerts and flush due notification groups',
      memorySize: 512,
      timeout: Duration.seconds(50),
      deadLetterQueue: failures,
    });
    this.wireAlertFunction(f, true);
    this.redrivesTo(failures, f);
    this.schedule('EscalateAlerts-Schedule', ESCALATION_SCHEDULE, f, failures, 'Alert escalation', { escalate: 'scheduled' });
  }

  private sendReplenishment(): void {
    const failures = this.deadLetterQueue('SendReplenishment-Dlq', 'replenishment requests');
    // The config schema requires fromEmail once any supplier takes orders by email.
    const fromEmail = this.config.suppliers.some((s) => s.format === 'email') ? this.config.replenishment.fromEmail : undefined;
    const f = this.hubFunction('SendReplenishment', 'send-replenishment', {
      description: 'Apply the approval policy and send replenishment requests to suppliers',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: { SUPPLIER_TOPIC_ARN: this.supplierTopic.topicArn, ...(fromEmail ? { FROM_EMAIL: fromEmail } : {}) },
      deadLetterQueue: failures,
    });
    this.supplierTopic.grantPublish(f.role);
    if (fromEmail) {
      // SES authorizes sending against the verified domain identity of the sender address.
      f.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: fromEmail.slice(fromEmail.lastIndexOf('@') + 1) })],
      }));
    }
    for (const supplier of this.config.suppliers) this.grantSecretRead(f, supplier.secret);
    this.redrivesTo(failures, f);
    this.busRule('ReplenishmentEventsRule', 'send-replenishment', f, failures);
  }

  private httpStage(id: string, api: apigwv2.HttpApi, throttle: { rateLimit: number; burstLimit: number }): apigwv2.HttpStage {
    const accessLogs = new logs.LogGroup(this, `${id}AccessLogs`, { retention: this.stage.logRetentionDays, removalPolicy: this.removal });
    return new apigwv2.HttpStage(this, `${id}Stage`, {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId', ip: '$context.identity.sourceIp', caller: '$context.identity.caller',
          requestTime: '$context.requestTime', method: '$context.httpMethod', path: '$context.path',
          status: '$context.status', latency: '$context.responseLatency', error: '$context.integrationErrorMessage',
        })),
      },
    });
  }

  /** IAM (SigV4) auth: operators and tools already hold AWS identities; no token service or authorizer code to run. */
  private alertsApi(): apigwv2.HttpApi {
    const f = this.hubFunction('AlertsApiHandler', 'alerts-api', {
      description: 'Alerts HTTP API: list, acknowledge, resolve',
      memorySize: 512,
      timeout: Duration.seconds(10),
    });
    this.wireAlertFunction(f, false);
    this.suppressNoFunctionDlq(f, 'Invoked synchronously by API Gateway; the caller receives the error.');
    const integration = new HttpLambdaIntegration('AlertsApiIntegration', f.fn);
    const api = new apigwv2.HttpApi(this, 'AlertsApi', {
      apiName: `${this.prefix}-alerts`,
      description: 'StockSentry alerts API (IAM auth; one-click links under /a/ and /r/ carry their own signed token)',
      createDefaultStage: false,
      defaultIntegration: integration,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    // One-click links from e-mail/SMS/chat (/a/ alerts, /r/ a buyer's approve or reject): recipients have no AWS
    // identity; the handler verifies the signed, expiring token.
    const linkRoutes = ['/a/{token+}', '/r/{token+}'].flatMap((path) => api.addRoutes({
      path,
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST],
      integration,
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    }));
    for (const route of linkRoutes) {
      acknowledge(route, 'AwsSolutions-APIG4', 'One-click links are opened by recipients without AWS identities; alerts-api verifies the HMAC-signed, single-purpose, expiring token (approvals bound to one request revision) and acts only on POST; the stage is throttled.');
    }
    this.httpStage('AlertsApi', api, this.stage.alertsApiThrottle);
    return api;
  }

  private webConsole(): HubConsole {
    const f = this.hubFunction('ConsoleApiHandler', 'console-api', {
      description: 'Console API: overview, alerts, positions, approvals, suppliers (Cognito JWT)',
      memorySize: 1024,
      timeout: Duration.seconds(15),
    });
    this.grantPutEvents(f);
    this.suppressNoFunctionDlq(f, 'Invoked synchronously by API Gateway; the console shows the error.');
    return new HubConsole(this, 'Console', {
      prefix: this.prefix, console: this.config.console, api: f, removalPolicy: this.removal, logRetentionDays: this.stage.logRetentionDays,
    });
  }

  /** Public route: suppliers cannot hold AWS identities, so the handler checks the HMAC signature; the stage throttles. */
  private supplierAckApi(): apigwv2.HttpApi {
    const f = this.hubFunction('SupplierAckHandler', 'supplier-ack', {
      description: 'Supplier acknowledgements of replenishment requests (signed webhooks)',
      memorySize: 256,
      timeout: Duration.seconds(10),
    });
    for (const supplier of this.config.suppliers) this.grantSecretRead(f, supplier.secret);
    // Goods receipts are signed with the posting connector's receiptSecret; its API credentials stay with its sync function.
    for (const connector of this.config.connectors) this.grantSecretRead(f, connector.receiptSecret);
    this.suppressNoFunctionDlq(f, 'Invoked synchronously by API Gateway; the supplier receives the error and retries.');
    const api = new apigwv2.HttpApi(this, 'SupplierAckApi', {
      apiName: `${this.prefix}-supplier-ack`,
      description: 'StockSentry supplier acknowledgements (HMAC-signed, verified in the handler)',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('SupplierAckIntegration', f.fn),
    });
    this.httpStage('SupplierAckApi', api, this.stage.supplierAckThrottle);
    const route = api.node.tryFindChild('DefaultRoute');
    if (route) {
      acknowledge(route, 'AwsSolutions-APIG4', 'Suppliers have no AWS identity; every request carries an HMAC signature (t=..,v1=..) that supplier-ack verifies before doing anything, and the stage is throttled.');
    }
    return api;
  }
}

/** The interval of a rate() schedule in seconds; a cron() schedule counts as daily. */
export function scheduleIntervalSeconds(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!rate) return 86_400;
  return Number(rate[1]) * { minute: 60, hour: 3600, day: 86_400 }[rate[2] as 'minute' | 'hour' | 'day'];
}
