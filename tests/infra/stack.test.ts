// The stack as CloudFormation: table, stream, schedules, bus rules, topics, least privilege, KMS/TLS/PITR, alarms, dashboard, cdk-nag.
import { type App, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_INDEXES, TABLE_KEYS, TABLE_TTL_ATTRIBUTE } from '../../shared/storage/table.js';
import { EVALUATION_STREAM } from '../../shared/evaluation/changes.js';
import { hubChecks } from '../../infra/stack/checks.js';
import type { HubStack } from '../../infra/stack/hub-stack.js';
import { actionsOf, allStatements, SYNTH_TIMEOUT_MS, synthHub } from './support.js';

let app: App;
let template: Template;
let stack: HubStack;
const resources = (type: string) => template.findResources(type);
const ref = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<HubStack['getLogicalId']>[0]);

/** The IAM statements attached to a function's role. */
function roleStatements(functionId: string): { Action: string | string[]; Resource: unknown }[] {
  const f = stack.functions.find((fn) => fn.node.id === functionId);
  if (!f) throw new Error(`no function ${functionId}`);
  const roleId = logicalIdOf(f.role);
  return Object.values(resources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const actionsOfFunction = (functionId: string) => roleStatements(functionId).flatMap((s) => ([] as string[]).concat(s.Action));

beforeAll(async () => {
  ({ app, template, stack } = await synthHub());
}, SYNTH_TIMEOUT_MS);

describe('table', () => {
  it('uses the shared key layout, on-demand billing, NEW_AND_OLD_IMAGES stream, TTL, PITR and the hub key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' }, { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TABLE_TTL_ATTRIBUTE, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: ref(logicalIdOf(stack.key)) },
      GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, { AttributeName: i.sortKey, KeyType: 'RANGE' }],
        Projection: { ProjectionType: i.projection },
      })),
    });
  });
});

describe('functions', () => {
  it('bundle for nodejs22.x on arm64 with tracing, JSON logs and a log group with retention', () => {
    // The hub's own functions (CDK adds its deploy-time helpers, e.g. the console's BucketDeployment copier).
    const hubIds = new Set(stack.functions.map((f) => logicalIdOf(f.fn)));
    const functions = Object.entries(resources('AWS::Lambda::Function')).filter(([id]) => hubIds.has(id)).map(([, f]) => f);
    expect(functions).toHaveLength(10); // 2 connectors + 8 hub functions
    for (const f of functions) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, LoggingConfig: { LogFormat: 'JSON' } });
      expect(f.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: expect.anything(), EVENT_BUS_NAME: expect.anything(), POWERTOOLS_SERVICE_NAME: 'stocksentry-dev', POWERTOOLS_METRICS_NAMESPACE: 'StockSentry',
      });
      expect(JSON.stringify(f.Properties.Environment.Variables)).not.toContain('HUB_CONFIG');
    }
    for (const g of Object.values(resources('AWS::Logs::LogGroup'))) expect(g.Properties.RetentionInDays).toBe(14);
  });

  it('gives each sync function its connector name and each handler only the environment it uses', () => {
    const env = (id: string) => template.toJSON().Resources[logicalIdOf(stack.functions.find((f) => f.node.id === id)!.fn)].Properties.Environment.Variables;
    expect(env('Sync-erp').CONNECTOR_NAME).toBe('erp');
    expect(env('Sync-shop').CONNECTOR_NAME).toBe('shop');
    for (const id of ['DispatchAlerts', 'EscalateAlerts', 'AlertsApiHandler']) expect(env(id)).toHaveProperty('ALERTS_TOPIC_ARN');
    expect(env('SupplierAckHandler')).not.toHaveProperty('ALERTS_TOPIC_ARN');
    expect(env('SendReplenishment')).toHaveProperty('SUPPLIER_TOPIC_ARN');
    expect(env('Sync-erp')).not.toHaveProperty('ALERTS_TOPIC_ARN');
  });
});

describe('stream → evaluate-changes', () => {
  it('bisects, reports item failures, bounds retries and age, sends failures to an SQS DLQ, and only sees position items', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.table), 'StreamArn'] },
      // The batches the local poller hands the same handler (and the scale bench measures).
      BatchSize: EVALUATION_STREAM.batchSize,
      ParallelizationFactor: EVALUATION_STREAM.parallelization,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { entity: { S: ['position'] } } } }) }] },
    });
  });
});

describe('schedules', () => {
  it('runs one schedule per connector with its expression, a retry policy and a DLQ, plus the sweep and alert escalation', () => {
    const schedules = Object.values(resources('AWS::Scheduler::Schedule')).map((s) => s.Properties);
    expect(schedules.map((s) => s.ScheduleExpression).sort()).toEqual(['cron(0 4 * * ? *)', 'cron(0/30 * * * ? *)', 'rate(1 minute)', 'rate(15 minutes)']);
    for (const s of schedules) {
      expect(s.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
      expect(s.Target.DeadLetterConfig.Arn).toBeDefined();
    }
    const erp = schedules.find((s) => s.ScheduleExpression === 'rate(15 minutes)');
    expect(JSON.parse(erp!.Target.Input as string)).toEqual({ connector: 'erp' });
  });
});

describe('the sweep state machine', () => {
  const definition = () => {
    const sm = Object.values(resources('AWS::StepFunctions::StateMachine'))[0]!.Properties;
    // DefinitionString is an Fn::Join of literals and tokens (ARNs) that sit inside its JSON strings.
    const parts = (sm.DefinitionString['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN'));
    return { sm, states: JSON.parse(parts.join('')) as { StartAt: string; States: Record<string, Record<string, unknown>> } };
  };
  const worker = () => stack.functions.find((f) => f.node.id === 'EvaluateSweep')!;

  it('plans, maps the segments over the worker with bounded concurrency, loops a segment until done, then finishes', () => {
    const { states } = definition();
    expect(states.StartAt).toBe('Plan');
    expect(states.States.Plan).toMatchObject({ Type: 'Task', Next: 'Segments', Parameters: { action: 'plan' } });
    const map = states.States.Segments as { ItemProcessor: { StartAt: string; States: Record<string, Record<string, unknown>> } } & Record<string, unknown>;
    expect(map).toMatchObject({
      Type: 'Map', ItemsPath: '$.segments', MaxConcurrencyPath: '$.maxConcurrency', ResultPath: null, Next: 'Finish',
      ItemSelector: { action: 'segment', 'runId.$': '$.runId', 'now.$': '$.now', 'totalSegments.$': '$.totalSegments', 'segment.$': '$$.Map.Item.Value' },
    });
    const work = map.ItemProcessor.States.Work!;
    // The worker gets the segment (or its own last answer, on the loop) as its input.
    expect(work).toMatchObject({ Type: 'Task', Next: 'SegmentDone' });
    expect(work).not.toHaveProperty('Parameters');
    expect(work.Retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 }));
    expect(map.ItemProcessor.States.SegmentDone).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'SegmentFinished' }], Default: 'Work' });
    // A segment failing after its retries is left unfinished; finish weighs the unfinished share against the tolerance.
    expect(work.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'SegmentFailed' }]);
    expect(states.States.Finish).toMatchObject({ Type: 'Task', Next: 'WithinTolerance', Parameters: { action: 'finish', 'runId.$': '$.runId' } });
    expect(states.States.WithinTolerance).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.withinTolerance', BooleanEquals: true, Next: 'Swept' }], Default: 'TooManySegmentsFailed' });
    expect(states.States.TooManySegmentsFailed).toMatchObject({ Type: 'Fail', Error: 'SweepIncomplete' });
  });

  it('is started by the sweep schedule, logs every state without execution data, is traced and times out', () => {
    const { sm } = definition();
    expect(sm).toMatchObject({ TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false } });
    expect(definition().states).toMatchObject({ TimeoutSeconds: 3 * 3600 });
    const schedule = Object.values(resources('AWS::Scheduler::Schedule')).map((s) => s.Properties).find((p) => p.ScheduleExpression === 'cron(0 4 * * ? *)')!;
    expect(schedule.Target.Arn).toEqual({ Ref: logicalIdOf(stack.sweep.stateMachine) });
    expect(schedule.Target.DeadLetterConfig.Arn).toBeDefined();
  });

  it('may invoke only its worker, and the worker may scan only the table', () => {
    const smRole = logicalIdOf(stack.sweep.stateMachine.role);
    const smStatements = Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === smRole)).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const invokes = smStatements.filter((st) => ([] as string[]).concat(st.Action).includes('lambda:InvokeFunction'));
    const workerArn = ref(logicalIdOf(worker().fn));
    expect(invokes.flatMap((st) => ([] as unknown[]).concat(st.Resource))).toEqual([workerArn, { 'Fn::Join': ['', [workerArn, ':*']] }]);
    expect(smStatements.flatMap((st) => ([] as string[]).concat(st.Action)).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    const scans = (id: string) => roleStatements(id).filter((st) => ([] as string[]).concat(st.Action).includes('dynamodb:Scan'));
    expect(scans('EvaluateSweep').map((st) => st.Resource)).toEqual([ref(logicalIdOf(stack.table))]);
    for (const id of ['EvaluateChanges', 'DispatchAlerts', 'EscalateAlerts', 'SendReplenishment', 'AlertsApiHandler', 'SupplierAckHandler']) expect(scans(id)).toEqual([]);
  });

  it('alarms to the operator when a run fails, times out or leaves segments unfinished', () => {
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const onSweep = alarms.filter((a) => a.Namespace === 'AWS/States');
    expect(onSweep.map((a) => a.MetricName).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const a of onSweep) expect(a.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: logicalIdOf(stack.sweep.stateMachine) } }]);
    expect(alarms.find((a) => a.MetricName === 'SweepSegmentsUnfinished')).toMatchObject({ Namespace: 'StockSentry', Threshold: 1, AlarmActions: [{ Ref: logicalIdOf(stack.operatorTopic) }] });
  });
});

describe('event bus', () => {
  it('is named per stage and routes the catalog\'s alert and replenishment events to their functions with retries and DLQs', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'stocksentry-dev' });
    const rules = Object.values(resources('AWS::Events::Rule')).map((r) => r.Properties);
    const byTarget = Object.fromEntries(rules.map((r) => [JSON.stringify(r.Targets[0].Arn), r.EventPattern]));
    const target = (id: string) => JSON.stringify(ref(logicalIdOf(stack.functions.find((f) => f.node.id === id)!.fn)));
    // Supplier findings and approval tasks reach the buyers through dispatch-alerts, never send-replenishment.
    expect(byTarget[target('DispatchAlerts')]).toEqual({
      source: ['stocksentry.alerts', 'stocksentry.replenishment'],
      'detail-type': ['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved', 'ReplenishmentApprovalRequested', 'SupplierFinding'],
    });
    expect(byTarget[target('SendReplenishment')]).toEqual({ source: ['stocksentry.replenishment'], 'detail-type': ['ReplenishmentRequested'] });
    for (const r of rules) {
      expect(r.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 });
      expect(r.Targets[0].DeadLetterConfig.Arn).toBeDefined();
    }
  });
});

describe('topics and subscriptions', () => {
  it('subscribes every receiver endpoint with a filter on the receiver attribute and a DLQ of its own', () => {
    const subs = Object.values(resources('AWS::SNS::Subscription')).map((s) => s.Properties);
    const alerts = { Ref: logicalIdOf(stack.alertsTopic) };
    const onAlerts = subs.filter((s) => JSON.stringify(s.TopicArn) === JSON.stringify(alerts));
    expect(onAlerts.map((s) => [s.Protocol, s.Endpoint, s.FilterPolicy]).sort()).toEqual([
      ['email', 'north@example.com', { receiver: ['store-managers'] }],
      ['email', 'ops@example.com', { receiver: ['operator'] }],
      ['email', 'south@example.com', { receiver: ['store-managers'] }],
      ['https', 'https://hooks.example.com/stocksentry', { receiver: ['planning'] }],
      ['sms', '+14155550100', { receiver: ['store-managers'] }],
    ]);
    const dlqs = subs.map((s) => JSON.stringify(s.RedrivePolicy.deadLetterTargetArn));
    expect(new Set(dlqs).size).toBe(subs.length);
  });

  it('subscribes e-mail suppliers on the supplier topic filtered by supplier, and the operator on the operator topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: logicalIdOf(stack.supplierTopic) }, Endpoint: 'orders@globex.example.com', FilterPolicy: { supplier: ['globex'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: logicalIdOf(stack.operatorTopic) }, Endpoint: 'ops@example.com', FilterPolicy: Match.absent() });
  });
});

describe('encryption and transport', () => {
  it('encrypts every topic and queue with the rotating hub key and denies non-TLS access to each', () => {
    const keyArn = ref(logicalIdOf(stack.key));
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const t of Object.values(resources('AWS::SNS::Topic'))) expect(t.Properties.KmsMasterKeyId).toEqual(keyArn);
    for (const q of Object.values(resources('AWS::SQS::Queue'))) expect(q.Properties.KmsMasterKeyId).toEqual(keyArn);
    const tlsDeny = (type: string) => Object.values(resources(type)).filter((p) => p.Properties.PolicyDocument.Statement.some(
      (s: { Effect: string; Condition?: unknown }) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })));
    expect(tlsDeny('AWS::SQS::QueuePolicy')).toHaveLength(Object.keys(resources('AWS::SQS::Queue')).length);
    expect(tlsDeny('AWS::SNS::TopicPolicy')).toHaveLength(Object.keys(resources('AWS::SNS::Topic')).length);
  });

  it('logs HTTPS delivery status of every topic through a role SNS assumes, limited to its sns/ log groups', () => {
    for (const t of Object.values(resources('AWS::SNS::Topic'))) {
      expect(t.Properties.DeliveryStatusLogging).toEqual([expect.objectContaining({ Protocol: 'http/s', SuccessFeedbackSampleRate: '10' })]);
    }
    const roles = Object.values(resources('AWS::IAM::Role')).filter((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('sns.amazonaws.com'));
    expect(roles).toHaveLength(1);
    const statements = roles[0]!.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement);
    expect(JSON.stringify(statements)).toContain('log-group:sns/*');
    expect(statements.flatMap((st: { Action: string[] }) => st.Action).every((a: string) => a.startsWith('logs:') && !a.includes('*'))).toBe(true);
  });

  it('lets SNS, EventBridge and CloudWatch deliver into encrypted queues and topics through the key policy', () => {
    const keyStatements = Object.values(resources('AWS::KMS::Key'))[0]!.Properties.KeyPolicy.Statement as { Principal: { Service?: string[] | string }; Action: string[] }[];
    const services = keyStatements.flatMap((s) => ([] as string[]).concat(s.Principal.Service ?? []));
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com']);
    for (const s of keyStatements.filter((st) => st.Principal.Service)) expect(s.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });
});

describe('least privilege', () => {
  it('grants sns:Publish only on the one topic a function publishes to', () => {
    const publishers = stack.functions.filter((f) => actionsOfFunction(f.node.id).includes('sns:Publish')).map((f) => f.node.id);
    expect(publishers.sort()).toEqual(['DispatchAlerts', 'EscalateAlerts', 'SendReplenishment']);
    const publishOn = (id: string) => roleStatements(id).filter((s) => ([] as string[]).concat(s.Action).includes('sns:Publish')).map((s) => s.Resource);
    expect(publishOn('DispatchAlerts')).toEqual([{ Ref: logicalIdOf(stack.alertsTopic) }]);
    expect(publishOn('SendReplenishment')).toEqual([{ Ref: logicalIdOf(stack.supplierTopic) }]);
  });

  it('grants events:PutEvents only on the hub bus, and only to functions that emit events', () => {
    const emitters = stack.functions.filter((f) => actionsOfFunction(f.node.id).includes('events:PutEvents')).map((f) => f.node.id);
    expect(emitters.sort()).toEqual(['AlertsApiHandler', 'ConsoleApiHandler', 'DispatchAlerts', 'EscalateAlerts', 'EvaluateChanges', 'EvaluateSweep']);
    for (const id of emitters) {
      const on = roleStatements(id).filter((s) => ([] as string[]).concat(s.Action).includes('events:PutEvents')).map((s) => s.Resource);
      expect(on).toEqual([ref(logicalIdOf(stack.bus))]);
    }
  });

  it('lets a sync function read only its own connector secret, and table access names the table and its indexes only', () => {
    const secretActions = (id: string) => roleStatements(id).filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secretActions('Sync-erp').map((s) => s.Resource))).toContain('secret:stocksentry/erp-??????');
    expect(secretActions('Sync-shop')).toEqual([]);
    // The supplier API reads supplier secrets and the ERP's receipt key, never the token the ERP is read with.
    const ackSecrets = JSON.stringify(secretActions('SupplierAckHandler').map((s) => s.Resource));
    expect(ackSecrets).toMatch(/stocksentry\/acme-\?{6}.*stocksentry\/erp-receipts-\?{6}/);
    expect(ackSecrets).not.toContain('stocksentry/erp-??????');
    // On AWS webhooks are SNS HTTPS subscriptions (signed by SNS), so no function reads a receiver's webhook secret.
    expect(JSON.stringify(template.toJSON())).not.toContain('stocksentry/planning-hook');
    expect(JSON.stringify(secretActions('SendReplenishment').map((s) => s.Resource))).toContain('secret:stocksentry/acme-??????');
    const tableStatements = roleStatements('Sync-erp').filter((s) => ([] as string[]).concat(s.Action).includes('dynamodb:PutItem'));
    expect(JSON.stringify(tableStatements)).not.toContain('index/*');
    expect(JSON.stringify(tableStatements)).toContain('/index/gsi1');
  });

  it('lets CloudWatch use the key only for alarms of this account', () => {
    const cloudwatch = allStatements(template).filter(({ statement }) => JSON.stringify(statement.Principal ?? '').includes('cloudwatch.amazonaws.com'));
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]!.statement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
    });
  });

  it('lets every role that sends to an encrypted dead-letter queue also encrypt with the hub key', () => {
    const keyArn = JSON.stringify(ref(logicalIdOf(stack.key)));
    const senders = Object.values(resources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((statements) => statements.some((s) => ([] as string[]).concat(s.Action).includes('sqs:SendMessage')));
    expect(senders.length).toBeGreaterThanOrEqual(7); // 2 sync + sweep schedules' roles, 5 async/stream functions
    for (const statements of senders) {
      expect(statements.some((s) => ([] as string[]).concat(s.Action).includes('kms:GenerateDataKey') && JSON.stringify(s.Resource) === keyArn)).toBe(true);
    }
  });

  it('lets only SendReplenishment send email through SES, on the fromEmail domain identity, with FROM_EMAIL set', () => {
    const sesStatements = (id: string) => roleStatements(id).filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('ses:')));
    const senders = stack.functions.filter((f) => sesStatements(f.node.id).length > 0).map((f) => f.node.id);
    expect(senders).toEqual(['SendReplenishment']);
    const [statement] = sesStatements('SendReplenishment');
    expect(([] as string[]).concat(statement!.Action).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(statement!.Resource)).toMatch(/":ses:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":identity\/stocksentry\.example\.com"/);
    const fn = stack.functions.find((f) => f.node.id === 'SendReplenishment')!;
    const variables = (template.toJSON().Resources as Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>)[logicalIdOf(fn.fn)]!.Properties.Environment.Variables;
    expect(variables.FROM_EMAIL).toBe('orders@stocksentry.example.com');
  });

  it('has no Allow statement with a wildcard action anywhere (Deny with sqs:*/sns:* is only the TLS guard)', () => {
    const statements = allStatements(template);
    expect(statements.length).toBeGreaterThan(50);
    // CDK's own deploy-time helpers of the console (BucketDeployment copier, auto-delete of its buckets) use S3 wildcards.
    const cdkHelper = /^(CustomCDKBucketDeployment|ConsoleSitePolicy|ConsoleAccessLogsPolicy)/;
    const wildcardAllows = statements.filter(({ logicalId, statement }) => !cdkHelper.test(logicalId) && statement.Effect === 'Allow' && actionsOf(statement).some((a) => a.includes('*')));
    expect(wildcardAllows).toEqual([]);
    const wildcardDenies = statements.filter(({ statement }) => statement.Effect === 'Deny' && actionsOf(statement).some((a) => a.includes('*')));
    for (const { statement } of wildcardDenies) expect(statement.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });
});

describe('alarms and dashboard', () => {
  it('alarms on every DLQ, every function error and throttle, SNS delivery failures and stream lag, all to the operator topic', () => {
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const queueCount = Object.keys(resources('AWS::SQS::Queue')).length;
    expect(stack.deadLetterQueues).toHaveLength(queueCount);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(queueCount);
    expect(alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')).toHaveLength(10);
    expect(alarms.filter((a) => a.MetricName === 'Throttles')).toHaveLength(10);
    expect(alarms.filter((a) => a.MetricName === 'NumberOfNotificationsFailed')).toHaveLength(2);
    expect(alarms.filter((a) => a.MetricName === 'IteratorAge')).toHaveLength(1);
    // One lag alarm per connector: no successful sync for three intervals (or an hour), missing data included.
    const connectors = Object.values(resources('AWS::Lambda::Function')).map((f) => f.Properties.Environment?.Variables?.CONNECTOR_NAME).filter(Boolean);
    const lag = alarms.filter((a) => a.MetricName === 'RecordsSynced');
    expect(lag.map((a) => a.Dimensions.find((d: { Name: string }) => d.Name === 'connector').Value).sort()).toEqual([...connectors].sort());
    for (const a of lag) expect(a).toMatchObject({ Namespace: 'StockSentry', Statistic: 'SampleCount', ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    expect(lag.every((a) => a.Period >= 3600)).toBe(true);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: logicalIdOf(stack.operatorTopic) }]);
  });

  it('charts stock health, alert flow, per-connector health and supplier responsiveness from the StockSentry namespace', () => {
    const body = JSON.stringify(Object.values(resources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    expect(body).toContain('\\"StockSentry\\",\\"TimeToAck\\",\\"service\\",\\"stocksentry-dev\\",{\\"label\\":\\"AlertsAcked\\",\\"stat\\":\\"SampleCount\\"}');
    for (const metric of ['PositionsAtRisk', 'Stockouts', 'OverstockValue', 'AlertsOpened', 'AlertsEscalated', 'NotificationsFailed', 'RequestsSent', 'RequestsAcknowledged']) {
      expect(body).toContain(`\\"StockSentry\\",\\"${metric}\\",\\"service\\",\\"stocksentry-dev\\"`);
    }
    for (const connector of ['erp', 'shop']) for (const metric of ['RecordsSynced', 'RecordsQuarantined', 'SyncLagSeconds']) {
      expect(body).toContain(`\\"${metric}\\",\\"connector\\",\\"${connector}\\",\\"service\\",\\"stocksentry-dev\\"`);
    }
  });
});

describe('HTTP APIs', () => {
  it('puts the alerts API behind IAM auth except its signed one-click links, leaves supplier-ack public, throttles both and logs JSON', () => {
    const routes = Object.values(resources('AWS::ApiGatewayV2::Route')).map((r) => `${JSON.stringify(r.Properties.ApiId)} ${r.Properties.RouteKey} ${r.Properties.AuthorizationType}`);
    const alertsApi = JSON.stringify({ Ref: stack.getLogicalId(stack.node.findChild('AlertsApi').node.defaultChild as Parameters<HubStack['getLogicalId']>[0]) });
    expect(routes.filter((r) => r.startsWith(alertsApi)).sort()).toEqual([
      `${alertsApi} $default AWS_IAM`, `${alertsApi} GET /a/{token+} NONE`, `${alertsApi} GET /r/{token+} NONE`, `${alertsApi} POST /a/{token+} NONE`, `${alertsApi} POST /r/{token+} NONE`,
    ]);
    const consoleApi = JSON.stringify({ Ref: stack.getLogicalId(stack.console.httpApi.node.defaultChild as Parameters<HubStack['getLogicalId']>[0]) });
    expect(routes.filter((r) => r.startsWith(consoleApi)).sort()).toEqual([`${consoleApi} GET /api/{proxy+} JWT`, `${consoleApi} POST /api/{proxy+} JWT`]);
    expect(routes.filter((r) => !r.startsWith(alertsApi) && !r.startsWith(consoleApi))).toEqual([expect.stringMatching(/ \$default NONE$/)]);
    const stages = Object.values(resources('AWS::ApiGatewayV2::Stage')).map((s) => s.Properties);
    expect(stages.map((s) => s.DefaultRouteSettings).sort((a, b) => a.ThrottlingRateLimit - b.ThrottlingRateLimit)).toEqual([
      { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }, { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }, { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    ]);
    for (const s of stages) expect(JSON.parse(s.AccessLogSettings.Format as string)).toHaveProperty('requestId', '$context.requestId');
  });
});

// Runs last: registering the packs and re-synthesizing must not disturb the assertions above.
describe('cdk-nag', () => {
  it('reports no AwsSolutions or Serverless violation', () => {
    const reports = hubChecks(app).map((pack) => ({ pack: pack.name, report: pack.validateScope(stack) }));
    expect(reports.map((r) => r.pack)).toEqual(['AwsSolutions', 'Serverless']);
    const violations = reports.flatMap((r) => r.report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((res) => res.constructPath).join(', ')}`));
    expect(violations).toEqual([]);
  }, SYNTH_TIMEOUT_MS);

  it('lets the app synthesize with the packs registered as validation plugins, as infra/app.ts does', () => {
    Validations.of(app).addPlugins(...hubChecks(app));
    expect(() => app.synth({ force: true })).not.toThrow();
  }, SYNTH_TIMEOUT_MS);

  it('acknowledges the X-Ray wildcard on the tracing policy alone: a wildcard added later to a function role is still reported', () => {
    const f = stack.functions.find((x) => x.node.id === 'SendReplenishment')!;
    f.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const violations = hubChecks(app).flatMap((pack) => pack.validateScope(stack).violations)
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(violations).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\*\] .*SendReplenishment\/Role\/DefaultPolicy/)]);
  }, SYNTH_TIMEOUT_MS);

  it('acknowledges one rule per entry, each with a written reason', () => {
    const acknowledged = stack.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>)))
      // aws-cdk-lib acknowledges its own cfn-lint findings (an access-log bucket's ACL); ours are the cdk-nag ones.
      .filter(([id]) => !id.startsWith('CloudFormation-Validate::'));
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const [id, entry] of acknowledged) {
      const reason = typeof entry === 'string' ? entry : entry.reason;
      expect(id).toMatch(/^(annotation::)?(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$/i);
      expect(reason?.length ?? 0).toBeGreaterThan(40);
    }
  });
});
