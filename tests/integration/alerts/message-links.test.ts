// The links in messages, end to end on DynamoDB Local: "acknowledge all N" acknowledges exactly the N alerts of the
// message; a buyer's approve link decides only the revision they saw, and after a material change answers
// "this request changed: see revision N"; a small change is shown and decided as it is now.
import { beforeAll, describe, expect, it } from 'vitest';
import { createAlertsApiHandler, type AlertsApiRequest } from '../../../functions/alerts-api.js';
import { DynamoAlertStore } from '../../../shared/adapters/dynamodb/alert-store.js';
import { DynamoMessageStore } from '../../../shared/adapters/dynamodb/message-store.js';
import { DynamoRequestStore } from '../../../shared/adapters/dynamodb/request-store.js';
import { dispatch, notifyApproval, reconcilePosition, type AlertSecrets, type BusEntry, type Notification } from '../../../shared/alerts/index.js';
import { replenishmentConfig } from '../../../shared/replenishment/config.js';
import { planReplenishment, type ReplenishmentDeps } from '../../../shared/replenishment/service.js';
import type { ApprovalTask } from '../../../shared/replenishment/approval.js';
import type { Item } from '../../../shared/model.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { FakeClock, finding, RecordingPublisher, settingsFor } from '../../unit/alerts/fixtures.js';

const LINKS = { baseUrl: 'https://hub.example.com', secret: 'link-key', ttlMs: 7 * 86_400_000 };
const secrets: AlertSecrets = { links: LINKS, linkSecrets: [LINKS.secret] };
const settings = settingsFor({ route: { receiver: 'store-team', groupWait: '0s', routes: [{ match: { kind: ['approval'] }, receiver: 'buyers' }] } });
settings.receivers.find((r) => r.name === 'buyers')!.phones = ['+4915100000009'];
const items = new Map<string, Item>(['A', 'B', 'C'].map((s) => [`SKU-${s}`, { sku: `SKU-${s}`, name: `Product ${s}`, unitCost: 10 }]));

let table: TestTable;
let store: DynamoAlertStore;
let messages: DynamoMessageStore;
let requests: ReplenishmentDeps;
const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
const bus: BusEntry[] = [];

beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoAlertStore(table.doc, table.tableName);
  messages = new DynamoMessageStore(table.doc, table.tableName);
  requests = {
    requests: new DynamoRequestStore(table.doc, table.tableName), clock, suppliers: new Map([['sup-std', { id: 'sup-std', leadTimeDays: 5, format: 'json' }]]),
    config: replenishmentConfig.parse({ approval: { autoApproveBelow: 100 } }),
  };
});

const api = () => createAlertsApiHandler({ store, settings, secrets, clock, messages, requests, bus: { putEvents: async (e) => { bus.push(...e); } } });
const call = (method: 'GET' | 'POST', url: string, body = '', language = 'en') => api()({
  rawPath: new URL(url).pathname, body, headers: { 'accept-language': language }, requestContext: { http: { method } },
} satisfies AlertsApiRequest);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))).replace(/\s+/g, ' ');

describe('acknowledge all', () => {
  it('acknowledges exactly the alerts the message told, once', async () => {
    const publisher = new RecordingPublisher();
    const events = (await Promise.all(['SKU-A', 'SKU-B', 'SKU-C'].map((sku) =>
      reconcilePosition({ sku, locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings })))).flat();
    await dispatch(events, { store, settings, publisher, now: clock.now(), links: LINKS, messages });
    const n = publisher.sent[0]!;
    const link = /Acknowledge all 3: (\S+)$/.exec(n.sms)?.[1];
    expect(link).toBeDefined();
    // A fourth alert opened later is not part of that message and stays open.
    const [later] = await reconcilePosition({ sku: 'SKU-D', locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings });

    const page = await call('GET', link!);
    expect(text(page.body)).toContain('Acknowledge these 3 alerts?');
    expect((await store.getAlerts(events.map((e) => e.alert.fingerprint))).every((a) => a.state === 'open')).toBe(true);

    const done = await call('POST', link!);
    expect(done.statusCode).toBe(200);
    expect(text(done.body)).toContain('Acknowledged 3 alerts.');
    expect((await store.getAlerts(events.map((e) => e.alert.fingerprint))).map((a) => [a.state, a.acknowledgedBy])).toEqual(Array(3).fill(['acknowledged', 'link:store-team']));
    expect((await store.getAlert(later!.alert.fingerprint))?.state).toBe('open');
    expect(bus.filter((e) => e.detailType === 'AlertAcknowledged')).toHaveLength(3);

    expect(text((await call('POST', link!)).body)).toContain('Acknowledged 0 alerts; 3 were already acknowledged or resolved.');
    expect(text((await call('GET', link!, '', 'zh-CN,zh;q=0.9')).body)).toContain('确认这 3 条预警？');
  });
});

describe('approve and reject links', () => {
  const decision = (sku: string, qty: number) => ({ sku, location: 'store-north', replenish: { qty, supplierId: 'sup-std', needBy: '2026-05-10' } });
  async function announce(): Promise<Notification[]> {
    const publisher = new RecordingPublisher();
    const sent = bus.splice(0).filter((e) => e.detailType === 'ReplenishmentApprovalRequested');
    for (const e of sent) await notifyApproval(e.detail as unknown as ApprovalTask, { store, settings, publisher, now: clock.now(), links: LINKS, messages, items: async () => items });
    return publisher.sent;
  }
  const plan = async (...decisions: ReturnType<typeof decision>[]) => {
    const out = await planReplenishment(requests, decisions, items);
    bus.push(...out.events.map((e) => ({ source: 'stocksentry.replenishment', detailType: e.detailType, detail: e.detail as unknown as Record<string, unknown> })));
  };
  const linksOf = (n: Notification) => n.json.links as { approve: string; reject: string };

  it('decide only the revision the buyer saw; a material change sends a new message and the old link points to it', async () => {
    await plan(decision('SKU-A', 20));
    const [first] = await announce();
    expect(first!.email.subject).toBe('[StockSentry] Approve an order from sup-std for store-north: €200.00');
    const oldApprove = linksOf(first!).approve;

    clock.advance(3_600_000);
    await plan(decision('SKU-A', 20), decision('SKU-B', 10));
    const [second] = await announce();
    expect(second!.email.subject).toBe('[StockSentry] Changed order from sup-std for store-north needs your approval again: €300.00');
    expect(second!.email.text).toContain('- Added: Product B (SKU-B), 10 units, €100.00');

    const stale = await call('GET', oldApprove);
    expect(text(stale.body)).toContain('This request changed: see revision 2.');
    expect(stale.body).not.toContain('<form');
    const refused = await call('POST', oldApprove, 'revision=2');
    expect(refused.statusCode).toBe(409);
    expect(await requests.requests.get('sup-std|store-north|2026-05-04')).toMatchObject({ state: 'pending_approval', revision: 2 });

    // A small drift since (about 3%) sends no new message; the link shows it and decides the request as it is now.
    clock.advance(3_600_000);
    await plan(decision('SKU-A', 21), decision('SKU-B', 10));
    expect(await announce()).toEqual([]);
    const approve = linksOf(second!).approve;
    const page = await call('GET', approve);
    expect(text(page.body)).toContain('This order changed slightly since the message you opened: Product A (SKU-A): 21 units instead of 20 units');
    expect(page.body).toContain('name="revision" value="3"');
    const done = await call('POST', approve, 'revision=3');
    expect(text(done.body)).toContain('Approved. The order goes to sup-std now.');
    expect(await requests.requests.get('sup-std|store-north|2026-05-04')).toMatchObject({ state: 'approved', revision: 3, approval: { decidedBy: 'link:buyers' } });
    expect(bus.map((e) => e.detailType)).toEqual(['ReplenishmentRequested']);
    bus.splice(0);
    expect(text((await call('GET', linksOf(second!).reject)).body)).toContain('This order is already approved; there is nothing left to decide.');
  });

  it('a POST cannot smuggle a later revision past a material change, and the SMS link offers both decisions', async () => {
    clock.advance(86_400_000);
    await plan(decision('SKU-C', 20));
    const [n] = await announce();
    const sms = /Approve or reject: (\S+)$/.exec(n!.sms)?.[1];
    expect(sms).toMatch(/^https:\/\/hub\.example\.com\/a\/[\w-]{34}$/);
    const oldReject = linksOf(n!).reject;
    await plan(decision('SKU-C', 40));
    await announce();
    expect((await call('POST', oldReject, 'revision=2')).statusCode).toBe(409);
    // The SMS was sent for revision 1 as well: it now says what changed instead of offering buttons.
    expect(text((await call('GET', sms!)).body)).toContain('This request changed: see revision 2.');
    const [latest] = await (async () => { await plan(decision('SKU-C', 80)); return announce(); })();
    const fresh = /Approve or reject: (\S+)$/.exec(latest!.sms)![1]!;
    const page = await call('GET', fresh);
    expect(page.body.match(/<form/g)).toHaveLength(2);
    const rejected = await call('POST', fresh, 'revision=3&action=reject&reason=covered+by+a+transfer');
    expect(text(rejected.body)).toContain('Rejected. Nothing is ordered from sup-std with this request.');
    expect(await requests.requests.get('sup-std|store-north|2026-05-05')).toMatchObject({ state: 'cancelled', approval: { reason: 'covered by a transfer' } });
  });

  it('answers a forged or expired link with a page, deciding nothing', async () => {
    const forged = 'https://hub.example.com/r/AQAAAAABagGFeAZidXllcnNzdXAtc3RkfHN0b3JlLW5vcnRofDIwMjYtMDUtMDQAAAAAAAAAAAAAAAAAAAAA';
    const page = await call('POST', forged);
    expect(page.statusCode).toBe(403);
    expect(text(page.body)).toContain('This link was not issued by this hub');
  });
});
