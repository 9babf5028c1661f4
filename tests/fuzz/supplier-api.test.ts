// Edges: the supplier API (JSON acks and ship notices, cXML, goods receipts) against DynamoDB Local, signed correctly,
// so the fuzz reaches past the signature check. Bad input → 4xx with a reason and nothing written; never 5xx.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { configuredSecrets, createSupplierAckHandler, type AckApiEvent } from '../../functions/supplier-ack.js';
import { envCredentials } from '../../connectors/sdk/credentials.js';
import { DynamoInventoryStore } from '../../shared/adapters/dynamodb/inventory-store.js';
import { DynamoRequestStore } from '../../shared/adapters/dynamodb/request-store.js';
import { supplierConfig } from '../../shared/config.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../shared/replenishment/config.js';
import { newRequest } from '../../shared/replenishment/request.js';
import { createTestTable } from '../support/dynamo.js';
import { fuzzParams, hostileValue, mutated, tally } from './support.js';

const NOW = new Date('2026-05-05T09:00:00Z');
const config = replenishmentConfig.parse({ approval: { autoApproveBelow: 100_000 } });
const suppliers = new Map<string, ReplenishmentSupplier>([['sup-std', { id: 'sup-std', leadTimeDays: 5, format: 'json' }], ['sup-alt', { id: 'sup-alt', leadTimeDays: 5, format: 'cxml', cxmlIdentity: 'ALT-1' }]]);
const secretsFor = configuredSecrets({ suppliers: [supplierConfig.parse({ id: 'sup-std', leadTimeDays: 5, secret: { env: 'S' } }), supplierConfig.parse({ id: 'sup-alt', leadTimeDays: 5, secret: { env: 'A' } })], connectors: [] }, envCredentials({ S: 'sec-std', A: 'sec-alt' }));

let requests: DynamoRequestStore;
let inventory: DynamoInventoryStore;
let handler: ReturnType<typeof createSupplierAckHandler>;
let seq = 0;

beforeAll(async () => {
  const table = await createTestTable();
  requests = new DynamoRequestStore(table.doc, table.tableName);
  inventory = new DynamoInventoryStore(table.doc, table.tableName);
  handler = createSupplierAckHandler({ requests, inventory, clock: { now: () => NOW }, config, suppliers, secretsFor }, () => undefined);
});

/** A fresh sent request per input, so each input meets the same state and what it wrote is its own. */
async function seed(supplierId = 'sup-std'): Promise<string> {
  const key = `${supplierId}|store-${++seq}|2026-05-04`;
  const r = newRequest({ idempotencyKey: key, supplierId, locationId: `store-${seq}`, orderDay: '2026-05-04', lines: [
    { sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }, { sku: 'SKU-B', qty: 12, needBy: '2026-05-11', unitCost: 10 },
  ] }, { currency: 'EUR', approval: config.approval, at: new Date('2026-05-04T08:00:00Z') });
  await requests.create({ ...r, state: 'sent', sentRevision: 1, sentAt: '2026-05-04T08:00:00.000Z', ackDueAt: '2026-05-06T08:00:00.000Z' });
  return key;
}

const sign = (body: string, secret: string) => {
  const t = Math.floor(NOW.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
};
const post = (path: string, body: string, contentType: string, secret: string): AckApiEvent =>
  ({ rawPath: path, requestContext: { http: { method: 'POST' } }, body, headers: { 'content-type': contentType, 'stocksentry-signature': sign(body, secret) } });

const state = async (key: string) => ({ request: await requests.get(key), messages: await requests.listMessages(key), inbound: (await inventory.getPosition('SKU-A', key.split('|')[1]!))?.inbound ?? [] });

/** Posts one input: a 4xx must carry a reason and leave everything as it was; a 5xx is never right. */
async function check(edge: string, key: string, event: AckApiEvent): Promise<number> {
  const before = await state(key);
  const res = await handler(event);
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.body).toMatch(/message|<Status code="4\d\d" text="[A-Z_]+"/);
    expect(await state(key)).toEqual(before);
    tally(edge, 'refused');
  } else {
    tally(edge, 'accepted');
  }
  return res.statusCode;
}

const ack = (key: string) => ({ type: 'ack', messageId: `ack-${key}`, poNumber: key, status: 'changed', promisedDate: '2026-05-09',
  lines: [{ lineNo: 1, status: 'changed', confirmedQty: '20', promisedDate: '2026-05-12' }, { lineNo: 2, status: 'accepted' }] });
const notice = (key: string) => ({ type: 'shipNotice', messageId: `asn-${key}`, poNumber: key, shipDate: '2026-05-06', deliveryDate: '2026-05-08', lines: [{ lineNo: 1, qty: 24 }] });
const receipt = (key: string) => ({ receiptId: `gr-${key}`, poNumber: key, receivedOn: '2026-05-08', lines: [{ sku: 'SKU-A', qty: 24 }] });
const cxml = (key: string, qty: string, date: string) => `<?xml version="1.0" encoding="UTF-8"?><cXML payloadID="c-${key}" timestamp="2026-05-05T09:00:00Z"><Header>
<From><Credential domain="DUNS"><Identity>ALT-1</Identity></Credential></From><To><Credential domain="NetworkID"><Identity>hub</Identity></Credential></To>
<Sender><Credential domain="DUNS"><Identity>ALT-1</Identity></Credential><UserAgent>x</UserAgent></Sender></Header>
<Request><ConfirmationRequest><ConfirmationHeader type="detail" noticeDate="2026-05-05T09:00:00Z" operation="new"/><OrderReference orderID="${key}"/>
<ConfirmationItem lineNumber="1" quantity="24"><ConfirmationStatus type="accept" quantity="${qty}" deliveryDate="${date}"/></ConfirmationItem></ConfirmationRequest></Request></cXML>`;

describe('fuzz: supplier API', () => {
  it('answers mutated JSON acks, ship notices and receipts with 200 or a 4xx with a reason, writing nothing when refusing', async () => {
    const kinds = fc.constantFrom('ack', 'shipNotice', 'receipt');
    await fc.assert(fc.asyncProperty(kinds, fc.nat(), async (kind, n) => {
      const key = await seed();
      const base = kind === 'ack' ? ack(key) : kind === 'shipNotice' ? notice(key) : receipt(key);
      const [body] = fc.sample(mutated(base), { seed: n, numRuns: 1 });
      const path = kind === 'ack' ? '/suppliers/sup-std/acks' : kind === 'shipNotice' ? '/suppliers/sup-std/ship-notices' : '/receipts/sup-std';
      await check('supplier API JSON', key, post(path, JSON.stringify(body), 'application/json', 'sec-std'));
    }), fuzzParams(40));
  }, 180_000);

  it('answers cXML with hostile quantities, dates, markup and entities with 200 or a 4xx, never 5xx', async () => {
    const text = fc.oneof(hostileValue.map(String), fc.string({ maxLength: 20 }));
    const doc = fc.oneof(
      fc.tuple(text, text).map(([q, d]) => (key: string) => cxml(key, q.replace(/[<&"]/g, ''), d.replace(/[<&"]/g, ''))),
      fc.string({ maxLength: 300 }).map((junk) => () => `<?xml version="1.0"?>${junk}`),
      fc.integer({ min: 1, max: 20_000 }).map((n) => () => `<cXML>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</cXML>`),
      fc.constantFrom('<!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><cXML>&x;</cXML>', '<!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><cXML>&b;</cXML>').map((d) => () => d),
    );
    await fc.assert(fc.asyncProperty(doc, async (make) => {
      const key = await seed('sup-alt');
      await check('supplier API cXML', key, post('/suppliers/sup-alt/acks', make(key), 'text/xml', 'sec-alt'));
    }), fuzzParams(60));
  }, 120_000);

  it('answers hostile paths, methods and content types with a 4xx', async () => {
    const path = fc.oneof(fc.string({ maxLength: 40 }).map((s) => `/suppliers/${s}/acks`), fc.constantFrom('/suppliers/%E0%A4%A/acks', '/receipts/%', '/x', '/suppliers//acks'), fc.webPath());
    await fc.assert(fc.asyncProperty(path, fc.constantFrom('POST', 'GET', 'PUT'), fc.constantFrom('application/json', 'text/xml', 'text/plain', ''), async (p, method, type) => {
      const key = await seed();
      await check('supplier API paths', key, { ...post(p, JSON.stringify(ack(key)), type, 'sec-std'), requestContext: { http: { method } } });
    }), fuzzParams(25));
  }, 120_000);

  it('never refuses a valid acknowledgement within the order and its tolerance', async () => {
    const line = fc.record({ qty: fc.integer({ min: 0, max: 26 }), days: fc.integer({ min: 0, max: 366 }), asString: fc.boolean() });
    await fc.assert(fc.asyncProperty(line, async ({ qty, days, asString }) => {
      const key = await seed();
      const promised = new Date(Date.parse('2026-05-04T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
      const body = { ...ack(key), lines: [{ lineNo: 1, status: 'changed', confirmedQty: asString ? String(qty) : qty, promisedDate: promised }] };
      expect(await check('supplier API valid acks', key, post('/suppliers/sup-std/acks', JSON.stringify(body), 'application/json', 'sec-std'))).toBe(200);
    }), fuzzParams(20));
  }, 120_000);
});
