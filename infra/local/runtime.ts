// The hub on one machine: DynamoDB Local with the real table and stream, the same handlers as on AWS,
// an in-process bus for EventBridge, local delivery for SNS, and the HTTP APIs on loopback ports.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { SyncReport } from '../../connectors/sdk/sync.js';
import { createDispatchAlertsHandler, alertDeps } from '../../functions/dispatch-alerts.js';
import { createAlertsApiHandler } from '../../functions/alerts-api.js';
import { createEvaluateChangesHandler } from '../../functions/evaluate-changes.js';
import { createEvaluateSweepHandler } from '../../functions/evaluate-sweep.js';
import { createSendReplenishmentHandler } from '../../functions/send-replenishment.js';
import { hubServices, type HubServices } from '../../functions/services.js';
import { configuredSecrets, createSupplierAckHandler, nodeHttpListener } from '../../functions/supplier-ack.js';
import { createSyncConnectorHandler } from '../../functions/sync-connector.js';
import { createHubTable } from '../../shared/adapters/dynamodb/client.js';
import { flushDueGroups, routeById, type Alert, type AlertPublisher } from '../../shared/alerts/index.js';
import type { HubConfig } from '../../shared/config.js';
import { systemClock, type Clock } from '../../shared/ports.js';
import type { ReplenishmentRequest } from '../../shared/replenishment/request.js';
import { LocalEventBus } from './bus.js';
import { LocalDeliveryPublisher, outboxEmailTransport } from './delivery.js';
import { LOCAL_AWS, startLocalDynamo, type LocalDynamo } from './dynamodb.js';
import { startDemo, type DemoWorld } from './demo/world.js';
import { StreamPoller } from './stream-poller.js';
import { CONSOLE_BASE, localConsole, type LocalConsole } from '../../console/server/local.js';

export interface LocalHubOptions {
  /** A validated config; omitted, the demo retailer is started and configured. */
  config?: HubConfig;
  outboxDir: string;
  /** Reuse a running DynamoDB Local (tests); omitted, one is started in memory. */
  dynamoEndpoint?: string;
  dynamoPort?: number;
  clock?: Clock;
  /** Demo size (SKUs). */
  demoSkus?: number;
  /** The hub table's name; omitted, `<config.name>-<config.stage>` (tests sharing one DynamoDB Local pass their own). */
  tableName?: string;
  log?: (line: string) => void;
}

export interface RunReport {
  syncs: SyncReport[];
  streamRecords: number;
  openAlerts: Alert[];
  notifications: { notifications: number; emails: number; sms: number; webhooks: number; failed: number };
  requests: ReplenishmentRequest[];
}

export interface LocalHub {
  services: HubServices;
  apiUrl: string;
  /** The console's address with the admin's token (open it in a browser). */
  consoleUrl: string;
  console: LocalConsole;
  outboxDir: string;
  demo?: DemoWorld;
  /** Syncs every connector once and runs everything that follows until the hub is quiet. */
  runOnce(): Promise<RunReport>;
  /** Re-reads the stream and the bus until nothing moves (after an outside change). */
  settle(): Promise<number>;
  /** One scheduled sync; returns a one-line account. */
  syncConnector(name: string): Promise<string>;
  /** The scheduled evaluation sweep; returns a one-line account. */
  sweep(): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalHub(options: LocalHubOptions): Promise<LocalHub> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => { for (const stop of stops.reverse()) await stop().catch(() => undefined); };
  try {
    let dynamo: LocalDynamo | undefined;
    if (!options.dynamoEndpoint) {
      log('Starting DynamoDB Local (in memory)…');
      dynamo = await startLocalDynamo({ port: options.dynamoPort });
      stops.push(() => dynamo!.stop());
    }
    const endpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
    const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const streams = new DynamoDBStreamsClient({ endpoint, ...LOCAL_AWS });
    stops.push(async () => { client.destroy(); streams.destroy(); });

    const deadLetterDir = path.join(options.outboxDir, 'dead-letter');
    const deadLetter = async (kind: string, payload: unknown, reason: string) => {
      await mkdir(deadLetterDir, { recursive: true });
      await writeFile(path.join(deadLetterDir, `${kind}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`), JSON.stringify({ reason, payload }, null, 2));
    };
    const bus = new LocalEventBus((event, reason) => deadLetter('event', event, reason));

    // The APIs listen before the config is final: ack links and the supplier desk need their URLs.
    let apiHandler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.writeHead(503).end();
    const api = http.createServer((req, res) => apiHandler(req, res));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => api.close(() => resolve())));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    let demo: DemoWorld | undefined;
    let config = options.config;
    if (!config) {
      demo = await startDemo({ apiUrl, clock, skus: options.demoSkus });
      stops.push(() => demo!.stop());
      config = demo.config;
      log(`Demo sources: fake Shopify ${demo.shopify.url}, fake Odoo ${demo.odoo.url}, supplier desk ${demo.partner.url}`);
    }

    const tableName = options.tableName ?? `${config.name}-${config.stage}`;
    const streamArn = await createHubTable(client, tableName);
    if (!streamArn) throw new Error(`Table ${tableName} already exists on ${endpoint}; use a fresh DynamoDB Local or another stage name.`);
    const services = hubServices({ config, doc, tableName, bus, clock });
    const delivery = new LocalDeliveryPublisher({ outboxDir: options.outboxDir, clock });
    const delivered = { notifications: 0, emails: 0, sms: 0, webhooks: 0 };
    const publisher: AlertPublisher = {
      async publish(n) {
        await delivery.publish(n);
        delivered.notifications++;
        delivered.emails += n.receiver.emails.length ? 1 : 0;
        delivered.sms += n.receiver.phones.length;
        delivered.webhooks += n.receiver.webhooks.length;
      },
    };
    const alerts = await alertDeps(services, { publisher, bus });

    const syncHandler = createSyncConnectorHandler(async () => services);
    const sync = (connector: string) => syncHandler({ connector }, lambdaContext(`sync-${connector}`));
    const evaluateChangesHandler = createEvaluateChangesHandler(async () => services);
    const evaluateChanges = (event: DynamoDBStreamEvent) => evaluateChangesHandler(event, lambdaContext('evaluate-changes'));
    const dispatchAlerts = createDispatchAlertsHandler(async () => alerts);
    const sendReplenishment = createSendReplenishmentHandler({
      ...services.replenishment,
      transports: { email: outboxEmailTransport(options.outboxDir) },
      secretFor: async (supplier) => {
        const ref = config.suppliers.find((s) => s.id === supplier.id)?.secret;
        return ref ? services.credentials(ref) : undefined;
      },
      retry: { attempts: 3, baseDelayMs: 200 },
      ...(config.replenishment.fromEmail ? { fromEmail: config.replenishment.fromEmail } : {}),
    });
    bus.subscribe(['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved', 'SupplierFinding', 'ReplenishmentApprovalRequested'], (e) => dispatchAlerts(e));
    bus.subscribe(['ReplenishmentRequested'], (e) => sendReplenishment(e));

    const supplierAck = createSupplierAckHandler({
      ...services.replenishment, inventory: services.store,
      secretsFor: configuredSecrets(config, services.credentials),
    });
    const alertsApi = createAlertsApiHandler({ store: alerts.store, settings: alerts.settings, secrets: alerts.secrets, clock, bus });
    const supplierListener = nodeHttpListener(supplierAck);
    const alertsListener = nodeHttpListener(alertsApi as unknown as Parameters<typeof nodeHttpListener>[0]);
    // The console and its API share the port under /console/ (console/server/local.ts).
    const consoleApp = localConsole({
      secret: randomBytes(32).toString('base64url'), console: config.console,
      deps: { ...services, bus }, onError: (error) => log(`console: ${error instanceof Error ? error.stack : String(error)}`),
    });
    apiHandler = (req, res) => {
      if (consoleApp.handle(req, res)) return;
      ((req.url ?? '').startsWith('/suppliers/') || (req.url ?? '').startsWith('/receipts/') ? supplierListener : alertsListener)(req, res);
    };

    const poller = new StreamPoller({
      client: streams, streamArn, handler: evaluateChanges,
      onDeadLetter: (records, reason) => deadLetter('stream', records, reason),
    });

    const settle = async (): Promise<number> => {
      let moved = 0;
      for (;;) {
        const records = await poller.drain();
        const events = await bus.drain();
        await demo?.partner.settled();
        moved += records + events;
        if (records === 0 && events === 0) return moved;
      }
    };

    const runOnce = async (): Promise<RunReport> => {
      const syncs: SyncReport[] = [];
      for (const connector of config.connectors) {
        log(`Syncing ${connector.name} (${connector.type})…`);
        syncs.push(await sync(connector.name));
      }
      const streamBefore = poller.stats.records;
      await settle();
      // A one-shot run does not wait out group_wait: notifications pending in groups go out now.
      const waited = new Date(clock.now().getTime() + routeById(alerts.settings.route, 'root')!.groupWait + 1);
      const flushed = await flushDueGroups({ ...alerts, now: waited, links: alerts.secrets.links });
      await settle();
      return {
        syncs,
        streamRecords: poller.stats.records - streamBefore,
        openAlerts: await alerts.store.listAlerts({ states: ['open', 'escalated', 'acknowledged'] }),
        notifications: { ...delivered, failed: flushed.failed.length },
        requests: (await Promise.all(config.suppliers.map((s) => services.replenishment.requests.listBySupplier(s.id)))).flat(),
      };
    };

    const sweepHandler = createEvaluateSweepHandler(async () => services);
    const syncConnector = async (name: string) => {
      const r = await sync(name);
      return r.streams.map((s) => `${s.name} ${s.written} written/${s.read} read${s.quarantined ? `/${s.quarantined} quarantined` : ''}`).join(', ');
    };
    const sweep = async () => {
      const r = await sweepHandler({}, lambdaContext('evaluate-sweep'));
      return `${r.evaluated} positions evaluated, ${r.findings} findings, ${r.positionsAtRisk} at risk, ${r.stockouts} out of stock, overstock ${Math.round(r.overstockValue)} tied up`;
    };
    const consoleUrl = `${apiUrl}${CONSOLE_BASE}/?token=${consoleApp.token()}`;
    return { services, apiUrl, consoleUrl, console: consoleApp, outboxDir: options.outboxDir, demo, runOnce, settle, syncConnector, sweep, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The part of a Lambda context the handlers' middlewares read. */
export function lambdaContext(name: string) {
  return {
    functionName: `local-${name}`, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024', awsRequestId: `local-${Date.now()}`, logGroupName: 'local', logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 900_000,
    done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}
