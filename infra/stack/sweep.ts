// The daily sweep as a state machine: plan → a Map over parallel-scan segments (each a worker invocation, repeated
// while the worker hands back unfinished) → finish. Bounded concurrency, retries, a failure threshold (a segment that
// fails after its retries is left unfinished; more than the tolerated share fails the run), logs, tracing, and alarms
// when a run fails, times out or leaves a segment unfinished.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { EvaluationConfig } from '../../shared/config.js';
import type { AlarmRouter } from './alarms.js';
import { METRICS_NAMESPACE } from './dashboard.js';

export interface SweepStateMachineProps {
  /** The evaluate-sweep function: plans, works one segment, finishes. */
  worker: lambda.IFunction;
  config: EvaluationConfig;
  /** The metrics `service` dimension (the worker's POWERTOOLS_SERVICE_NAME). */
  service: string;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  alarms: AlarmRouter;
}

/** A run may take this long: far more than a million positions need, far less than a day. */
const RUN_TIMEOUT = Duration.hours(3);

export class SweepStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SweepStateMachineProps) {
    super(scope, id);
    // Without a payload the worker gets the state's input as it is.
    const invoke = (name: string, payload?: sfn.TaskInput) => new tasks.LambdaInvoke(this, name, {
      lambdaFunction: props.worker, ...(payload ? { payload } : {}), payloadResponseOnly: true, retryOnServiceExceptions: true,
    }).addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 3 });

    const plan = invoke('Plan', sfn.TaskInput.fromObject({ action: 'plan' }));
    // A worker hands back before its timeout with `done: false`; the loop invokes it again from its checkpoint.
    const work = invoke('Work');
    const segmentDone = new sfn.Choice(this, 'SegmentDone')
      .when(sfn.Condition.booleanEquals('$.done', true), new sfn.Succeed(this, 'SegmentFinished'))
      .otherwise(work);
    // A segment that keeps failing is left unfinished, so the others go on; finish weighs it against the tolerance.
    work.addCatch(new sfn.Pass(this, 'SegmentFailed'), { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
    const segments = new sfn.Map(this, 'Segments', {
      itemsPath: sfn.JsonPath.stringAt('$.segments'),
      itemSelector: {
        action: 'segment',
        runId: sfn.JsonPath.stringAt('$.runId'),
        now: sfn.JsonPath.stringAt('$.now'),
        totalSegments: sfn.JsonPath.numberAt('$.totalSegments'),
        segment: sfn.JsonPath.numberAt('$$.Map.Item.Value'),
      },
      maxConcurrencyPath: sfn.JsonPath.stringAt('$.maxConcurrency'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    segments.itemProcessor(work.next(segmentDone));
    const finish = invoke('Finish', sfn.TaskInput.fromObject({
      action: 'finish', runId: sfn.JsonPath.stringAt('$.runId'), now: sfn.JsonPath.stringAt('$.now'), totalSegments: sfn.JsonPath.numberAt('$.totalSegments'),
    }));
    const tolerated = new sfn.Choice(this, 'WithinTolerance')
      .when(sfn.Condition.booleanEquals('$.withinTolerance', true), new sfn.Succeed(this, 'Swept'))
      .otherwise(new sfn.Fail(this, 'TooManySegmentsFailed', {
        error: 'SweepIncomplete', cause: `More than ${props.config.toleratedFailurePercentage}% of the segments failed after their retries (evaluation.toleratedFailurePercentage).`,
      }));

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(segments).next(finish).next(tolerated)),
      timeout: RUN_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const alarm = (name: string, description: string, metric: cloudwatch.IMetric) => props.alarms.route(new cloudwatch.Alarm(this, name, {
      alarmDescription: description, metric, threshold: 1, evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    const period = { period: Duration.hours(1), statistic: cloudwatch.Stats.SUM };
    alarm('FailedAlarm', 'The evaluation sweep failed (more segments failed than tolerated, or plan/finish failed): read the state machine\'s execution and the EvaluateSweep logs, then start a new execution.',
      this.stateMachine.metricFailed(period));
    alarm('TimedOutAlarm', `The evaluation sweep ran longer than ${RUN_TIMEOUT.toHumanString()}: raise evaluation.maxConcurrency or lower positionsPerSegment.`,
      this.stateMachine.metricTimedOut(period));
    alarm('UnfinishedSegmentsAlarm', 'The evaluation sweep finished with segments left unevaluated (tolerated failures): some positions were not swept today.',
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'SweepSegmentsUnfinished', dimensionsMap: { service: props.service }, ...period }));
  }
}
