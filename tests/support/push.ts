// A push API on loopback over a fresh test table: the local runtime's push module with the hub's services, so tests
// post real HTTP requests and read what landed in DynamoDB Local.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { envCredentials } from '../../connectors/sdk/credentials.js';
import { hubServices, type HubServices } from '../../functions/services.js';
import { LocalEventBus } from '../../infra/local/bus.js';
import { localPush, type LocalPush } from '../../infra/local/push.js';
import { parseHubConfig, type HubConfigInput } from '../../shared/config.js';
import type { Clock } from '../../shared/ports.js';
import { createTestTable, type TestTable } from './dynamo.js';

export interface PushHarness {
  url: string;
  services: HubServices;
  push: LocalPush;
  bus: LocalEventBus;
  table: TestTable;
  /** POSTs `body` to `path` (under /push/); `sign` with the hub scheme, or pass headers. */
  post(path: string, body: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startPushHarness(config: HubConfigInput, options: { clock: Clock; env: Record<string, string> }): Promise<PushHarness> {
  const table = await createTestTable();
  const bus = new LocalEventBus(async () => undefined);
  const services = hubServices({ config: parseHubConfig(config), doc: table.doc, tableName: table.tableName, bus, clock: options.clock, credentials: envCredentials(options.env) });
  const push = localPush({ services, settle: () => bus.drain() });
  const server = http.createServer((req, res) => push.listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, services, push, bus, table,
    async post(path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async stop() {
      await push.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      table.client.destroy();
    },
  };
}

/** The hub's signature header, computed by hand so tests check the wire contract (t=<unix s>,v1=<hex HMAC of "t.body">). */
export function hubSignature(body: string, secret: string, at: Date): Record<string, string> {
  const t = Math.floor(at.getTime() / 1000);
  return { 'stocksentry-signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` };
}
