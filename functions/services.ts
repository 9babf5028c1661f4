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
import { documentClient, limitInFlight } from '../shared/adapters/dynamodb/client.js';
import { DynamoEvaluationStore } from '../shared/adapters/dynamodb/evaluation-store.js';
import { DynamoInventoryStore } from '../shared/adapters/dynamodb/inventory-store.js';
import { DynamoRequestStore } from '../shared/adapters/dynamodb/request-store.js';
import { DynamoHealthStore } from '../shared/adapters/dynamodb/health-store.js';
import { DynamoSweepStore } from '../shared/adapters/dynamodb/sweep-store.js';
import { healthSink } from '../shared/health/sink.js';
import { alertLifecycleSink, alertsSettings, type AlertsSettings, type BusEntry, type EventPublisher } from '../shared/alerts/index.js';
import { parseHubConfig, type HubConfig } from '../shared/config.js';
import type { DecisionSink, EvaluationPorts } from '../shared/evaluation/pipeline.js';
import type { Item } from '../shared/model.js';
import { systemClock, type Clock } from '../shared/ports.js';
import type { ReplenishDecision } from '../shared/replenishment/request.js';
import { planReplenishment, type ReplenishmentDeps, type ReplenishmentEvent } from '../shared/replenishment/service.js';

export interface HubServices {
  config: HubConfig;
  clock: Clock;
  doc: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoInventoryStore;
  evaluationStore: DynamoEvaluationStore;
  sweepStore: DynamoSweepStore;
  alertStore: DynamoAlertStore;
  alertSettings: AlertsSettings;
  /** Stock-health cells the console's overview reads (kept by the evaluation sink below). */
  health: DynamoHealthStore;
  replenishment: ReplenishmentDeps;
  /** Where the events of state changes go: EventBridge on AWS, the in-process bus locally. */
  bus: EventPublisher;
  /** Evaluation with both sinks, the alert lifecycle and the request planner, publishing to the bus. */
  evaluation: EvaluationPorts<BusEntry>;
  /**
   * The sweep's evaluation: alerts and stock-health contributions; a sweep writes each request once, and sets the health
   * cells once, when its segments are done.
   */
  sweepEvaluation: EvaluationPorts<BusEntry>;
  /** Writes a sweep's requests from its segments' decisions, as of the run's day. */
  planRequests: (decisions: readonly ReplenishDecision[], items: ReadonlyMap<string, Item>, now: Date) => Promise<BusEntry[]>;
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
  const { config, tableName, bus } = input;
  // Every reader and writer may start many calls together; the client overlaps at most `inFlight` of them.
  const doc = limitInFlight(input.doc, config.evaluation.inFlight);
  const clock = input.clock ?? systemClock;
  const store = new DynamoInventoryStore(doc, tableName, config.rules.historyDays);
  const evaluationStore = new DynamoEvaluationStore(doc, tableName, store);
  const sweepStore = new DynamoSweepStore(doc, tableName, evaluationStore, () => clock.now());
  const alertStore = new DynamoAlertStore(doc, tableName);
  const alertSettings = alertsSettings(config);
  const health = new DynamoHealthStore(doc, tableName);
  const requests = new DynamoRequestStore(doc, tableName);
  const suppliers = new Map(config.suppliers.map((s) => [s.id, s]));
  const replenishment: ReplenishmentDeps = { requests, clock, config: config.replenishment, suppliers };
  const lifecycle = alertLifecycleSink({ store: alertStore, settings: alertSettings });
  const alertsSink: DecisionSink<BusEntry> = {
    async accept(evaluated, now) {
      const out = await lifecycle.accept(evaluated, now);
      return { ...out, events: out.events.map(toBusEntry) };
    },
  };
  const planRequests = async (decisions: readonly ReplenishDecision[], items: ReadonlyMap<string, Item>, now: Date) => {
    // The day of the evaluation, not of the write: a sweep finishing after midnight still orders for its own day.
    const outcome = await planReplenishment({ ...replenishment, clock: { now: () => now } }, decisions, items);
    return outcome.events.map(replenishmentEntry);
  };
  const requestsSink: DecisionSink<BusEntry> = {
    async accept(evaluated, now) {
      const items = new Map(evaluated.filter((e): e is typeof e & { item: Item } => Boolean(e.item)).map((e) => [e.item.sku, e.item]));
      const decisions = evaluated.map((e) => ({ sku: e.position.sku, location: e.position.locationId, replenish: e.decision.replenish }));
      return { events: await planRequests(decisions, items, now) };
    },
  };
  const publish = (events: BusEntry[]) => bus.putEvents(events);
  return {
    config, clock, doc, tableName, store, evaluationStore, sweepStore, alertStore, alertSettings, health, replenishment, bus, planRequests,
    credentials: input.credentials ?? envCredentials(),
    evaluation: { store: evaluationStore, config, clock, sinks: [alertsSink, requestsSink, healthSink<BusEntry>(health, { cells: true })], publish },
    sweepEvaluation: { store: evaluationStore, config, clock, sinks: [alertsSink, healthSink<BusEntry>(health, { cells: false })], publish },
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
