// How a CLI command reaches the hub it works on:
//  - a local hub that runs: its DynamoDB endpoint and table from .stocksentry/hub.json;
//  - a local hub that does not run: DynamoDB Local started on its data folder for the command, under the folder's lock;
//  - a deployed one (--stage <name>): the table and bus named by the stack's outputs (CloudFormation).
// Every failure says what to do next.
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { DEMO_HUB_CONFIG } from '../infra/local/demo/config.js';
import { LOCAL_AWS, startLocalDynamo } from '../infra/local/dynamodb.js';
import { DEFAULT_STATE_DIR, dataRecordOf, lockState, runningHub } from '../infra/local/state.js';
import { EventBridgeBus } from '../shared/adapters/aws/event-bus.js';
import { documentClient } from '../shared/adapters/dynamodb/client.js';
import type { BusEntry } from '../shared/alerts/ports.js';
import { parseHubConfig, type HubConfig } from '../shared/config.js';
import { loadHubConfig } from '../config/load.js';

export interface HubOptions {
  config?: string;
  /** A deployed stage: the stack `<config.name>-<stage>` on AWS. */
  stage?: string;
  /** The local state folder (default .stocksentry). */
  stateDir?: string;
  /** A DynamoDB endpoint and table given outright (another local setup). */
  endpoint?: string;
  table?: string;
}

export interface Hub {
  config: HubConfig;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** The deployed hub's event bus; a local hub has none the CLI can reach. */
  publish?: (entries: BusEntry[]) => Promise<void>;
  /** Which hub this is, for messages. */
  where: string;
}

export class HubNotFoundError extends Error {
  constructor(readonly code: 'NO_LOCAL_HUB' | 'NO_AWS_REGION' | 'NO_AWS_CREDENTIALS' | 'NO_STACK' | 'STACK_OUTPUTS', message: string) {
    super(message);
    this.name = 'HubNotFoundError';
  }
}

/** The SDK clients for a deployed hub; tests pass mocked ones. */
export interface AwsClients {
  cloudFormation: CloudFormationClient;
  eventBridge: EventBridgeClient;
  documentClient: () => DynamoDBDocumentClient;
}

export const defaultAwsClients = (): AwsClients => ({
  cloudFormation: new CloudFormationClient({}),
  eventBridge: new EventBridgeClient({}),
  documentClient: () => documentClient({}),
});

/** What a command opened for itself (DynamoDB Local on the data folder, its lock): closed when the command ends. */
const opened: (() => Promise<void>)[] = [];

export async function closeOpenedHubs(): Promise<void> {
  for (const close of opened.splice(0).reverse()) await close().catch(() => undefined);
}

/** The options every command that works on a hub takes. */
export function withHubOptions(command: Command): Command {
  return command
    .option('--stage <name>', 'a deployed hub: the stack <config.name>-<stage> (AWS credentials and region from the environment)')
    .option('--state-dir <dir>', `the local hub's state folder (default ${DEFAULT_STATE_DIR})`)
    .option('-c, --config <file>', 'hub.config file (default: the one the local hub runs, else hub.config.*)')
    .option('--endpoint <url>', 'a DynamoDB endpoint to use as it is, e.g. another DynamoDB Local (with --table)')
    .option('--table <name>', 'the hub table on --endpoint (default <name>-<stage>)');
}

export async function openHub(options: HubOptions, command: string, aws: () => AwsClients = defaultAwsClients): Promise<Hub> {
  if (options.endpoint) {
    const config = await loadHubConfig(options.config);
    return { config, doc: documentClient({ endpoint: options.endpoint, ...LOCAL_AWS }), tableName: options.table ?? `${config.name}-${config.stage}`, where: options.endpoint };
  }
  if (options.stage) return openDeployed(options, aws());
  return openLocal(options, command);
}

/** The config a local hub runs: its file, or the demo's. */
async function localConfig(options: HubOptions, recorded: string | null): Promise<HubConfig> {
  if (options.config) return loadHubConfig(options.config);
  return recorded ? loadHubConfig(recorded) : parseHubConfig(DEMO_HUB_CONFIG, 'demo config');
}

async function openLocal(options: HubOptions, command: string): Promise<Hub> {
  const dir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const shown = `./${path.relative(process.cwd(), dir) || '.'}`;
  const running = runningHub(dir);
  if (running) {
    return {
      config: await localConfig(options, running.config),
      doc: documentClient({ endpoint: running.dynamoEndpoint, ...LOCAL_AWS }),
      tableName: running.tableName,
      where: `the local hub (pid ${running.pid}) in ${shown}`,
    };
  }
  const data = dataRecordOf(dir);
  if (!data) {
    throw new HubNotFoundError('NO_LOCAL_HUB', `No local hub found in ${shown}: run \`npm start\` here (or pass --state-dir <dir> for another folder, --stage <name> for a deployed hub).`);
  }
  const config = await localConfig(options, data.config);
  // Nobody runs on the data: open it for this command, holding the lock so a hub cannot start on it meanwhile.
  const lock = lockState(dir, command);
  opened.push(async () => lock.release());
  const dynamo = await startLocalDynamo({ dataDir: path.join(dir, 'dynamodb') });
  opened.push(() => dynamo.stop());
  const doc = documentClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  opened.push(async () => doc.destroy());
  return { config, doc, tableName: data.tableName, where: `the local hub's data in ${shown} (not running)` };
}

/** Region and credentials up front: the SDK's own messages ("Region is missing") do not say what to do. */
export async function checkAwsAccess(client: CloudFormationClient): Promise<string> {
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new HubNotFoundError('NO_AWS_REGION', 'No AWS region: set AWS_REGION (e.g. export AWS_REGION=eu-central-1), or a region for your AWS_PROFILE in ~/.aws/config.');
  }
  try {
    await client.config.credentials();
  } catch {
    throw new HubNotFoundError('NO_AWS_CREDENTIALS', 'No AWS credentials: set AWS_PROFILE (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.');
  }
  return region;
}

/** The deployed stack's name for a stage, and that it can be reached, with the region it is in. */
export async function stackFor(options: Pick<HubOptions, 'config' | 'stage'>, client: CloudFormationClient): Promise<{ config: HubConfig; stackName: string; region: string }> {
  const config = await loadHubConfig(options.config);
  const region = await checkAwsAccess(client);
  return { config, stackName: `${config.name}-${options.stage ?? config.stage}`, region };
}

async function openDeployed(options: HubOptions, aws: AwsClients): Promise<Hub> {
  const { config, stackName, region } = await stackFor(options, aws.cloudFormation);
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) {
      throw new HubNotFoundError('NO_STACK', `No stack ${stackName} in ${region}: deploy it (\`npx cdk deploy --no-notices -c stage=${options.stage}\`), or check --stage, --config (name "${config.name}") and AWS_REGION.`);
    }
    throw error;
  }
  const tableName = outputs.TableName;
  const busName = outputs.EventBusName;
  if (!tableName || !busName) {
    throw new HubNotFoundError('STACK_OUTPUTS', `Stack ${stackName} has no ${!tableName ? 'TableName' : 'EventBusName'} output: redeploy it with this version (\`npx cdk deploy\`).`);
  }
  const bus = new EventBridgeBus(aws.eventBridge, busName);
  return { config, doc: aws.documentClient(), tableName, publish: (entries) => bus.putEvents(entries), where: `stack ${stackName} in ${region}` };
}
