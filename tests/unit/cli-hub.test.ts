// How CLI commands find a deployed hub (--stage: the stack's outputs) and what they say when they cannot:
// what to set or run, never the SDK's "Region is missing".
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register as registerAlerts } from '../../cli/commands/alerts.js';
import { register as registerDlq } from '../../cli/commands/dlq.js';
import { register as registerSuppliers } from '../../cli/commands/suppliers.js';
import { defaultAwsClients, openHub } from '../../cli/hub.js';

const cfn = mockClient(CloudFormationClient);
const events = mockClient(EventBridgeClient);
let empty: string;

/** An environment with no AWS settings at all: no region, no keys, no profile files, no instance metadata. */
function noAws(): void {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
    'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_CONFIG_FILE', path.join(empty, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(empty, 'credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

beforeEach(() => {
  cfn.reset();
  events.reset();
  empty = mkdtempSync(path.join(tmpdir(), 'no-aws-'));
  noAws();
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(empty, { recursive: true, force: true });
});

const withKeys = () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example');
};

async function run(register: (program: Command) => void, args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'stocksentry', ...args]);
}

describe('a deployed hub (--stage)', () => {
  it('reads the table and the bus from the stack <name>-<stage> and publishes on that bus', async () => {
    withKeys();
    cfn.on(DescribeStacksCommand, { StackName: 'stocksentry-prod' }).resolves({ Stacks: [{
      StackName: 'stocksentry-prod', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(),
      Outputs: [{ OutputKey: 'TableName', OutputValue: 'stocksentry-prod-HubTable-1X2Y' }, { OutputKey: 'EventBusName', OutputValue: 'stocksentry-prod-bus' }],
    }] });
    events.on(PutEventsCommand).resolves({ Entries: [{ EventId: 'e1' }] });
    const hub = await openHub({ stage: 'prod' }, 'test');
    expect(hub.tableName).toBe('stocksentry-prod-HubTable-1X2Y');
    expect(hub.where).toBe('stack stocksentry-prod in eu-west-1');
    await hub.publish!([{ source: 'stocksentry.alerts', detailType: 'AlertAcknowledged', detail: { fingerprint: 'f' } }]);
    expect(events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries?.[0]?.EventBusName).toBe('stocksentry-prod-bus');
  });

  it('without a region says to set AWS_REGION', async () => {
    await expect(openHub({ stage: 'prod' }, 'test')).rejects.toMatchObject({ code: 'NO_AWS_REGION', message: expect.stringMatching(/^No AWS region: set AWS_REGION/) });
    await expect(run((p) => registerAlerts(p), ['alerts', 'list', '--stage', 'prod'])).rejects.toThrow(/^No AWS region: set AWS_REGION/);
    await expect(run((p) => registerDlq(p), ['dlq', 'list', '--stage', 'prod'])).rejects.toThrow(/^No AWS region/);
    await expect(run((p) => registerDlq(p), ['dlq', 'list', '--stack', 'stocksentry-prod'])).rejects.toThrow(/^No AWS region/);
  });

  it('without credentials says to set AWS_PROFILE or the keys', async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const message = /^No AWS credentials: set AWS_PROFILE .* or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/;
    await expect(openHub({ stage: 'prod' }, 'test')).rejects.toMatchObject({ code: 'NO_AWS_CREDENTIALS', message: expect.stringMatching(message) });
    await expect(run((p) => registerSuppliers(p), ['suppliers', 'requests', '--stage', 'prod'])).rejects.toThrow(message);
  });

  it('names the stack and the way to deploy it when it does not exist', async () => {
    withKeys();
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id stocksentry-qa does not exist'), { name: 'ValidationError' }));
    await expect(openHub({ stage: 'qa' }, 'test')).rejects.toMatchObject({
      code: 'NO_STACK', message: expect.stringContaining('No stack stocksentry-qa in eu-west-1: deploy it (`npx cdk deploy --no-notices -c stage=qa`)'),
    });
  });

  it('asks for a redeploy when the stack lacks the outputs', async () => {
    withKeys();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'stocksentry-prod', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [] }] });
    await expect(openHub({ stage: 'prod' }, 'test', defaultAwsClients)).rejects.toMatchObject({ code: 'STACK_OUTPUTS', message: expect.stringContaining('no TableName output') });
  });
});

describe('no hub at all', () => {
  it('says where it looked and to run npm start', async () => {
    const dir = path.join(empty, 'state');
    await expect(run((p) => registerAlerts(p), ['alerts', 'list', '--state-dir', dir]))
      .rejects.toThrow(`No local hub found in ./${path.relative(process.cwd(), dir)}: run \`npm start\` here`);
  });
});
