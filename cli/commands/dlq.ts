// `stocksentry dlq list|redrive`: the deployed stack's dead-letter queues, their depth and a sample, and replaying one;
// without --stage or --stack, the local hub's dead letters (files in each run's outbox folder).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteMessageBatchCommand, GetQueueAttributesCommand, ListQueueTagsCommand, ReceiveMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { DLQ_PURPOSE_TAG, DLQ_REDRIVE_TAG } from '../../infra/stack/dlq-tags.js';
import { checkAwsAccess, stackFor } from '../hub.js';

export interface DlqClients {
  cloudFormation: CloudFormationClient;
  sqs: SQSClient;
  lambda: LambdaClient;
}

export interface DeadLetterQueueInfo {
  logicalId: string;
  url: string;
  purpose: string;
  /** The function a redrive invokes with each message; undefined when the messages are not that function's input. */
  redriveFunction?: string;
  depth: number;
  inFlight: number;
  sample?: string;
}

export class DlqNotFoundError extends Error {
  readonly code = 'DLQ_NOT_FOUND';
  constructor(readonly query: string, readonly stackName: string, known: string[]) {
    super(`No dead-letter queue matching "${query}" in stack ${stackName} (known: ${known.join(', ') || 'none'}). Run \`stocksentry dlq list\` and pass a logical id or queue URL.`);
    this.name = 'DlqNotFoundError';
  }
}

export class DlqAmbiguousError extends Error {
  readonly code = 'DLQ_AMBIGUOUS';
  constructor(readonly query: string, matches: string[]) {
    super(`"${query}" matches several dead-letter queues (${matches.join(', ')}); pass the full logical id.`);
    this.name = 'DlqAmbiguousError';
  }
}

export class DlqNotRedrivableError extends Error {
  readonly code = 'DLQ_NOT_REDRIVABLE';
  constructor(readonly queue: DeadLetterQueueInfo) {
    super(`${queue.logicalId} (${queue.purpose}) holds no function input to replay: ${notRedrivableAdvice(queue)}`);
    this.name = 'DlqNotRedrivableError';
  }
}

function notRedrivableAdvice(queue: DeadLetterQueueInfo): string {
  if (queue.logicalId.startsWith('PushQueueDlq')) {
    return 'they are push messages (movements, readings, webhooks) push-apply gave up on: fix the cause, then move them back to the push queue with `aws sqs start-message-move-task --source-arn <this queue\'s ARN>` (applying again is harmless: changes carry their ids).';
  }
  if (queue.logicalId.startsWith('EvaluateChanges')) {
    return 'its messages point at stream batches, not records; fix the cause, rerun the sweep (aws stepfunctions start-execution --state-machine-arn <SweepStateMachineArn>), then purge the queue.';
  }
  if (queue.logicalId.startsWith('EvaluateSweep')) {
    return 'these are sweep runs the schedule could not start; fix the cause, start one (aws stepfunctions start-execution --state-machine-arn <SweepStateMachineArn>), then purge the queue.';
  }
  if (queue.purpose.startsWith('chat messages')) {
    return 'these are chat messages a tool kept refusing (each with its reasons and payload); fix the robot\'s secret or settings, post the payload again by hand if it matters (docs/deploy.md#dead-letter-queues), then purge the queue.';
  }
  return 'these are SNS deliveries to one endpoint; fix the endpoint, resend by hand if it matters (docs/deploy.md#dead-letter-queues), then purge the queue.';
}

const SAMPLE_CHARS = 200;
const MAX_BATCH = 10;
/** Long enough to invoke a batch before SQS hands the messages to anyone else. */
const REDRIVE_VISIBILITY_SECONDS = 120;

/** Every SQS queue in the stack tagged as a dead-letter queue, with depth and (optionally) a peeked message. */
export async function listDeadLetterQueues(clients: DlqClients, stackName: string, options: { sample?: boolean } = {}): Promise<DeadLetterQueueInfo[]> {
  const queues: { logicalId: string; url: string }[] = [];
  const functions = new Map<string, string>();
  for await (const page of paginateListStackResources({ client: clients.cloudFormation }, { StackName: stackName })) {
    for (const r of page.StackResourceSummaries ?? []) {
      if (!r.LogicalResourceId || !r.PhysicalResourceId) continue;
      if (r.ResourceType === 'AWS::SQS::Queue') queues.push({ logicalId: r.LogicalResourceId, url: r.PhysicalResourceId });
      if (r.ResourceType === 'AWS::Lambda::Function') functions.set(r.LogicalResourceId, r.PhysicalResourceId);
    }
  }
  const found: DeadLetterQueueInfo[] = [];
  for (const q of queues) {
    const tags = (await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: q.url }))).Tags ?? {};
    const purpose = tags[DLQ_PURPOSE_TAG];
    if (purpose === undefined) continue;
    const attributes = (await clients.sqs.send(new GetQueueAttributesCommand({
      QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }))).Attributes ?? {};
    const depth = Number(attributes.ApproximateNumberOfMessages ?? 0);
    found.push({
      ...q, purpose, redriveFunction: functions.get(tags[DLQ_REDRIVE_TAG] ?? ''), depth, inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      sample: options.sample && depth > 0 ? await peek(clients.sqs, q.url) : undefined,
    });
  }
  return found.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

/** One message body, left visible for everyone else (visibility timeout 0). */
async function peek(sqs: SQSClient, url: string): Promise<string | undefined> {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
  return Messages?.[0]?.Body;
}

/** The queue a user named: a logical id (or its unique prefix) or a queue URL. */
export function pickQueue(queues: DeadLetterQueueInfo[], query: string, stackName: string): DeadLetterQueueInfo {
  const exact = queues.find((q) => q.logicalId === query || q.url === query);
  if (exact) return exact;
  const matches = queues.filter((q) => q.logicalId.toLowerCase().startsWith(query.toLowerCase()));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new DlqAmbiguousError(query, matches.map((q) => q.logicalId));
  throw new DlqNotFoundError(query, stackName, queues.map((q) => q.logicalId));
}

export interface RedriveResult {
  redriven: number;
  failed: { messageId: string; reason: string }[];
}

/**
 * Receive → invoke the source function asynchronously with the body → delete. None of the stack's DLQs has an SQS
 * source, so SQS StartMessageMoveTask does not apply; a message whose invoke fails stays in the queue.
 */
export async function redriveQueue(clients: DlqClients, queue: DeadLetterQueueInfo, options: { max?: number } = {}): Promise<RedriveResult> {
  if (!queue.redriveFunction) throw new DlqNotRedrivableError(queue);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { redriven: 0, failed: [] };
  const seen = new Set<string>();
  while (result.redriven + result.failed.length < max) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queue.url, MaxNumberOfMessages: Math.min(MAX_BATCH, max - result.redriven - result.failed.length),
      VisibilityTimeout: REDRIVE_VISIBILITY_SECONDS, WaitTimeSeconds: 0,
    }));
    // A message that failed comes back after its visibility timeout; seeing it again means the queue holds nothing new.
    const fresh = Messages.filter((m) => m.MessageId && m.ReceiptHandle && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    const done: { Id: string; ReceiptHandle: string }[] = [];
    for (const m of fresh) {
      seen.add(m.MessageId!);
      const reason = await invoke(clients.lambda, queue.redriveFunction, m.Body ?? '{}');
      if (reason) result.failed.push({ messageId: m.MessageId!, reason });
      else done.push({ Id: String(done.length), ReceiptHandle: m.ReceiptHandle! });
    }
    if (done.length > 0) {
      const deleted = await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: done }));
      // Invoked but not deleted: it will be replayed again next time, which the idempotent handlers absorb.
      for (const f of deleted.Failed ?? []) result.failed.push({ messageId: fresh[Number(f.Id)]?.MessageId ?? f.Id ?? '?', reason: `invoked but not deleted: ${f.Message ?? f.Code}` });
      result.redriven += done.length - (deleted.Failed?.length ?? 0);
    }
  }
  return result;
}

/** Invokes asynchronously, as the schedule, rule or async invocation did; returns why it failed, or undefined. */
async function invoke(lambda: LambdaClient, functionName: string, body: string): Promise<string | undefined> {
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(body) }));
    return out.StatusCode === 202 ? undefined : `Lambda answered ${out.StatusCode ?? 'no status'}${out.FunctionError ? ` (${out.FunctionError})` : ''}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function formatDeadLetterQueues(queues: DeadLetterQueueInfo[]): string {
  if (queues.length === 0) return 'No dead-letter queues found (is the stack deployed with this version?).';
  return queues.map((q) => [
    `${q.logicalId}  ${q.depth} waiting${q.inFlight ? `, ${q.inFlight} in flight` : ''}  — ${q.purpose}`,
    `  ${q.url}`,
    `  redrive: ${q.redriveFunction ? `invokes ${q.redriveFunction}` : 'not by this command (see docs/deploy.md#dead-letter-queues)'}`,
    ...(q.sample !== undefined ? [`  sample: ${q.sample.length > SAMPLE_CHARS ? `${q.sample.slice(0, SAMPLE_CHARS)}…` : q.sample}`] : []),
  ].join('\n')).join('\n\n');
}

const defaultClients = (): DlqClients => ({ cloudFormation: new CloudFormationClient({}), sqs: new SQSClient({}), lambda: new LambdaClient({}) });

interface TargetOptions { stack?: string; stage?: string; config?: string; outbox: string }

/** The deployed stack named by --stack, or by --stage with the config's name; AWS access checked first. */
async function stackNameFor(options: TargetOptions, cloudFormation: CloudFormationClient): Promise<string> {
  if (options.stack) {
    await checkAwsAccess(cloudFormation);
    return options.stack;
  }
  return (await stackFor(options, cloudFormation)).stackName;
}

export interface LocalDeadLetter { file: string; reason: string }

/** The local hub's dead letters: every run's outbox/<run>/dead-letter/*.json, oldest run first. */
export function listLocalDeadLetters(outbox: string): { run: string; letters: LocalDeadLetter[] }[] {
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort().flatMap((run) => {
    const dir = path.join(outbox, run, 'dead-letter');
    if (!existsSync(dir)) return [];
    const letters = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
      const reason = (() => {
        // Events and stream records carry a `reason`; webhook and chat deliveries every attempt's `failures`.
        try {
          const letter = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { reason?: unknown; failures?: unknown };
          return String(letter.reason ?? (Array.isArray(letter.failures) ? letter.failures.at(-1) : undefined) ?? '');
        } catch { return '(not readable as JSON)'; }
      })();
      return { file: path.join(dir, file), reason };
    });
    return letters.length ? [{ run, letters }] : [];
  });
}

export function formatLocalDeadLetters(outbox: string, runs: ReturnType<typeof listLocalDeadLetters>): string {
  const shown = path.relative(process.cwd(), outbox) || outbox;
  if (runs.length === 0) return `No dead letters in ${shown}/ (the local hub's; --stage <name> lists a deployed stack's queues).`;
  return runs.map(({ run, letters }) => [
    `${shown}/${run}/dead-letter/  ${letters.length}`,
    ...letters.map((l) => `  ${path.basename(l.file)}  ${l.reason.length > SAMPLE_CHARS ? `${l.reason.slice(0, SAMPLE_CHARS)}…` : l.reason}`),
  ].join('\n')).join('\n\n');
}

export function register(program: Command, clients: () => DlqClients = defaultClients): void {
  const dlq = program.command('dlq').description("Inspect and redrive the deployed stack's dead-letter queues (without --stage: the local hub's dead letters)");
  const target = (cmd: Command) => cmd
    .option('--stage <name>', 'a deployed stage: the stack <config.name>-<stage>')
    .option('--stack <name>', 'the CloudFormation stack, named outright')
    .option('-c, --config <file>', 'hub.config file (its name makes the stack name)')
    .option('--outbox <dir>', 'the local hub\'s outbox', 'outbox');
  target(dlq.command('list'))
    .description('List the dead-letter queues with their depth and a sample message')
    .action(async (options: TargetOptions) => {
      if (!options.stack && !options.stage) {
        const outbox = path.resolve(options.outbox);
        console.log(formatLocalDeadLetters(outbox, listLocalDeadLetters(outbox)));
        return;
      }
      const c = clients();
      const stackName = await stackNameFor(options, c.cloudFormation);
      console.log(formatDeadLetterQueues(await listDeadLetterQueues(c, stackName, { sample: true })));
    });
  target(dlq.command('redrive'))
    .description("Replay one queue's messages to the function they failed in, deleting each one replayed")
    .argument('<queue>', 'logical id (or a unique prefix of it) or queue URL, as `dlq list` prints')
    .option('--max <n>', 'replay at most this many messages', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--max expects a positive whole number, got "${v}".`);
      return n;
    })
    .action(async (query: string, options: TargetOptions & { max?: number }) => {
      if (!options.stack && !options.stage) {
        throw new Error('Redrive replays a deployed stack\'s queues: pass --stage <name>. The local hub\'s dead letters are files '
          + '(`stocksentry dlq list` shows them): fix the cause and let the hub run the work again.');
      }
      const c = clients();
      const stackName = await stackNameFor(options, c.cloudFormation);
      const queue = pickQueue(await listDeadLetterQueues(c, stackName), query, stackName);
      const result = await redriveQueue(c, queue, { max: options.max });
      console.log(`${queue.logicalId}: ${result.redriven} messages replayed to ${queue.redriveFunction} and deleted${result.failed.length ? `; ${result.failed.length} left in the queue` : ''}.`);
      for (const f of result.failed) console.log(`  ${f.messageId}: ${f.reason}`);
      if (result.failed.length) process.exitCode = 1;
    });
}
