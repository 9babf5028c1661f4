import { createHmac } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { DynamoRequestStore } from '../../../shared/adapters/dynamodb/request-store.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../../shared/replenishment/config.js';
import { newRequest, type ReplenishmentRequest } from '../../../shared/replenishment/request.js';
import { configuredSecrets, createSupplierAckHandler, type AckApiEvent } from '../../../functions/supplier-ack.js';
import { envCredentials } from '../../../connectors/sdk/credentials.js';
import { connectorConfig, supplierConfig } from '../../../shared/config.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const NOW = new Date('2026-05-05T09:00:00Z');
/** The secrets as hub.config names them: suppliers' `secret`, the ERP's receipt key apart from the token it is read with. */
const secrets = configuredSecrets({
  suppliers: [supplierConfig.parse({ id: 'sup-std', leadTimeDays: 5, secret: { env: 'SUP_STD' } }), supplierConfig.parse({ id: 'sup-alt', leadTimeDays: 8, secret: { env: 'SUP_ALT' } })],
  connectors: [connectorConfig.parse({ name: 'erp-main', type: 'odoo', endpoint: 'https://erp.example', credentials: { env: 'ERP_TOKEN' }, receiptSecret: { env: 'ERP_RECEIPTS' } })],
}, envCredentials({ SUP_STD: 'sec-std', SUP_ALT: 'sec-alt', ERP_TOKEN: 'erp-api-token', ERP_RECEIPTS: 'sec-erp' }));
const config = replenishmentConfig.parse({ approval: { autoApproveBelow: 100_000 } });
const suppliers = new Map<string, ReplenishmentSupplier>([
  ['sup-std', { id: 'sup-std', leadTimeDays: 5, format: 'json', backupSupplierId: 'sup-alt' }],
  ['sup-alt', { id: 'sup-alt', leadTimeDays: 8, format: 'cxml', cxmlIdentity: 'ALT-DUNS-1' }],
]);
const KEY = 'sup-std|store-1|2026-05-04';

let table: TestTable;
let requests: DynamoRequestStore;
let inventory: DynamoInventoryStore;
let handler: ReturnType<typeof createSupplierAckHandler>;

// Signed by hand (not with shared/signing.ts) so the test checks the wire contract.
const signature = (body: string, secret: string, at = NOW) => {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
};
const post = (path: string, body: string, opts: { secret?: string; sig?: string; contentType?: string } = {}): AckApiEvent => ({
  rawPath: path, requestContext: { http: { method: 'POST' } }, body,
  headers: { 'content-type': opts.contentType ?? 'application/json', 'stocksentry-signature': opts.sig ?? signature(body, opts.secret ?? 'sec-std') },
});
const ackBody = (over: Record<string, unknown> = {}) => JSON.stringify({ type: 'ack', messageId: 'ack-0000-0001', poNumber: KEY, status: 'accepted', promisedDate: '2026-05-09', ...over });

async function seedSent(key = KEY, supplierId = 'sup-std'): Promise<ReplenishmentRequest> {
  const r = newRequest({ idempotencyKey: key, supplierId, locationId: 'store-1', orderDay: '2026-05-04', lines: [
    { sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }, { sku: 'SKU-B', qty: 12, needBy: '2026-05-11', unitCost: 10 },
  ] }, { currency: 'EUR', approval: config.approval, at: new Date('2026-05-04T08:00:00Z') });
  const created = await requests.create({ ...r, state: 'sent', sentRevision: 1, sentAt: '2026-05-04T08:00:00.000Z', ackDueAt: '2026-05-06T08:00:00.000Z' });
  return created!;
}

async function snapshot(key = KEY) {
  return { request: await requests.get(key), messages: await requests.listMessages(key), a: (await inventory.getPosition('SKU-A', 'store-1'))?.inbound ?? [] };
}

beforeEach(async () => {
  table = await createTestTable();
  requests = new DynamoRequestStore(table.doc, table.tableName);
  inventory = new DynamoInventoryStore(table.doc, table.tableName);
  handler = createSupplierAckHandler({ requests, inventory, clock: { now: () => NOW }, config, suppliers, secretsFor: secrets });
  await inventory.upsertPositions('erp', [{ sku: 'SKU-A', locationId: 'store-1', onHand: 5, inbound: [{ qty: 50, eta: '2026-06-01', ref: 'PO-77' }] }], NOW);
});

describe('supplier-ack API', () => {
  it('a signed acceptance confirms the lines and the position shows the inbound at once', async () => {
    await seedSent();
    const res = await handler(post('/suppliers/sup-std/acks', ackBody()));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).request).toMatchObject({ poNumber: KEY, state: 'acknowledged', lines: [{ lineNo: 1, status: 'confirmed', confirmedQty: 24, promisedDate: '2026-05-09' }, { lineNo: 2, status: 'confirmed' }] });
    const position = await inventory.getPosition('SKU-A', 'store-1');
    expect(position?.inbound).toEqual(expect.arrayContaining([
      expect.objectContaining({ qty: 50, eta: '2026-06-01', ref: 'PO-77' }),
      expect.objectContaining({ qty: 24, eta: '2026-05-09', supplierId: 'sup-std', ref: `req:${KEY}#1` }),
    ]));
    expect(position?.inbound).toHaveLength(2);
    expect(position?.onHand).toBe(5);
  });

  it('a partial acceptance puts only the confirmed quantity inbound and re-plans the rest to the backup', async () => {
    await seedSent();
    const res = await handler(post('/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: '12', promisedDate: '2026-05-12' }, { lineNo: 2, status: 'rejected' }] })));
    expect(res.statusCode).toBe(200);
    expect((await inventory.getPosition('SKU-A', 'store-1'))?.inbound).toContainEqual(expect.objectContaining({ qty: 12, eta: '2026-05-12' }));
    expect((await inventory.getPosition('SKU-B', 'store-1'))?.inbound ?? []).toEqual([]);
    const backup = await requests.get('sup-alt|store-1|2026-05-04|replan');
    expect(backup).toMatchObject({ supplierId: 'sup-alt', replannedFrom: KEY, state: 'approved' });
    expect(backup?.lines.map((l) => [l.sku, l.qty])).toEqual([['SKU-A', 12], ['SKU-B', 12]]);
  });

  it('a tampered body is refused with 401 and nothing changes', async () => {
    await seedSent();
    const before = await snapshot();
    const body = ackBody();
    const res = await handler(post('/suppliers/sup-std/acks', body.replace('2026-05-09', '2026-05-30'), { sig: signature(body, 'sec-std') }));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'ACK_SIGNATURE_INVALID', message: expect.stringContaining('signature does not match') });
    expect(await snapshot()).toEqual(before);
  });

  it('another supplier\'s secret, an unknown supplier and a stale timestamp are refused', async () => {
    await seedSent();
    const before = await snapshot();
    expect((await handler(post('/suppliers/sup-std/acks', ackBody(), { secret: 'sec-alt' }))).statusCode).toBe(401);
    expect((await handler(post('/suppliers/nobody/acks', ackBody(), { secret: 'sec-std' }))).statusCode).toBe(401);
    const stale = await handler(post('/suppliers/sup-std/acks', ackBody(), { sig: signature(ackBody(), 'sec-std', new Date(NOW.getTime() - 301_000)) }));
    expect(stale.statusCode).toBe(401);
    expect(JSON.parse(stale.body).error.message).toContain('outside tolerance');
    expect(await snapshot()).toEqual(before);
  });

  it('a replayed acknowledgement is refused with 409 and changes nothing', async () => {
    await seedSent();
    const event = post('/suppliers/sup-std/acks', ackBody());
    expect((await handler(event)).statusCode).toBe(200);
    const after = await snapshot();
    const replay = await handler(event);
    expect(replay.statusCode).toBe(409);
    expect(JSON.parse(replay.body).error.code).toBe('ACK_REPLAYED');
    // Same id, new content, freshly signed: still the same message id, still refused.
    expect((await handler(post('/suppliers/sup-std/acks', ackBody({ status: 'rejected' })))).statusCode).toBe(409);
    expect(await snapshot()).toEqual(after);
  });

  it('malformed payloads get a 4xx naming the problem, and nothing changes', async () => {
    await seedSent();
    const before = await snapshot();
    const cases: [string, string, number, RegExp][] = [
      ['/suppliers/sup-std/acks', '{"type":"ack",', 400, /not valid JSON/],
      ['/suppliers/sup-std/acks', ackBody({ status: 'maybe' }), 400, /^status:/],
      ['/suppliers/sup-std/acks', ackBody({ promisedDate: '9 May' }), 400, /^promisedDate: expected a date YYYY-MM-DD/],
      ['/suppliers/sup-std/acks', ackBody({ lines: [{ lineNo: 1, status: 'changed' }] }), 400, /lines\[0\]\.confirmedQty/],
      ['/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 7, status: 'accepted' }] }), 400, /no line 7/],
      ['/suppliers/sup-std/acks', ackBody({ poNumber: 'sup-alt|store-1|2026-05-04' }), 404, /no request/],
      ['/suppliers/sup-std/ship-notices', ackBody(), 400, /takes "shipNotice" messages/],
      ['/suppliers/sup-std/orders', ackBody(), 404, /no route/],
    ];
    for (const [path, body, status, message] of cases) {
      const res = await handler(post(path, body));
      expect({ path, body, status: res.statusCode }).toEqual({ path, body, status });
      expect(JSON.parse(res.body).error.message).toMatch(message);
    }
    const xmlAsText = await handler(post('/suppliers/sup-std/acks', ackBody(), { contentType: 'text/plain' }));
    expect(xmlAsText.statusCode).toBe(415);
    expect(await snapshot()).toEqual(before);
  });

  it('takes a cXML ConfirmationRequest from its sender identity and answers in cXML', async () => {
    const key = 'sup-alt|store-1|2026-05-04';
    await seedSent(key, 'sup-alt');
    const xml = (identity: string, payloadID: string) => `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="${payloadID}" timestamp="2026-05-05T09:00:00Z"><Header>
<From><Credential domain="DUNS"><Identity>${identity}</Identity></Credential></From><To><Credential domain="NetworkID"><Identity>stocksentry</Identity></Credential></To>
<Sender><Credential domain="DUNS"><Identity>${identity}</Identity><SharedSecret>sec-alt</SharedSecret></Credential><UserAgent>ERP</UserAgent></Sender></Header>
<Request><ConfirmationRequest><ConfirmationHeader type="detail" noticeDate="2026-05-05T09:00:00Z" operation="new"/>
<OrderReference orderID="${key}"/>
<ConfirmationItem lineNumber="1" quantity="24"><ConfirmationStatus type="accept" quantity="24" deliveryDate="2026-05-13T00:00:00Z"/></ConfirmationItem>
<ConfirmationItem lineNumber="2" quantity="12"><ConfirmationStatus type="reject" quantity="12"/></ConfirmationItem>
</ConfirmationRequest></Request></cXML>`;
    const wrong = await handler(post('/suppliers/sup-alt/acks', xml('SOMEONE-ELSE', 'c-1@x'), { secret: 'sec-alt', contentType: 'text/xml' }));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('<Status code="403" text="SENDER_MISMATCH"');
    const res = await handler(post('/suppliers/sup-alt/acks', xml('ALT-DUNS-1', '1746435600.4711@erp.sup-alt.example'), { secret: 'sec-alt', contentType: 'text/xml; charset=utf-8' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<Status code="200" text="OK"/);
    expect((await requests.get(key))?.lines.map((l) => l.status)).toEqual(['confirmed', 'rejected']);
    // The document is kept for audit, without the shared secret it carried.
    const [stored] = await requests.listMessages(key);
    expect(stored?.body).toContain('<SharedSecret>[redacted]</SharedSecret>');
    expect(JSON.stringify(await table.doc.send(new ScanCommand({ TableName: table.tableName })))).not.toContain('sec-alt');
    expect((await inventory.getPosition('SKU-A', 'store-1'))?.inbound).toContainEqual(expect.objectContaining({ qty: 24, eta: '2026-05-13', supplierId: 'sup-alt' }));
  });

  it('a goods receipt closes the line, removes its inbound and records the lead time', async () => {
    await seedSent();
    await handler(post('/suppliers/sup-std/acks', ackBody()));
    const receipt = JSON.stringify({ receiptId: 'GR-1001', poNumber: KEY, receivedOn: '2026-05-10', lines: [{ sku: 'SKU-A', qty: 24 }] });
    const res = await handler(post('/receipts/erp-main', receipt, { secret: 'sec-erp' }));
    expect(res.statusCode).toBe(200);
    expect((await inventory.getPosition('SKU-A', 'store-1'))?.inbound).toEqual([expect.objectContaining({ ref: 'PO-77' })]);
    expect(await requests.listObservations('sup-std')).toEqual([expect.objectContaining({ sku: 'SKU-A', leadTimeDays: 6, onTime: false, receivedQty: 24 })]);
    expect((await handler(post('/receipts/erp-main', receipt, { secret: 'sec-erp' }))).statusCode).toBe(409);
  });

  it('takes a receipt only from the order\'s own supplier or the receiving connector\'s receipt key: another supplier gets 403 and nothing is written', async () => {
    await seedSent();
    await handler(post('/suppliers/sup-std/acks', ackBody()));
    const before = { ...(await snapshot()), observations: await requests.listObservations('sup-std'), alt: await requests.listObservations('sup-alt') };
    const receipt = (id: string) => JSON.stringify({ receiptId: id, poNumber: KEY, receivedOn: '2026-05-10', lines: [{ sku: 'SKU-A', qty: 24 }] });

    // sup-alt signs correctly with its own secret, for sup-std's order.
    const foreign = await handler(post('/receipts/sup-alt', receipt('GR-X1'), { secret: 'sec-alt' }));
    expect(foreign.statusCode).toBe(403);
    expect(JSON.parse(foreign.body).error).toMatchObject({ code: 'RECEIPT_FORBIDDEN', message: expect.stringContaining('not an order of supplier "sup-alt"') });
    // The ERP's API token is not a receipt key.
    expect((await handler(post('/receipts/erp-main', receipt('GR-X2'), { secret: 'erp-api-token' }))).statusCode).toBe(401);
    expect({ ...(await snapshot()), observations: await requests.listObservations('sup-std'), alt: await requests.listObservations('sup-alt') }).toEqual(before);

    // The owner may post its own order's receipt.
    expect((await handler(post('/receipts/sup-std', receipt('GR-X3'), { secret: 'sec-std' }))).statusCode).toBe(200);
    expect(await requests.listObservations('sup-std')).toHaveLength(1);
  });

  it('refuses confirming, shipping or receiving more than ordered beyond the tolerance, and out-of-range numbers, with 400 and nothing written', async () => {
    await seedSent();
    const before = { ...(await snapshot()), observations: await requests.listObservations('sup-std') };
    const receipt = (qty: unknown) => JSON.stringify({ receiptId: 'GR-BIG', poNumber: KEY, receivedOn: '2026-05-06', lines: [{ sku: 'SKU-A', qty }] });
    const notice = (qty: unknown) => JSON.stringify({ type: 'shipNotice', messageId: 'asn-000001', poNumber: KEY, shipDate: '2026-05-05', deliveryDate: '2026-05-07', lines: [{ lineNo: 1, qty }] });
    const cases: [string, string, RegExp][] = [
      ['/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: '1000000' }] }), /lines\[0\]\.confirmedQty: 1000000 is more than the 24 ordered on line 1 plus the 10% tolerance/],
      ['/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: 27 }] }), /27 is more than the 24 ordered/],
      ['/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: 2 ** 60 }] }), /confirmedQty: expected at most 1,000,000,000/],
      ['/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: '1e3' }] }), /confirmedQty: expected a quantity/],
      ['/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 2 ** 53 + 2, status: 'accepted' }] }), /lines\[0\]\.lineNo/],
      ['/suppliers/sup-std/acks', ackBody({ revision: 1e300 }), /^revision/],
      ['/suppliers/sup-std/ship-notices', notice(1_000_000), /lines\[0\]\.qty: 1000000 is more than the 24 ordered/],
      ['/receipts/sup-std', receipt(1_000_000), /lines\[0\]\.qty: 1000000 is more than the 24 ordered/],
    ];
    for (const [path, body, message] of cases) {
      const res = await handler(post(path, body));
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(JSON.parse(res.body).error.message).toMatch(message);
    }
    expect({ ...(await snapshot()), observations: await requests.listObservations('sup-std') }).toEqual(before);
    // Within the tolerance (24 + 10%) a supplier may confirm a little more, e.g. a full carton.
    expect((await handler(post('/suppliers/sup-std/acks', ackBody({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: 26 }] })))).statusCode).toBe(200);
  });

  it('refuses impossible and implausible dates with 400 naming the field, and writes nothing', async () => {
    await seedSent();
    await handler(post('/suppliers/sup-std/acks', ackBody({ messageId: 'ack-first-01' })));
    const before = { ...(await snapshot()), observations: await requests.listObservations('sup-std') };
    const receipt = (receivedOn: string) => JSON.stringify({ receiptId: `GR-${receivedOn}`, poNumber: KEY, receivedOn, lines: [{ sku: 'SKU-A', qty: 24 }] });
    const cases: [string, string, RegExp][] = [
      ['/suppliers/sup-std/acks', ackBody({ promisedDate: '2026-02-31' }), /^promisedDate: expected a date YYYY-MM-DD that exists in the calendar/],
      ['/suppliers/sup-std/acks', ackBody({ promisedDate: '9999-99-99' }), /^promisedDate: expected a date/],
      ['/suppliers/sup-std/acks', ackBody({ promisedDate: '2031-01-01' }), /^promisedDate: 2031-01-01 is more than 366 days after 2026-05-04/],
      ['/suppliers/sup-std/acks', ackBody({ promisedDate: '2026-04-01' }), /^promisedDate: 2026-04-01 is before 2026-05-04/],
      ['/receipts/sup-std', receipt('2031-12-31'), /^receivedOn: 2031-12-31 is more than 366 days after 2026-05-04/],
      ['/receipts/sup-std', receipt('9999-12-31'), /^receivedOn: expected a date YYYY-MM-DD that exists in the calendar/],
      ['/receipts/sup-std', receipt('2026-13-45'), /^receivedOn: expected a date/],
    ];
    for (const [path, body, message] of cases) {
      const res = await handler(post(path, body));
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(JSON.parse(res.body).error.message).toMatch(message);
    }
    expect({ ...(await snapshot()), observations: await requests.listObservations('sup-std') }).toEqual(before);
  });

  it('answers malformed input 400 with a reason (never 500 "retry later") and logs no error', async () => {
    await seedSent();
    const logged: Record<string, unknown>[] = [];
    const logging = createSupplierAckHandler({ requests, inventory, clock: { now: () => NOW }, config, suppliers, secretsFor: secrets }, (e) => logged.push(e));
    const before = await snapshot();
    const xml = (inner: string) => `<?xml version="1.0"?>${inner}`;
    const cases: [string, string, string, RegExp][] = [
      ['/suppliers/%E0%A4%A/acks', 'application/json', ackBody(), /not valid percent-encoding/],
      ['/suppliers/sup-alt/acks', 'text/xml', xml('<!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><cXML payloadID="p-1"><Header/>&x;</cXML>'), /DOCTYPE with entity declarations/],
      ['/suppliers/sup-alt/acks', 'text/xml', xml(`<cXML>${'<a>'.repeat(30_000)}${'</a>'.repeat(30_000)}</cXML>`), /XML document was refused/],
      ['/suppliers/sup-std/acks', 'application/json', `{"type":"ack","x":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, /not valid JSON|messageId/],
    ];
    for (const [path, contentType, body, message] of cases) {
      const res = await logging(post(path, body, { contentType, secret: path.includes('sup-alt') ? 'sec-alt' : 'sec-std' }));
      expect({ path, status: res.statusCode }).toEqual({ path, status: 400 });
      expect(res.body).toMatch(message);
    }
    expect(logged.filter((e) => e.level === 'error')).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('logs a real fault as an error under supplier-ack and answers 500', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const failing = { get: async () => { throw new Error('table unreachable'); } } as unknown as DynamoRequestStore;
      const broken = createSupplierAckHandler({ requests: failing, inventory, clock: { now: () => NOW }, config, suppliers, secretsFor: secrets });
      expect((await broken(post('/suppliers/sup-std/acks', ackBody()))).statusCode).toBe(500);
      expect(error).toHaveBeenCalledTimes(1);
      expect(error.mock.calls[0]).toEqual(['supplier message failed', expect.objectContaining({ code: 'INTERNAL', cause: expect.stringContaining('table unreachable') })]);
      expect((error.mock.contexts[0] as Logger).getPersistentLogAttributes()).toMatchObject({ handler: 'supplier-ack' });
    } finally {
      error.mockRestore();
    }
  });
});
