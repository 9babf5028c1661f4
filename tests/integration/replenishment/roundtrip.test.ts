import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { DynamoRequestStore } from '../../../shared/adapters/dynamodb/request-store.js';
import type { Item } from '../../../shared/model.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../../shared/replenishment/config.js';
import { planReplenishment, sweepOverdueAcks, type ReplenishmentDeps } from '../../../shared/replenishment/service.js';
import { canonicalOrder, type CanonicalOrder } from '../../../shared/replenishment/wire.js';
import { createSupplierAckHandler, nodeHttpListener } from '../../../functions/supplier-ack.js';
import { createSendReplenishmentHandler, sendReplenishment, type SendDeps } from '../../../functions/send-replenishment.js';
import { DeliveryError } from '../../../connectors/outbound/deliver.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const SECRET = 'whsec_roundtrip';
const items = new Map<string, Item>([['SKU-A', { sku: 'SKU-A', unitCost: 2.5, packSize: 12 }], ['SKU-B', { sku: 'SKU-B', unitCost: 4, packSize: 1 }]]);
const config = replenishmentConfig.parse({ buyerId: 'acme', approval: { autoApproveBelow: 10_000 }, ackSlaHours: 24 });

let table: TestTable;
let clockNow = new Date('2026-05-04T08:00:00Z');
const clock = { now: () => clockNow };
const servers: Server[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});
/** The supplier's own check, written from the documented header format (not with shared/signing.ts). */
function supplierVerifies(body: string, header: string | undefined): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', SECRET).update(`${parts['t']}.${body}`).digest();
  const given = Buffer.from(parts['v1'] ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
const signed = (body: string) => {
  const t = Math.floor(clockNow.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;
};

beforeAll(async () => { table = await createTestTable(); });
afterAll(async () => { await Promise.all(servers.map((s) => new Promise((r) => s.close(r)))); });

describe('a signed webhook request, acknowledged back', () => {
  it('the supplier receives the signed order, acks with a promised date, and the position shows the inbound', async () => {
    const requests = new DynamoRequestStore(table.doc, table.tableName);
    const inventory = new DynamoInventoryStore(table.doc, table.tableName);
    const suppliers = new Map<string, ReplenishmentSupplier>();
    const deps: ReplenishmentDeps = { requests, clock, config, suppliers };
    const ackApi = await listen(nodeHttpListener(createSupplierAckHandler({ ...deps, inventory, secretsFor: async (id) => (id === 'sup-web' ? [SECRET] : []) })));

    const received: CanonicalOrder[] = [];
    const acks: Promise<Response>[] = [];
    const supplierUrl = await listen(async (req, res) => {
      const body = await readBody(req);
      if (!supplierVerifies(body, req.headers['stocksentry-signature'] as string | undefined)) return res.writeHead(401).end('bad signature');
      const order = canonicalOrder.parse(JSON.parse(body));
      received.push(order);
      res.writeHead(202).end();
      // Like a real supplier system: acknowledge later, on its own connection.
      const ack = JSON.stringify({ type: 'ack', messageId: `ack-${order.poNumber}-${order.revision}`, poNumber: order.poNumber, revision: order.revision, status: 'accepted', promisedDate: '2026-05-08' });
      acks.push(fetch(`${ackApi}/suppliers/sup-web/acks`, { method: 'POST', body: ack, headers: { 'content-type': 'application/json', 'stocksentry-signature': signed(ack) } }));
    });
    suppliers.set('sup-web', { id: 'sup-web', leadTimeDays: 4, format: 'json', endpoint: `${supplierUrl}/orders` });

    await inventory.upsertPositions('shop', [{ sku: 'SKU-A', locationId: 'store-1', onHand: 3 }], clockNow);
    const planned = await planReplenishment(deps, [{ sku: 'SKU-A', location: 'store-1', replenish: { qty: 20, supplierId: 'sup-web', needBy: '2026-05-09' } }], items);
    const event = planned.events.find((e) => e.detailType === 'ReplenishmentRequested');
    expect(event).toBeDefined();

    const send = createSendReplenishmentHandler({ ...deps, transports: {}, secretFor: async () => SECRET });
    const outcome = await send({ 'detail-type': 'ReplenishmentRequested', detail: event!.detail } as Parameters<typeof send>[0]);
    expect(outcome).toEqual({ status: 'sent', revision: 1, attempts: 1 });
    expect(received.map((o) => [o.poNumber, o.lines[0]?.qty])).toEqual([['sup-web|store-1|2026-05-04', '24']]);

    const ackResponse = await acks[0]!;
    expect(ackResponse.status).toBe(200);
    const position = await inventory.getPosition('SKU-A', 'store-1');
    expect(position?.inbound).toEqual([expect.objectContaining({ qty: 24, eta: '2026-05-08', supplierId: 'sup-web', ref: 'req:sup-web|store-1|2026-05-04#1' })]);
    expect(position?.onHand).toBe(3);

    // The same event delivered twice by the bus sends nothing more.
    expect(await send({ 'detail-type': 'ReplenishmentRequested', detail: event!.detail } as Parameters<typeof send>[0])).toMatchObject({ status: 'skipped' });
    expect(received).toHaveLength(1);
  });
});

describe('send-replenishment delivery', () => {
  const setup = async (supplierId: string, respond: (attempt: number) => number) => {
    let attempt = 0;
    const url = await listen(async (req, res) => { await readBody(req); res.writeHead(respond(++attempt)).end(); });
    const suppliers = new Map<string, ReplenishmentSupplier>([[supplierId, { id: supplierId, leadTimeDays: 4, format: 'json', endpoint: url }]]);
    const requests = new DynamoRequestStore(table.doc, table.tableName);
    const waits: number[] = [];
    const deps: SendDeps = { requests, clock, config, suppliers, transports: {}, secretFor: async () => SECRET, retry: { attempts: 4, baseDelayMs: 100, sleep: async (ms) => { waits.push(ms); } } };
    const planned = await planReplenishment(deps, [{ sku: 'SKU-B', location: 'store-1', replenish: { qty: 3, supplierId, needBy: '2026-05-09' } }], items);
    return { deps, detail: planned.events[0]!.detail, waits, attempts: () => attempt };
  };

  it('retries 5xx with exponential backoff, then records the send', async () => {
    const { deps, detail, waits } = await setup('sup-flaky', (n) => (n < 3 ? 503 : 200));
    expect(await sendReplenishment(deps, detail)).toEqual({ status: 'sent', revision: 1, attempts: 3 });
    expect(waits).toEqual([100, 200]);
    expect(await deps.requests.get('sup-flaky|store-1|2026-05-04')).toMatchObject({ state: 'sent', sentRevision: 1, ackDueAt: '2026-05-05T08:00:00.000Z' });
  });

  it('gives up after the last attempt and throws, so the event lands in the DLQ; the request stays unsent', async () => {
    const { deps, detail, waits, attempts } = await setup('sup-down', () => 500);
    await expect(sendReplenishment(deps, detail)).rejects.toThrow(DeliveryError);
    expect(attempts()).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
    expect(await deps.requests.get('sup-down|store-1|2026-05-04')).toMatchObject({ state: 'approved' });
  });

  it('does not retry a 4xx refusal', async () => {
    const { deps, detail, attempts } = await setup('sup-picky', () => 422);
    await expect(sendReplenishment(deps, detail)).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('422') });
    expect(attempts()).toBe(1);
  });
});

describe('SLA escalation on a fake clock', () => {
  it('an unacknowledged request is re-planned to the backup supplier after the SLA, once', async () => {
    const url = await listen(async (req, res) => { await readBody(req); res.writeHead(200).end(); });
    const suppliers = new Map<string, ReplenishmentSupplier>([
      ['sup-slow', { id: 'sup-slow', leadTimeDays: 4, format: 'json', endpoint: url, backupSupplierId: 'sup-fast', ackSlaHours: 12 }],
      ['sup-fast', { id: 'sup-fast', leadTimeDays: 6, format: 'json', endpoint: url }],
    ]);
    const deps: SendDeps = { requests: new DynamoRequestStore(table.doc, table.tableName), clock, config, suppliers, transports: {}, secretFor: async () => SECRET };
    clockNow = new Date('2026-05-04T08:00:00Z');
    const planned = await planReplenishment(deps, [{ sku: 'SKU-B', location: 'store-9', replenish: { qty: 5, supplierId: 'sup-slow', needBy: '2026-05-09' } }], items);
    await sendReplenishment(deps, planned.events[0]!.detail);

    clockNow = new Date('2026-05-04T19:59:59Z');
    expect((await sweepOverdueAcks(deps)).requests).toEqual([]);

    clockNow = new Date('2026-05-04T20:00:00Z');
    const escalated = await sweepOverdueAcks(deps);
    expect(escalated.events.map((e) => e.detailType)).toEqual(['SupplierFinding', 'ReplenishmentRequested']);
    expect(escalated.events[0]?.detail).toMatchObject({ type: 'SUPPLY_GAP', supplierId: 'sup-slow', message: expect.stringContaining('not acknowledged in time') });
    expect(await deps.requests.get('sup-slow|store-9|2026-05-04')).toMatchObject({ state: 'cancelled', escalatedAt: '2026-05-04T20:00:00.000Z' });
    expect((await deps.requests.get('sup-fast|store-9|2026-05-04|replan'))?.lines.map((l) => [l.sku, l.qty])).toEqual([['SKU-B', 5]]);

    // A day later only other tests' unacknowledged requests (sharing this table) come up, not this one again.
    clockNow = new Date('2026-05-05T20:00:00Z');
    const later = await sweepOverdueAcks(deps);
    expect(later.requests.map((r) => r.idempotencyKey)).not.toContain('sup-slow|store-9|2026-05-04');
    expect(later.requests.map((r) => r.idempotencyKey)).toContain('sup-flaky|store-1|2026-05-04');
  });
});
