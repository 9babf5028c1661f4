// The composition root: what handlers need, built once per Lambda container from the environment the stack
// sets. The local runtime builds the same shape around DynamoDB Local and its in-process bus.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { envCredentials, secretsManagerCredentials, type CredentialResolver } from '../connectors/sdk/credentials.js';
import { toBusEntry } from '../events/alerts.js';
import { REPLENISHMENT_SOURCE } from '../events/replenishment.js';
import { EventBridgeBus } from '../shared/adapters/aws/event-bus.js';
import { DynamoAlertStore } from '../shared/adapters/dynamodb/alert-store.js';
import { documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoInventoryStore } from '../shared/adapters/dynamodb/inventory-store.js';
import { DynamoRequestStore } from '../shared/adapters/dynamodb/request-store.js';
import { DynamoHealthStore } from '../shared/adapters/dynamodb/health-store.js';
import { healthSink } from '../shared/health/sink.js';
import { alertsSettings, reconcilePosition, type AlertsSettings, type BusEntry, type EventPublisher } from '../shared/alerts/index.js';
import { parseHubConfig, type HubConfig } from '../shared/config.js';
import type { DecisionSink, EvaluationPorts } from '../shared/evaluation/pipeline.js';
import type { Item } from '../shared/model.js';
import { systemClock, type Clock } from '../shared/ports.js';
import { planReplenishment, type ReplenishmentDeps, type ReplenishmentEvent } from '../shared/replenishment/service.js';

export interface HubServices {
  config: HubConfig;
  clock: Clock;
  doc: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoInventoryStore;
  alertStore: DynamoAlertStore;
  alertSettings: AlertsSettings;
  /** Stock-health cells the console's overview reads (kept by the evaluation sink below). */
  health: DynamoHealthStore;
  replenishment: ReplenishmentDeps;
  /** Where the events of state changes go: EventBridge on AWS, the in-process bus locally. */
  bus: EventPublisher;
  /** Evaluation with both sinks: the alert lifecycle and the request planner. */
  evaluation: EvaluationPorts<BusEntry>;
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

export const replenishmentEntry = (e: ReplenishmentEvent): BusEntry =>
  ({ source: REPLENISHMENT_SOURCE, detailType: e.detailType, detail: e.detail as unknown as Record<string, unknown> });

/** Assembles services around a table; used by both the Lambda entry points and the local runtime. */
export function hubServices(input: {
  config: HubConfig; doc: DynamoDBDocumentClient; tableName: string; bus: EventPublisher; clock?: Clock; credentials?: CredentialResolver;
}): HubServices {
  const { config, doc, tableName, bus } = input;
  const clock = input.clock ?? systemClock;
  const store = new DynamoInventoryStore(doc, tableName);
  const alertStore = new DynamoAlertStore(doc, tableName);
  const alertSettings = alertsSettings(config);
  const health = new DynamoHealthStore(doc, tableName);
  const replenishment: ReplenishmentDeps = {
    requests: new DynamoRequestStore(doc, tableName), clock, config: config.replenishment,
    suppliers: new Map(config.suppliers.map((s) => [s.id, s])),
  };
  const alertsSink: DecisionSink<BusEntry> = {
    async accept(evaluated, now) {
      const entries: BusEntry[] = [];
      for (const e of evaluated) {
        const { location: _location, ...labels } = e.labels;
        const events = await reconcilePosition({ sku: e.position.sku, locationId: e.position.locationId, labels, findings: e.decision.alerts, now },
          { store: alertStore, settings: alertSettings });
        entries.push(...events.map(toBusEntry));
      }
      return entries;
    },
  };
  const requestsSink: DecisionSink<BusEntry> = {
    async accept(evaluated) {
      const items = new Map(evaluated.filter((e): e is typeof e & { item: Item } => Boolean(e.item)).map((e) => [e.item.sku, e.item]));
      const decisions = evaluated.map((e) => ({ sku: e.position.sku, location: e.position.locationId, replenish: e.decision.replenish }));
      const outcome = await planReplenishment(replenishment, decisions, items);
      return outcome.events.map(replenishmentEntry);
    },
  };
  return {
    config, clock, doc, tableName, store, alertStore, alertSettings, health, replenishment, bus,
    credentials: input.credentials ?? envCredentials(),
    evaluation: { store, config, clock, sinks: [alertsSink, requestsSink, healthSink<BusEntry>(health)] },
  };
}

let cached: Promise<HubServices> | undefined;

/** Lambda: HUB_CONFIG is inlined at bundle time by the stack; TABLE_NAME and EVENT_BUS_NAME are environment variables. */
export function awsServices(): Promise<HubServices> {
  cached ??= Promise.resolve().then(() => hubServices({
    config: parseHubConfig(JSON.parse(requireEnv('HUB_CONFIG')), 'HUB_CONFIG'),
    doc: documentClient(),
    tableName: requireEnv('TABLE_NAME'),
    bus: new EventBridgeBus(new EventBridgeClient({}), requireEnv('EVENT_BUS_NAME')),
    credentials: secretsManagerCredentials(new SecretsManagerClient({})),
  }));
  return cached;
}
