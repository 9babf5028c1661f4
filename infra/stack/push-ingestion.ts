// Push ingestion on AWS: the push HTTP API (movements, readings, shop webhooks) → push-receive λ (checks signatures,
// no table access) → an encrypted SQS queue (DLQ + alarms) → push-apply λ (the table, the bus); and, when sensors are
// configured, an AWS IoT Core topic rule routing device readings into the same queue, with the policy devices attach.
import { Aws, CfnOutput, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CredentialRef, HubConfig } from '../../shared/config.js';
import type { PushConfig } from '../../shared/push/config.js';
import type { AlarmRouter } from './alarms.js';
import { acknowledge } from './checks.js';
import type { HubFunction, HubFunctionEntry } from './hub-function.js';

/** What the stack lends the construct: its function factory and grants, so push functions are built like the others. */
export interface PushIngestionProps {
  config: HubConfig;
  push: PushConfig;
  /** `<name>-<stage>`: names the API, the MQTT topics and the device policy. */
  prefix: string;
  key: kms.IKey;
  alarms: AlarmRouter;
  removalPolicy: RemovalPolicy;
  hubFunction(id: string, entry: HubFunctionEntry, options: { description: string; memorySize: number; timeout: Duration; environment?: Record<string, string>; tableAccess?: boolean }): HubFunction;
  deadLetterQueue(id: string, purpose: string): sqs.Queue;
  grantSecretRead(f: HubFunction, ref: CredentialRef | undefined): void;
  grantPutEvents(f: HubFunction): void;
  httpStage(id: string, api: apigwv2.HttpApi, throttle: { rateLimit: number; burstLimit: number }): apigwv2.HttpStage;
}

/** The applier's time budget: SQS hides a message for six times that while it is being applied. */
const APPLY_TIMEOUT = Duration.minutes(1);
/** Attempts before a message goes to the dead-letter queue. */
const MAX_RECEIVES = 5;

export class PushIngestion extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly api: apigwv2.HttpApi;
  readonly receiver: HubFunction;
  readonly applier: HubFunction;
  readonly topicRule?: iot.CfnTopicRule;
  readonly sensorPolicy?: iot.CfnPolicy;

  constructor(scope: Construct, id: string, props: PushIngestionProps) {
    super(scope, id);
    const { push, config } = props;
    this.deadLetterQueue = props.deadLetterQueue('PushQueue-Dlq', 'pushed movements readings and webhooks that push-apply gave up on');
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(APPLY_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
      removalPolicy: props.removalPolicy,
    });

    // The applier: the table and the bus (CONDITION alerts), and the shop connectors' credentials for lookups.
    this.applier = props.hubFunction('PushApply', 'push-apply', {
      description: 'Apply pushed movements, readings and shop webhooks to positions and storage conditions',
      memorySize: 1024,
      timeout: APPLY_TIMEOUT,
    });
    props.grantPutEvents(this.applier);
    for (const w of push.webhooks) props.grantSecretRead(this.applier, config.connectors.find((c) => c.name === w.connector)?.credentials);
    this.applier.fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true }));
    const redrive = 'Invoked synchronously by the SQS event source mapping; messages it fails go to the push queue\'s own dead-letter queue (redrive policy) after 5 receives.';
    acknowledge(this.applier.fn, 'Serverless-LambdaDLQ', redrive);
    acknowledge(this.applier.fn, 'Serverless-LambdaEventSourceMappingDestination', redrive);

    // The receiver: only the senders' secrets and the queue; no table.
    this.receiver = props.hubFunction('PushReceive', 'push-receive', {
      description: 'Receive signed stock movements, sensor readings and shop webhooks, and queue them',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: { PUSH_QUEUE_URL: this.queue.queueUrl },
      tableAccess: false,
    });
    this.queue.grantSendMessages(this.receiver.role);
    for (const s of push.sources) {
      props.grantSecretRead(this.receiver, s.secret);
      props.grantSecretRead(this.receiver, s.previousSecret);
    }
    for (const w of push.webhooks) props.grantSecretRead(this.receiver, w.secret);
    acknowledge(this.receiver.fn, 'Serverless-LambdaDLQ', 'Invoked synchronously by API Gateway; the sender receives the error and retries.');

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${props.prefix}-push`,
      description: 'StockSentry push ingestion (HMAC- and platform-signed, verified in the handler)',
      createDefaultStage: false,
    });
    const routes = this.api.addRoutes({ path: '/push/{proxy+}', methods: [apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration('PushIntegration', this.receiver.fn) });
    for (const route of routes) {
      acknowledge(route, 'AwsSolutions-APIG4', 'WMS, POS, sensor hubs and shops have no AWS identity; push-receive verifies each request\'s HMAC signature (the hub\'s, Shopify\'s or WooCommerce\'s) before queueing anything, and the stage is throttled.');
    }
    props.httpStage('PushApi', this.api, push.throttle);

    props.alarms.route(new cloudwatch.Alarm(this, 'QueueAgeAlarm', {
      alarmDescription: 'Pushed changes wait more than 5 minutes to be applied: push-apply is failing or too slow (see its errors and the push DLQ).',
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 300,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));

    if (push.sensors.length > 0) ({ rule: this.topicRule, policy: this.sensorPolicy } = this.sensors(props));

    new CfnOutput(Stack.of(this), 'PushApiUrl', { value: `${this.api.apiEndpoint}/push`, description: 'POST /movements/{source}, /readings/{source}, /webhooks/{connector} under this URL (docs/connectors.md#push-sources).' });
  }

  /** Device readings over MQTT: `<prefix>/sensors/<sensor id>` → the push queue; a failing delivery → its DLQ. */
  private sensors(props: PushIngestionProps): { rule: iot.CfnTopicRule; policy: iot.CfnPolicy } {
    const topicFilter = `${props.prefix}/sensors/+`;
    const role = new iam.Role(this, 'TopicRuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: `${props.prefix}: AWS IoT rule delivering sensor readings to the push queue`,
    });
    this.queue.grantSendMessages(role);
    this.deadLetterQueue.grantSendMessages(role);
    const rule = new iot.CfnTopicRule(this, 'SensorReadings', {
      topicRulePayload: {
        description: 'Sensor readings (temperature, humidity, shelf count or weight, RFID counts) into the push queue',
        awsIotSqlVersion: '2016-03-23',
        // The sensor id is the topic's, which the device policy ties to the device's thing name: a device cannot speak for another.
        sql: `SELECT metric, value, at, sku, 'reading' AS kind, topic(3) AS sensorId, parse_time("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", timestamp()) AS receivedAt FROM '${topicFilter}'`,
        ruleDisabled: false,
        actions: [{ sqs: { queueUrl: this.queue.queueUrl, roleArn: role.roleArn, useBase64: false } }],
        errorAction: { sqs: { queueUrl: this.deadLetterQueue.queueUrl, roleArn: role.roleArn, useBase64: false } },
      },
    });
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'iot', resource, resourceName });
    // Attach to each sensor's certificate; the sensor's thing name is its id in push.sensors.
    const policy = new iot.CfnPolicy(this, 'SensorPolicy', {
      policyName: `${props.prefix}-sensor`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client', '${iot:Connection.Thing.ThingName}') },
          { Effect: 'Allow', Action: 'iot:Publish', Resource: arn('topic', `${props.prefix}/sensors/\${iot:Connection.Thing.ThingName}`) },
        ],
      },
    });
    new CfnOutput(stack, 'SensorTopic', { value: `${props.prefix}/sensors/<sensor id>`, description: 'MQTT topic sensors publish readings to (AWS IoT Core), one per sensor id.' });
    new CfnOutput(stack, 'SensorPolicyName', { value: policy.policyName!, description: 'The IoT policy to attach to each sensor\'s certificate (thing name = sensor id).' });
    return { rule, policy };
  }
}
