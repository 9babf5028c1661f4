// The hub on one machine: DynamoDB Local with the real table and stream, the same handlers as on AWS,
// an in-process bus for EventBridge, local delivery for SNS, and the HTTP APIs on one loopback address.
// With a state folder the table, the stream position and the secrets outlive the process.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { envCredentials } from '../../connectors/sdk/credentials.js';
import type { SyncProgress, SyncReport } from '../../connectors/sdk/sync.js';
import { createDispatchAlertsHandler, alertDeps } from '../../functions/dispatch-alerts.js';
import { apiDeps, createAlertsApiHandler, type AlertsApiRequest } from '../../functions/alerts-api.js';
import { createEscalateAlertsHandler } from '../../functions/escalate-alerts.js';
import { createEvaluateChangesHandler } from '../../functions/evaluate-changes.js';
import { createEvaluateSweepHandler } from '../../functions/evaluate-sweep.js';
import { createSendReplenishmentHandler } from '../../functions/send-replenishment.js';
import { hubServices, type HubServices } from '../../functions/services.js';
import { configuredSecrets, createSupplierAckHandler, nodeHttpListener } from '../../functions/supplier-ack.js';
import { createSyncConnectorHandler } from '../../functions/sync-connector.js';
import { createHubTable } from '../../shared/adapters/dynamodb/client.js';
import { TABLE_INDEXES } from '../../shared/storage/table.js';
import { EVALUATION_STREAM } from '../../shared/evaluation/changes.js';
import { alertingConfig, flushDueGroups, routeById, type Alert, type AlertPublisher } from '../../shared/alerts/index.js';
import type { HubConfig, HubConfigInput } from '../../shared/config.js';
import { systemClock, type Clock } from '../../shared/ports.js';
import type { ReplenishmentRequest } from '../../shared/replenishment/request.js';
import { LocalEventBus } from './bus.js';
import { LocalDeliveryPublisher, outboxEmailTransport, supplierOutbox } from './delivery.js';
import { LOCAL_AWS, startLocalDynamo, type LocalDynamo } from './dynamodb.js';
import { startDemo, type DemoWorld } from './demo/world.js';
import {
  ephemeralSecrets, fileStreamPositions, localSecrets, lockState, memoryStreamPositions, removeHubRecord, statePaths,
  writeDataRecord, writeHubRecord, type LocalSecrets,
} from './state.js';
import { localPush, type LocalPush } from './push.js';
import { positionRecords, StreamPoller } from './stream-poller.js';
import { CONSOLE_BASE, localConsole, type LocalConsole } from '../../console/server/local.js';

/** The hub's address unless --port says otherwise: fixed, so links in messages already sent keep working. */
export const DEFAULT_API_PORT = 4780;

/** Locally the link secret and the API token come from the state folder, under these names. */
const LINK_SECRET_ENV = 'STOCKSENTRY_LOCAL_LINK_SECRET';
const API_TOKEN_ENV = 'STOCKSENTRY_LOCAL_API_TOKEN';

export interface LocalHubOptions {
  /** A validated config; omitted, the demo retailer is started and configured. */
  config?: HubConfig;
  /** The file `config` was read from, recorded for the CLI to read again; omitted for the demo. */
  configFile?: string;
  /**
   * The state folder (.stocksentry): the table's data, the link secret and API token, the stream position, the lock
   * and, while running, hub.json. Omitted: nothing outlives the hub (tests).
   */
  stateDir?: string;
  /** With a state folder, still keep the table in memory (tests, CI). */
  inMemory?: boolean;
  /** The outbox; each run writes into a folder of its own under it, named by the time it started. */
  outbox: string;
  /** Reuse a running DynamoDB Local (tests); omitted, one is started on the state folder (or in memory). */
  dynamoEndpoint?: string;
  dynamoPort?: number;
  /** Port of the hub's HTTP address (alerts API, supplier API, ack links); 0 or omitted: any free port. */
  apiPort?: number;
  clock?: Clock;
  /** Demo size (SKUs). */
  demoSkus?: number;
  /** Adjusts the demo's hub.config before it is validated. */
  configureDemo?: (config: HubConfigInput) => HubConfigInput;
  /** The hub table's name; omitted, `<config.name>-<config.stage>` (tests sharing one DynamoDB Local pass their own). */
  tableName?: string;
  log?: (line: string) => void;
  /** Where each sync is, while it runs. */
  progress?: (progress: SyncProgress) => void;
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
  /** Where the alerts API, the supplier API and the links in messages are served. */
  apiUrl: string;
  /** The bearer token the alerts API takes (kept in the state folder). */
  apiToken: string;
  /** The console's address with the admin's token (open it in a browser). */
  consoleUrl: string;
  console: LocalConsole;
  dynamoEndpoint: string;
  tableName: string;
  /** This run's folder under the outbox. */
  outboxDir: string;
  /** False when the table lives only as long as the hub. */
  persistent: boolean;
  demo?: DemoWorld;
  /** The push API under `${apiUrl}/push/` (stock movements, sensor readings, shop webhooks). */
  push: LocalPush;
  /** Syncs every connector once and runs everything that follows until the hub is quiet. */
  runOnce(): Promise<RunReport>;
  /** Re-reads the stream and the bus until nothing moves (after an outside change). */
  settle(): Promise<number>;
  /** One scheduled sync; returns a one-line account. */
  syncConnector(name: string): Promise<string>;
  /** The scheduled evaluation sweep; returns a one-line account. */
  sweep(): Promise<string>;
  /** The every-minute alert work: escalations and notification groups that are due; a one-line account, '' if none. */
  escalate(): Promise<string>;
  stop(): Promise<void>;
}

/** This run's folder under the outbox: named by its start time, so earlier runs' messages stay where they are. */
function runFolder(outbox: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
  for (let n = 1; ; n++) {
    const dir = path.join(outbox, n === 1 ? stamp : `${stamp}-${n}`);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      return dir;
    }
  }
}

/** Locally the hub is the address in links and its API takes the hub's own token, whatever `alerting` says for AWS. */
function withLocalAlerting(config: HubConfig, apiUrl: string): HubConfig {
  const local = alertingConfig.parse({
    ackLinks: { baseUrl: apiUrl, secret: { env: LINK_SECRET_ENV } },
    api: { auth: 'bearer', bearerToken: { env: API_TOKEN_ENV } },
  });
  const own = config.alerting ?? alertingConfig.parse({});
  return { ...config, alerting: { ...own, ackLinks: { ...local.ackLinks!, ttl: own.ackLinks?.ttl ?? local.ackLinks!.ttl }, api: local.api } };
}

/** One job at a time: syncs, sweeps, settles and API-triggered work never interleave on the table and the bus. */
function serially() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** A node:http request as the alerts API's API Gateway (payload v2) event. */
async function alertsRequest(req: http.IncomingMessage): Promise<AlertsApiRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://local');
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
  return {
    rawPath: url.pathname, rawQueryString: url.search.slice(1), headers, queryStringParameters: Object.fromEntries(url.searchParams),
    body: Buffer.concat(chunks).toString('utf8'), requestContext: { http: { method: req.method ?? 'GET', path: url.pathname } },
  };
}

export async function startLocalHub(options: LocalHubOptions): Promise<LocalHub> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const { stateDir } = options;
    const persistent = Boolean(stateDir && !options.inMemory && !options.dynamoEndpoint);
    if (stateDir) {
      const lock = lockState(stateDir, 'stocksentry start');
      stops.push(async () => lock.release());
    }
    const secrets: LocalSecrets = stateDir ? localSecrets(stateDir) : ephemeralSecrets();

    let dynamo: LocalDynamo | undefined;
    if (!options.dynamoEndpoint) {
      const dataDir = persistent ? statePaths(stateDir!).dynamoData : undefined;
      log(dataDir ? `Starting DynamoDB Local (data in ${path.relative(process.cwd(), dataDir) || dataDir})…` : 'Starting DynamoDB Local (in memory)…');
      dynamo = await startLocalDynamo({ port: options.dynamoPort, dataDir });
      stops.push(() => dynamo!.stop());
    }
    const endpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
    const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const streams = new DynamoDBStreamsClient({ endpoint, ...LOCAL_AWS });
    stops.push(async () => { client.destroy(); streams.destroy(); });

    const outboxDir = runFolder(options.outbox, clock.now());
    const deadLetterDir = path.join(outboxDir, 'dead-letter');
    const deadLetter = async (kind: string, payload: unknown, reason: string) => {
      await mkdir(deadLetterDir, { recursive: true });
      await writeFile(path.join(deadLetterDir, `${kind}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`), JSON.stringify({ reason, payload }, null, 2));
    };
    const bus = new LocalEventBus((event, reason) => deadLetter('event', event, reason));
    const queue = serially();

    // The APIs listen before the config is final: ack links and the supplier desk need their URL. One address serves
    // every route; the first matching prefix answers (the console mounts under /console).
    type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
    const routes: { prefix: string; listener: Listener }[] = [];
    const api = http.createServer((req, res) => {
      const route = routes.find((r) => (req.url ?? '/').startsWith(r.prefix));
      if (route) route.listener(req, res);
      else res.writeHead(503).end();
    });
    await new Promise<void>((resolve, reject) => {
      api.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
        ? new Error(`Port ${options.apiPort} is in use, so the hub cannot serve its API there. Stop whatever holds it, or choose another with --port (links in messages sent from the old address stop working).`)
        : error));
      api.listen(options.apiPort ?? 0, '127.0.0.1', resolve);
    });
    stops.push(() => new Promise<void>((resolve) => { api.close(() => resolve()); api.closeAllConnections(); }));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    let demo: DemoWorld | undefined;
    let config = options.config;
    if (!config) {
      demo = await startDemo({ apiUrl, clock, skus: options.demoSkus, configure: options.configureDemo });
      stops.push(() => demo!.stop());
      config = demo.config;
      log(`Demo sources: fake Shopify ${demo.shopify.url}, fake Odoo ${demo.odoo.url}, supplier desk ${demo.partner.url}`);
    }
    config = withLocalAlerting(config, apiUrl);

    const tableName = options.tableName ?? `${config.name}-${config.stage}`;
    const streamArn = await openHubTable(client, tableName, stateDir);
    const credentials = envCredentials({ ...process.env, [LINK_SECRET_ENV]: secrets.linkSecret, [API_TOKEN_ENV]: secrets.apiToken });
    const services = hubServices({ config, doc, tableName, bus, clock, credentials });
    const delivery = new LocalDeliveryPublisher({ outboxDir, clock });
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

    const syncHandler = createSyncConnectorHandler(async () => services, { progress: options.progress });
    const sync = (connector: string) => syncHandler({ connector }, lambdaContext(`sync-${connector}`));
    const evaluateChangesHandler = createEvaluateChangesHandler(async () => services);
    const evaluateChanges = (event: DynamoDBStreamEvent) => evaluateChangesHandler(event, lambdaContext('evaluate-changes'));
    const dispatchAlerts = createDispatchAlertsHandler(async () => alerts);
    const escalateAlerts = createEscalateAlertsHandler(async () => alerts);
    const sendReplenishment = createSendReplenishmentHandler({
      ...services.replenishment,
      transports: { email: outboxEmailTransport(outboxDir, clock) },
      record: supplierOutbox(outboxDir, clock),
      secretFor: async (supplier) => {
        const ref = config.suppliers.find((s) => s.id === supplier.id)?.secret;
        return ref ? services.credentials(ref) : undefined;
      },
      retry: { attempts: 3, baseDelayMs: 200 },
      ...(config.replenishment.fromEmail ? { fromEmail: config.replenishment.fromEmail } : {}),
    });
    bus.subscribe(['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved', 'SupplierFinding', 'ReplenishmentApprovalRequested'], (e) => dispatchAlerts(e));
    bus.subscribe(['ReplenishmentRequested'], (e) => sendReplenishment(e));

    const poller = new StreamPoller({
      client: streams, streamArn, handler: evaluateChanges,
      // As the stack's event source mapping: only position items, its batch size, its batches of a shard at once.
      filter: positionRecords, batchSize: EVALUATION_STREAM.batchSize, parallelization: EVALUATION_STREAM.parallelization,
      onDeadLetter: (records, reason) => deadLetter('stream', records, reason),
      positions: persistent ? fileStreamPositions(stateDir!, streamArn) : memoryStreamPositions(),
    });

    const settleNow = async (): Promise<number> => {
      let moved = 0;
      for (;;) {
        const records = await poller.drain();
        const events = await bus.drain();
        await demo?.partner.settled();
        moved += records + events;
        if (records === 0 && events === 0) return moved;
      }
    };
    // What a request changed (an acknowledgement, a supplier's ack) flows on at once, as the stream and bus do on AWS.
    let settleQueued = false;
    const settleSoon = () => {
      if (settleQueued || stopping) return;
      settleQueued = true;
      queue(async () => { settleQueued = false; if (!stopping) await settleNow(); })
        .catch((error: unknown) => { if (!stopping) log(`Handling a request's changes failed: ${(error as Error).message}`); });
    };
    const afterChange = (listener: Listener): Listener => (req, res) => {
      if (req.method !== 'GET') res.once('finish', settleSoon);
      listener(req, res);
    };

    const supplierAck = createSupplierAckHandler({
      ...services.replenishment, inventory: services.store,
      secretsFor: configuredSecrets(config, services.credentials),
    });
    const alertsApi = createAlertsApiHandler(apiDeps(alerts));
    const supplierListener = afterChange(nodeHttpListener(supplierAck));
    const alertsListener = afterChange((req, res) => {
      alertsRequest(req).then(alertsApi).then((out) => res.writeHead(out.statusCode, out.headers).end(out.body), (error: unknown) => res.writeHead(500).end(String(error)));
    });
    // The console and its API share the address under /console/ (console/server/local.ts). Its tokens derive from the
    // state folder's API token, so a console address printed once keeps working after a restart.
    const consoleApp = localConsole({
      secret: createHmac('sha256', secrets.apiToken).update('console').digest('base64url'), console: config.console,
      deps: { ...services, bus }, onError: (error) => log(`console: ${error instanceof Error ? error.stack : String(error)}`),
    });
    const consoleListener = afterChange((req, res) => { if (!consoleApp.handle(req, res)) res.writeHead(404).end(); });
    // The push API (infra/local/push.ts) applies and then drains the stream and bus itself, in the hub's job queue.
    const push = localPush({ services, settle: () => queue(settleNow), log });
    routes.push(
      { prefix: '/push/', listener: push.listener },
      { prefix: CONSOLE_BASE, listener: consoleListener },
      { prefix: '/suppliers/', listener: supplierListener }, { prefix: '/receipts/', listener: supplierListener }, { prefix: '/', listener: alertsListener },
    );
    const consoleUrl = `${apiUrl}${CONSOLE_BASE}/?token=${consoleApp.token()}`;

    const runOnce = async (): Promise<RunReport> => {
      const syncs: SyncReport[] = [];
      for (const connector of config.connectors) {
        log(`Syncing ${connector.name} (${connector.type})…`);
        syncs.push(await sync(connector.name));
      }
      const streamBefore = poller.stats.records;
      await settleNow();
      // A one-shot run does not wait out group_wait: notifications pending in groups go out now.
      const waited = new Date(clock.now().getTime() + routeById(alerts.settings.route, 'root')!.groupWait + 1);
      const flushed = await flushDueGroups({ ...alerts, now: clock.now(), dueBy: waited, links: alerts.secrets.links });
      await settleNow();
      return {
        syncs,
        streamRecords: poller.stats.records - streamBefore,
        openAlerts: await alerts.store.listAlerts({ states: ['open', 'escalated', 'acknowledged'] }),
        notifications: { ...delivered, failed: flushed.failed.length },
        requests: (await Promise.all(config.suppliers.map((s) => services.replenishment.requests.listBySupplier(s.id)))).flat(),
      };
    };

    const sweepRun = createEvaluateSweepHandler(async () => services).runInProcess;
    const syncConnector = async (name: string) => {
      const r = await sync(name);
      return r.streams.map((s) => `${s.name} ${s.written} written/${s.read} read${s.quarantined ? `/${s.quarantined} quarantined` : ''}${s.drift ? `/drift ${s.drift.positions} positions ${s.drift.units} units` : ''}`).join(', ');
    };
    const sweep = async () => {
      const r = await sweepRun();
      return `${r.evaluated} positions evaluated, ${r.findings} findings, ${r.positionsAtRisk} at risk, ${r.stockouts} out of stock, overstock ${Math.round(r.overstockValue)} tied up`;
    };
    const escalate = async () => {
      const r = await escalateAlerts();
      return r.escalated + r.sent + r.failed === 0 ? '' : `${r.escalated} escalated, ${r.sent} notifications sent${r.failed ? `, ${r.failed} failed` : ''}`;
    };

    const configFile = options.config ? (options.configFile ?? null) : null;
    if (stateDir) {
      if (persistent) writeDataRecord(stateDir, { tableName, config: configFile });
      writeHubRecord(stateDir, {
        pid: process.pid, startedAt: clock.now().toISOString(), dynamoEndpoint: endpoint, tableName, apiUrl, consoleUrl,
        outboxDir, config: configFile, inMemory: !persistent,
      });
      stops.push(async () => removeHubRecord(stateDir));
    }
    // Stopping lets what was pushed so far reach the table and flow on first.
    stops.push(() => push.idle());
    return {
      services, apiUrl, apiToken: secrets.apiToken, consoleUrl, console: consoleApp, dynamoEndpoint: endpoint, tableName, outboxDir, persistent, demo, push,
      runOnce: () => queue(runOnce),
      settle: () => queue(settleNow),
      syncConnector: (name) => queue(() => syncConnector(name)),
      sweep: () => queue(sweep),
      escalate: () => queue(escalate),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The hub table: created on first start, opened as it is afterwards (that is what persists). A table from an older
 * version without an index the code queries is an error with the way out, not wrong answers.
 */
async function openHubTable(client: DynamoDBClient, tableName: string, stateDir: string | undefined): Promise<string> {
  const created = await createHubTable(client, tableName);
  if (created) return created;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const indexes = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = TABLE_INDEXES.map((i) => i.indexName).filter((name) => !indexes.has(name));
  const reset = stateDir ? `run \`stocksentry reset --state-dir ${stateDir}\` to start over` : 'use a fresh table';
  if (missing.length) throw new Error(`Table ${tableName} was created by an older StockSentry (no index ${missing.join(', ')}); ${reset}.`);
  if (!Table?.LatestStreamArn) throw new Error(`Table ${tableName} has no stream; ${reset}.`);
  return Table.LatestStreamArn;
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
