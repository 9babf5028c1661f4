// Chat tools on AWS: the functions that deliver notifications read exactly the robots' secrets and dead-letter to one
// alarmed, encrypted queue; nothing else changes for a stack without chats.
import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { hubChecks } from '../../infra/stack/checks.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../config/load.js';
import { parseHubConfig } from '../../shared/config.js';
import type { HubStack } from '../../infra/stack/hub-stack.js';
import { FIXTURE_CONFIG, SYNTH_TIMEOUT_MS, synthHub } from './support.js';

let app: App;
let template: Template;
let stack: HubStack;

beforeAll(async () => {
  const base = await loadHubConfig(FIXTURE_CONFIG);
  const config = parseHubConfig({
    ...base,
    receivers: [...base.receivers, {
      name: 'store-chat', locale: 'zh-CN',
      chats: [
        { type: 'wecom', webhook: { secretName: 'stocksentry/wecom-store' } },
        { type: 'dingtalk', webhook: { secretName: 'stocksentry/dingtalk', field: 'url' }, secret: { secretName: 'stocksentry/dingtalk', field: 'secret' } },
        { type: 'teams', webhook: { secretName: 'stocksentry/teams-buyers' } },
      ],
    }],
  });
  ({ app, template, stack } = await synthHub({}, config));
}, SYNTH_TIMEOUT_MS);

const policyOf = (functionId: string) => {
  const f = stack.functions.find((fn) => fn.node.id === functionId)!;
  const roleId = stack.getLogicalId(f.role.node.defaultChild as Parameters<HubStack['getLogicalId']>[0]);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
};
const secretsReadBy = (functionId: string) => policyOf(functionId)
  .filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue'))
  .map((s) => JSON.stringify(s.Resource));

describe('chat tools on AWS', () => {
  it('lets the functions that deliver (dispatch, escalate) read the robots\' secrets, and the API not', () => {
    for (const id of ['DispatchAlerts', 'EscalateAlerts']) {
      const read = secretsReadBy(id).join(' ');
      for (const name of ['stocksentry/wecom-store', 'stocksentry/dingtalk', 'stocksentry/teams-buyers']) expect(read, id).toContain(`secret:${name}-??????`);
    }
    expect(secretsReadBy('AlertsApiHandler').join(' ')).not.toContain('wecom');
  });

  it('dead-letters chat messages that keep failing to one encrypted, alarmed queue the delivering functions may send to', () => {
    const queues = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([, q]) => JSON.stringify(q.Properties.Tags ?? []).includes('chat messages'));
    expect(queues).toHaveLength(1);
    const [queueId, queue] = queues[0]!;
    expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    // CloudFormation's tag-value pattern: no commas or brackets.
    for (const tag of queue.Properties.Tags as { Value: string }[]) expect(tag.Value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    for (const id of ['DispatchAlerts', 'EscalateAlerts']) {
      const f = stack.functions.find((fn) => fn.node.id === id)!;
      const env = (template.findResources('AWS::Lambda::Function')[stack.getLogicalId(f.fn.node.defaultChild as Parameters<HubStack['getLogicalId']>[0])]!.Properties.Environment.Variables) as Record<string, unknown>;
      expect(env.CHAT_DLQ_URL).toEqual({ Ref: queueId });
      expect(policyOf(id).some((s) => ([] as string[]).concat(s.Action).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(queueId))).toBe(true);
    }
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => String(a.Properties.AlarmDescription).includes('chat messages'));
    expect(alarms).toHaveLength(1);
  });

  it('stays clean under cdk-nag with chats configured', () => {
    const violations = hubChecks(app).flatMap((pack) => pack.validateScope(stack).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`));
    expect(violations).toEqual([]);
  }, SYNTH_TIMEOUT_MS);
});
