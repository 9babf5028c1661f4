// One hub Lambda: esbuild bundle with the validated config baked in, its own role and log group, traced, alarmed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HubConfig } from '../../shared/config.js';
import type { AlarmRouter } from './alarms.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The Lambda entry files under functions/, each exporting `handler`. */
export type HubFunctionEntry =
  | 'sync-connector' | 'evaluate-changes' | 'evaluate-sweep' | 'dispatch-alerts' | 'escalate-alerts'
  | 'alerts-api' | 'send-replenishment' | 'supplier-ack' | 'console-api' | 'push-receive' | 'push-apply';

/**
 * esbuild options shared by every function: ESM for Node 22, with a `require` for CommonJS dependencies,
 * and the validated hub config inlined as `process.env.HUB_CONFIG` (Lambda environment variables cap at 4 KB).
 */
export function hubBundling(config: HubConfig): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node22',
    platform: 'node',
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    banner: "import { createRequire as __stocksentryCreateRequire } from 'node:module'; const require = __stocksentryCreateRequire(import.meta.url);",
    define: { 'process.env.HUB_CONFIG': JSON.stringify(JSON.stringify(config)) },
    // The nodejs22.x runtime ships AWS SDK v3; bundling it would only grow cold starts.
    externalModules: ['@aws-sdk/*'],
  };
}

export interface HubFunctionProps {
  entry: HubFunctionEntry;
  description: string;
  config: HubConfig;
  environment: Record<string, string>;
  memorySize: number;
  timeout: Duration;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  alarms: AlarmRouter;
  /** For asynchronously invoked functions (schedules, EventBridge): where events go after Lambda's own retries. */
  deadLetterQueue?: sqs.IQueue;
}

export class HubFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // An own role instead of AWSLambdaBasicExecutionRole: logs only to this function's log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `StockSentry ${props.entry} (${id})`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, 'functions', `${props.entry}.ts`),
      handler: 'handler',
      description: props.description,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      deadLetterQueue: props.deadLetterQueue,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: hubBundling(props.config),
    });

    // Active tracing, with its two X-Ray actions in a policy of their own: they have no resource-level permissions, and
    // acknowledging Resource "*" on just this policy keeps cdk-nag watching the role's other policies for wildcards.
    const tracing = new iam.Policy(this, 'Tracing', {
      roles: [this.role],
      statements: [new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
    });
    Validations.of(tracing).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions, so active tracing needs Resource "*"; this policy holds only those two actions.' });
    (this.fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    this.fn.node.addDependency(tracing);

    this.errorsAlarm = props.alarms.route(new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: `${id} failed at least once in 5 minutes: read its log group ${props.entry} and the DLQ.`,
      metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.throttlesAlarm = props.alarms.route(new cloudwatch.Alarm(this, 'Throttles', {
      alarmDescription: `${id} was throttled: raise the account's Lambda concurrency or slow its trigger.`,
      metric: this.fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
  }
}
