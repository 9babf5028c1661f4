// What handlers need, built once per Lambda container from the environment the stack sets
// (the local runtime builds the same shape with local adapters).
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { envCredentials, secretsManagerCredentials, type CredentialResolver } from '../connectors/sdk/credentials.js';
import { documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoInventoryStore } from '../shared/adapters/dynamodb/inventory-store.js';
import { parseHubConfig, type HubConfig } from '../shared/config.js';
import type { EvaluationPorts } from '../shared/evaluation/pipeline.js';
import { systemClock, type Clock } from '../shared/ports.js';

export interface HubServices {
  config: HubConfig;
  clock: Clock;
  doc: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoInventoryStore;
  evaluation: EvaluationPorts;
  /** Resolves credential references: Secrets Manager on AWS, environment variables locally. */
  credentials: CredentialResolver;
}

export class MissingEnvironmentError extends Error {
  readonly code = 'ENV_MISSING';
  constructor(name: string) {
    super(`Environment variable ${name} is not set; the CDK stack sets it, so deploy with \`npx cdk deploy\` or set it for a local run.`);
    this.name = 'MissingEnvironmentError';
  }
}

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new MissingEnvironmentError(name);
  return value;
};

/** Assembles services around a table; used by both the Lambda entry points and the local runtime. */
export function hubServices(input: { config: HubConfig; doc: DynamoDBDocumentClient; tableName: string; clock?: Clock; credentials?: CredentialResolver }): HubServices {
  const clock = input.clock ?? systemClock;
  const store = new DynamoInventoryStore(input.doc, input.tableName);
  return {
    config: input.config, clock, doc: input.doc, tableName: input.tableName, store,
    credentials: input.credentials ?? envCredentials(),
    evaluation: { store, config: input.config, clock, sinks: [] },
  };
}

let cached: Promise<HubServices> | undefined;

/** Lambda: HUB_CONFIG is inlined at bundle time by the stack; TABLE_NAME is an environment variable. */
export function awsServices(): Promise<HubServices> {
  cached ??= Promise.resolve().then(() => hubServices({
    config: parseHubConfig(JSON.parse(requireEnv('HUB_CONFIG')), 'HUB_CONFIG'),
    doc: documentClient(),
    tableName: requireEnv('TABLE_NAME'),
    credentials: secretsManagerCredentials(new SecretsManagerClient({})),
  }));
  return cached;
}
