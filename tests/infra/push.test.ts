// Push ingestion as CloudFormation: the push API, its queue with DLQ and alarms, the applier on the queue, the IoT topic
// rule, least-privilege roles, and cdk-nag clean.
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../config/load.js';
import { hubChecks } from '../../infra/stack/checks.js';
import type { HubStack } from '../../infra/stack/hub-stack.js';
import { parseHubConfig } from '../../shared/config.js';
import { actionsOf, allStatements, FIXTURE_CONFIG, SYNTH_TIMEOUT_MS, synthHub } from './support.js';

let app: App;
let template: Template;
let stack: HubStack;
const resources = (type: string) => template.findResources(type);
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as Parameters<HubStack['getLogicalId']>[0]);
const functionId = (id: string) => logicalIdOf(stack.functions.find((f) => f.node.id === id)!.fn);
const roleOf = (id: string) => logicalIdOf(stack.functions.find((f) => f.node.id === id)!.role);
const statementsOfRole = (roleId: string) => Object.values(resources('AWS::IAM::Policy'))
  .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
  .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
const actions = (roleId: string) => statementsOfRole(roleId).flatMap((s) => ([] as string[]).concat(s.Action));
const queueIds = () => {
  const queues = Object.entries(resources('AWS::SQS::Queue'));
  const push = queues.find(([, q]) => q.Properties.RedrivePolicy?.maxReceiveCount === 5)!;
  const dlq = (push[1].Properties.RedrivePolicy.deadLetterTargetArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
  return { queue: push[0], dlq };
};

beforeAll(async () => {
  const base = await loadHubConfig(FIXTURE_CONFIG);
  const config = parseHubConfig({
    ...base,
    connectors: [...base.connectors, { name: 'woo', type: 'woocommerce', endpoint: 'https://woo.example.com', credentials: { secretName: 'stocksentry/woo-keys' } }],
    push: {
      sources: [{ name: 'wms', secret: { secretName: 'stocksentry/wms-push' }, previousSecret: { secretName: 'stocksentry/wms-push-old' } }],
      webhooks: [{ connector: 'woo', secret: { secretName: 'stocksentry/woo-hook' } }],
      sensors: [{ id: 'fridge-1', locationId: 'store-north', covers: { categories: ['vaccines'] } }],
      conditions: [{ name: 'vaccines', metric: 'temperature', match: { categories: ['vaccines'] }, min: 2, max: 8 }],
      throttle: { rateLimit: 150, burstLimit: 300 },
    },
  });
  ({ app, template, stack } = await synthHub({}, config));
}, SYNTH_TIMEOUT_MS);

describe('the push API', () => {
  it('routes POST /push/{proxy+} to push-receive on a throttled, logged stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'stocksentry-dev-push', ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /push/{proxy+}', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default', DefaultRouteSettings: { ThrottlingRateLimit: 150, ThrottlingBurstLimit: 300 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    expect(template.findOutputs('PushApiUrl')).toHaveProperty('PushApiUrl');
  });
});

describe('the push queue', () => {
  it('is encrypted with the hub key, TLS-only, and dead-letters after 5 receives, with alarms on age and on the DLQ', () => {
    const { queue, dlq } = queueIds();
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.key), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      VisibilityTimeout: 360,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.some((a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && JSON.stringify(a.Dimensions).includes(queue))).toBe(true);
    expect(alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes(dlq))).toBe(true);
  });

  it('feeds push-apply in batches with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueIds().queue, 'Arn'] },
      FunctionName: { Ref: functionId('PushApply') },
      BatchSize: 10, MaximumBatchingWindowInSeconds: 1, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('least privilege', () => {
  it('gives push-receive the queue and its senders\' secrets, and no table', () => {
    const receive = actions(roleOf('PushReceive'));
    expect(receive).toEqual(expect.arrayContaining(['sqs:SendMessage', 'secretsmanager:GetSecretValue']));
    expect(receive.filter((a) => a.startsWith('dynamodb:') || a.startsWith('events:') || a === 'sqs:ReceiveMessage')).toEqual([]);
    const secrets = JSON.stringify(statementsOfRole(roleOf('PushReceive')).filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue')).map((s) => s.Resource));
    for (const name of ['stocksentry/wms-push-', 'stocksentry/wms-push-old-', 'stocksentry/woo-hook-']) expect(secrets).toContain(name);
    expect(secrets).not.toContain('stocksentry/woo-keys');
    const sendTo = statementsOfRole(roleOf('PushReceive')).filter((s) => ([] as string[]).concat(s.Action).includes('sqs:SendMessage')).map((s) => s.Resource);
    expect(sendTo).toEqual([{ 'Fn::GetAtt': [queueIds().queue, 'Arn'] }]);
  });

  it('gives push-apply the table, the bus, the queue it reads and the shop credentials it looks up with', () => {
    const apply = actions(roleOf('PushApply'));
    expect(apply).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'events:PutEvents', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(apply).not.toContain('sqs:SendMessage');
    const secrets = JSON.stringify(statementsOfRole(roleOf('PushApply')).filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue')).map((s) => s.Resource));
    expect(secrets).toContain('stocksentry/woo-keys-');
    expect(secrets).not.toContain('stocksentry/wms-push');
  });
});

describe('sensors over AWS IoT Core', () => {
  it('routes readings from <prefix>/sensors/<id> to the push queue, failures to its DLQ, with the sensor id taken from the topic', () => {
    const { queue, dlq } = queueIds();
    const [rule] = Object.values(resources('AWS::IoT::TopicRule'));
    const payload = rule!.Properties.TopicRulePayload;
    expect(payload.Sql).toMatch(/topic\(3\) AS sensorId/);
    expect(payload.Sql).toMatch(/FROM 'stocksentry-dev\/sensors\/\+'$/);
    expect(payload.Actions).toEqual([{ Sqs: { QueueUrl: { Ref: queue }, RoleArn: Match.anyValue(), UseBase64: false } }].map((a) => ({ Sqs: { ...a.Sqs, RoleArn: payload.Actions[0].Sqs.RoleArn } })));
    expect(payload.ErrorAction.Sqs.QueueUrl).toEqual({ Ref: dlq });
  });

  it('lets the rule\'s role, trusted by IoT in this account only, send to those two queues and nothing else', () => {
    const [rule] = Object.values(resources('AWS::IoT::TopicRule'));
    const roleId = (rule!.Properties.TopicRulePayload.Actions[0].Sqs.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
      Principal: { Service: 'iot.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    })]);
    const statements = statementsOfRole(roleId);
    expect(statements.flatMap((s) => ([] as string[]).concat(s.Action)).filter((a) => !a.startsWith('kms:')).sort()).toEqual(
      ['sqs:GetQueueAttributes', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:GetQueueUrl', 'sqs:SendMessage', 'sqs:SendMessage']);
    const sqsResources = statements.filter((s) => ([] as string[]).concat(s.Action).includes('sqs:SendMessage')).map((s) => JSON.stringify(s.Resource));
    expect(sqsResources.sort()).toEqual([JSON.stringify({ 'Fn::GetAtt': [queueIds().dlq, 'Arn'] }), JSON.stringify({ 'Fn::GetAtt': [queueIds().queue, 'Arn'] })].sort());
  });

  it('gives devices a policy to connect as their thing and publish only to their own topic', () => {
    const [policy] = Object.values(resources('AWS::IoT::Policy'));
    const text = JSON.stringify(policy!.Properties.PolicyDocument);
    expect(policy!.Properties.PolicyDocument.Statement.map((s: { Action: string }) => s.Action)).toEqual(['iot:Connect', 'iot:Publish']);
    expect(text).toContain(':client/${iot:Connection.Thing.ThingName}');
    expect(text).toContain(':topic/stocksentry-dev/sensors/${iot:Connection.Thing.ThingName}');
  });

  it('has no statement granting a wildcard action', () => {
    const wild = allStatements(template).filter(({ statement }) => statement.Effect === 'Allow' && actionsOf(statement).some((a) => a === '*' || a.endsWith(':*')));
    expect(wild.map((w) => w.logicalId)).toEqual([]);
  });
});

describe('the dashboard', () => {
  it('charts the push lag, the pushed changes and the drift per connector', () => {
    const body = JSON.stringify(Object.values(resources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    for (const name of ['PushLagSeconds', 'PushChangesApplied', 'PushLate', 'PushDriftUnits']) expect(body).toContain(name);
  });
});

describe('cdk-nag', () => {
  it('reports no AwsSolutions or Serverless violation with push ingestion', () => {
    const reports = hubChecks(app).map((pack) => pack.validateScope(stack));
    expect(reports.flatMap((r) => r.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((res) => res.constructPath).join(', ')}`))).toEqual([]);
  }, SYNTH_TIMEOUT_MS);
});
