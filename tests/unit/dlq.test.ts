// `stocksentry dlq`: finds the stack's tagged DLQs, shows depth and a sample, and replays one queue to its function.
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteMessageBatchCommand, GetQueueAttributesCommand, ListQueueTagsCommand, ReceiveMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DlqAmbiguousError, DlqNotFoundError, DlqNotRedrivableError, formatDeadLetterQueues, listDeadLetterQueues, listLocalDeadLetters, pickQueue, redriveQueue, register,
  type DlqClients,
} from '../../cli/commands/dlq.js';
import { DLQ_PURPOSE_TAG, DLQ_REDRIVE_TAG } from '../../infra/stack/dlq-tags.js';

const URL = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const clients = (): DlqClients => ({ cloudFormation: new CloudFormationClient({}), sqs: new SQSClient({}), lambda: new LambdaClient({}) });

beforeEach(() => {
  cfn.reset(); sqs.reset(); lambda.reset();
  cfn.on(ListStackResourcesCommand, { StackName: 'stocksentry-prod' })
    .resolvesOnce({ NextToken: 'p2', StackResourceSummaries: [
      { ResourceType: 'AWS::SQS::Queue', LogicalResourceId: 'SyncerpDlqQueue1A2B3C4D', PhysicalResourceId: URL('sync-erp-dlq'), ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      { ResourceType: 'AWS::Lambda::Function', LogicalResourceId: 'SyncerpFunction5E6F7A8B', PhysicalResourceId: 'stocksentry-prod-Syncerp', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    ] })
    .resolvesOnce({ StackResourceSummaries: [
      { ResourceType: 'AWS::SQS::Queue', LogicalResourceId: 'EvaluateChangesDlqQueue9F8E7D6C', PhysicalResourceId: URL('evaluate-dlq'), ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      { ResourceType: 'AWS::SQS::Queue', LogicalResourceId: 'SomeWorkQueue', PhysicalResourceId: URL('work'), ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    ] });
  sqs.on(ListQueueTagsCommand, { QueueUrl: URL('sync-erp-dlq') }).resolves({ Tags: { [DLQ_PURPOSE_TAG]: 'sync of connector erp', [DLQ_REDRIVE_TAG]: 'SyncerpFunction5E6F7A8B' } });
  sqs.on(ListQueueTagsCommand, { QueueUrl: URL('evaluate-dlq') }).resolves({ Tags: { [DLQ_PURPOSE_TAG]: 'stream records evaluate-changes gave up on' } });
  sqs.on(ListQueueTagsCommand, { QueueUrl: URL('work') }).resolves({ Tags: { app: 'stocksentry' } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: URL('sync-erp-dlq') }).resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: URL('evaluate-dlq') }).resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
});

afterEach(() => vi.restoreAllMocks());

describe('dlq list', () => {
  it('lists only the tagged queues across pages, with depth, purpose, redrive target and a peeked sample', async () => {
    sqs.on(ReceiveMessageCommand, { QueueUrl: URL('sync-erp-dlq') }).resolves({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: `{"connector":"erp","pad":"${'x'.repeat(300)}"}` }] });
    const queues = await listDeadLetterQueues(clients(), 'stocksentry-prod', { sample: true });
    expect(queues.map((q) => [q.logicalId, q.depth, q.inFlight, q.redriveFunction])).toEqual([
      ['EvaluateChangesDlqQueue9F8E7D6C', 0, 0, undefined],
      ['SyncerpDlqQueue1A2B3C4D', 3, 1, 'stocksentry-prod-Syncerp'],
    ]);
    // The sample is peeked with visibility 0 and only from a non-empty queue.
    const receives = sqs.commandCalls(ReceiveMessageCommand);
    expect(receives.map((c) => [c.args[0].input.QueueUrl, c.args[0].input.VisibilityTimeout])).toEqual([[URL('sync-erp-dlq'), 0]]);
    const text = formatDeadLetterQueues(queues);
    expect(text).toContain('SyncerpDlqQueue1A2B3C4D  3 waiting, 1 in flight  — sync of connector erp');
    expect(text).toContain('redrive: invokes stocksentry-prod-Syncerp');
    expect(text).toContain('sample: {"connector":"erp"');
    expect(text).toContain('…');
    expect(text).not.toContain('x'.repeat(250));
  });

  it('prints the list through the registered command', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example');
    const program = new Command().exitOverride();
    register(program, clients);
    await program.parseAsync(['node', 'stocksentry', 'dlq', 'list', '--stack', 'stocksentry-prod']);
    vi.unstubAllEnvs();
    expect(out.mock.calls.map((c) => String(c[0])).join('\n')).toContain('EvaluateChangesDlqQueue9F8E7D6C  0 waiting');
  });
});

describe('picking a queue', () => {
  it('takes an exact logical id or URL, a unique prefix, and names the known queues otherwise', async () => {
    const queues = await listDeadLetterQueues(clients(), 'stocksentry-prod');
    expect(pickQueue(queues, 'syncerp', 'stocksentry-prod').url).toBe(URL('sync-erp-dlq'));
    expect(pickQueue(queues, URL('evaluate-dlq'), 'stocksentry-prod').logicalId).toBe('EvaluateChangesDlqQueue9F8E7D6C');
    expect(() => pickQueue(queues, 'Dispatch', 'stocksentry-prod')).toThrow(DlqNotFoundError);
    expect(() => pickQueue(queues, 'Dispatch', 'stocksentry-prod')).toThrow(/known: EvaluateChangesDlqQueue9F8E7D6C, SyncerpDlqQueue1A2B3C4D/);
    expect(() => pickQueue([...queues, { ...queues[1]!, logicalId: 'SyncshopDlqQueue' }], 'Sync', 'stocksentry-prod')).toThrow(DlqAmbiguousError);
  });
});

describe('dlq redrive', () => {
  it('invokes the function asynchronously with each body and deletes only what was replayed', async () => {
    sqs.on(ReceiveMessageCommand, { QueueUrl: URL('sync-erp-dlq') })
      .resolvesOnce({ Messages: [
        { MessageId: 'a', ReceiptHandle: 'ra', Body: '{"connector":"erp"}' },
        { MessageId: 'b', ReceiptHandle: 'rb', Body: '{"connector":"erp","full":true}' },
      ] })
      .resolvesOnce({ Messages: [{ MessageId: 'c', ReceiptHandle: 'rc', Body: '{"connector":"erp"}' }] })
      .resolves({ Messages: [] });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    lambda.on(InvokeCommand, { Payload: new TextEncoder().encode('{"connector":"erp","full":true}') }).rejects(new Error('Rate exceeded'));
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    const queues = await listDeadLetterQueues(clients(), 'stocksentry-prod');
    const result = await redriveQueue(clients(), pickQueue(queues, 'Syncerp', 'stocksentry-prod'));

    expect(result).toEqual({ redriven: 2, failed: [{ messageId: 'b', reason: 'Rate exceeded' }] });
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType, new TextDecoder().decode(i.Payload as Uint8Array)])).toEqual([
      ['stocksentry-prod-Syncerp', 'Event', '{"connector":"erp"}'],
      ['stocksentry-prod-Syncerp', 'Event', '{"connector":"erp","full":true}'],
      ['stocksentry-prod-Syncerp', 'Event', '{"connector":"erp"}'],
    ]);
    const deleted = sqs.commandCalls(DeleteMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []).map((e) => e.ReceiptHandle);
    expect(deleted).toEqual(['ra', 'rc']);
  });

  it('stops at --max and when only already-failed messages come back', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [{ MessageId: 'a', ReceiptHandle: 'ra', Body: '{}' }] });
    lambda.on(InvokeCommand).resolves({ StatusCode: 500, FunctionError: 'Unhandled' });
    const queues = await listDeadLetterQueues(clients(), 'stocksentry-prod');
    const result = await redriveQueue(clients(), pickQueue(queues, 'Syncerp', 'stocksentry-prod'), { max: 5 });
    expect(result.failed).toEqual([{ messageId: 'a', reason: 'Lambda answered 500 (Unhandled)' }]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);

    sqs.reset();
    sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages: number }) => ({
      Messages: Array.from({ length: input.MaxNumberOfMessages }, (_, i) => ({ MessageId: `${Math.random()}-${i}`, ReceiptHandle: `r${i}`, Body: '{}' })),
    }));
    sqs.on(DeleteMessageBatchCommand).resolves({ Failed: [] });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    expect(await redriveQueue(clients(), queues[1]!, { max: 13 })).toEqual({ redriven: 13, failed: [] });
    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([10, 3]);
  });

  it('refuses a queue whose messages are not function input, saying what to do instead', async () => {
    const queues = await listDeadLetterQueues(clients(), 'stocksentry-prod');
    const evaluate = pickQueue(queues, 'EvaluateChanges', 'stocksentry-prod');
    await expect(redriveQueue(clients(), evaluate)).rejects.toThrow(DlqNotRedrivableError);
    await expect(redriveQueue(clients(), evaluate)).rejects.toThrow(/rerun the sweep \(aws stepfunctions start-execution/);
    // The sweep's schedule starts a state machine: its failed starts are started again, not replayed to a function.
    const sweep = { logicalId: 'EvaluateSweepDlqQueue0A1B2C3D', url: URL('sweep-dlq'), purpose: 'the evaluation sweep', depth: 1, inFlight: 0 };
    await expect(redriveQueue(clients(), sweep)).rejects.toThrow(/sweep runs the schedule could not start.*--state-machine-arn <SweepStateMachineArn>/);
    const chats = { logicalId: 'ChatDeliveryDlqQueue1A2B', url: 'https://sqs.eu-west-1.amazonaws.com/1/chat', purpose: 'chat messages to WeCom DingTalk Feishu Slack Teams', depth: 1, inFlight: 0 };
    await expect(redriveQueue(clients(), chats)).rejects.toThrow(/chat messages a tool kept refusing/);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe('local dead letters', () => {
  it('show why each failed: an event\'s reason, a webhook\'s or chat message\'s last attempt', () => {
    const outbox = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    const dir = path.join(outbox, '2026-05-04T07-30-00', 'dead-letter');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'event-1.json'), JSON.stringify({ reason: 'handler threw', payload: {} }));
    writeFileSync(path.join(dir, 'n1-store-team-dingtalk0.json'), JSON.stringify({ tool: 'dingtalk', failures: ['attempt 1: dingtalk error 310000: sign not match'], payload: {} }));
    expect(listLocalDeadLetters(outbox)).toEqual([{ run: '2026-05-04T07-30-00', letters: [
      { file: path.join(dir, 'event-1.json'), reason: 'handler threw' },
      { file: path.join(dir, 'n1-store-team-dingtalk0.json'), reason: 'attempt 1: dingtalk error 310000: sign not match' },
    ] }]);
  });
});
