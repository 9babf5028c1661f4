import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { consumedBy, parseEventDetail } from '../../../events/catalog.js';
import { createDispatchAlertsHandler } from '../../../functions/dispatch-alerts.js';
import {
  AlertDeliveryError, approvalLabels, MemoryAlertStore, MemoryMessageStore, notifyApproval, smsSegments, supplierFingerprint, verifyAckToken, verifyApprovalToken,
  type AlertingConfigInput, type AlertSecrets, type EventPublisher,
} from '../../../shared/alerts/index.js';
import type { ApprovalTask } from '../../../shared/replenishment/approval.js';
import { FakeClock, RecordingPublisher, settingsFor } from './fixtures.js';

const TASK: ApprovalTask = {
  idempotencyKey: 'sup-std|store-1|2026-05-04', revision: 1, supplierId: 'sup-std', locationId: 'store-1',
  total: 720, currency: 'EUR', reason: 'total 720 is not below the auto-approve limit 500 for supplier sup-std', rule: { kind: 'total', amount: 720, limit: 500 },
  lines: [
    { sku: 'SKU-A', qty: 120, needBy: '2026-05-08', amount: 480, category: 'dairy' },
    { sku: 'SKU-B', qty: 40, needBy: '2026-05-08', amount: 240, category: 'frozen' },
  ],
  labels: { supplier: 'sup-std', location: 'store-1', category: ['dairy', 'frozen'] },
  requestedAt: '2026-05-04T08:00:00.000Z',
};

const BUYER_ROUTE: AlertingConfigInput = {
  route: {
    receiver: 'ops', groupBy: ['location'],
    routes: [
      { match: { kind: ['approval'], category: ['frozen'] }, receiver: 'regional', continue: true },
      { match: { kind: ['approval'] }, receiver: 'buyers', groupBy: ['supplier'] },
      { match: { type: ['STOCKOUT'] }, receiver: 'store-team' },
    ],
  },
};

const LINKS = { baseUrl: 'https://hub.example.com', secret: 'link-key', ttlMs: 7 * 86_400_000 };

function setup(alerting: AlertingConfigInput = BUYER_ROUTE, buyer: { phones?: boolean; locale?: 'en' | 'zh-CN' } = {}) {
  const store = new MemoryAlertStore();
  const messages = new MemoryMessageStore();
  const settings = settingsFor(alerting);
  const buyers = settings.receivers.find((r) => r.name === 'buyers')!;
  if (buyer.phones) buyers.phones = ['+4915100000009'];
  if (buyer.locale) buyers.locale = buyer.locale;
  const publisher = new RecordingPublisher();
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const withLinks = Boolean(buyer.phones);
  const notify = (task: ApprovalTask = TASK) => notifyApproval(task, { store, settings, publisher, now: clock.now(), messages, ...(withLinks ? { links: LINKS } : {}) });
  return { store, settings, publisher, clock, notify, messages };
}

describe('notifyApproval', () => {
  it('routes the task by kind, supplier, location and category, once per receiver', async () => {
    const { notify, publisher } = setup();
    expect(approvalLabels(TASK)).toEqual([
      { kind: 'approval', severity: 'info', supplier: 'sup-std', location: 'store-1', category: 'dairy' },
      { kind: 'approval', severity: 'info', supplier: 'sup-std', location: 'store-1', category: 'frozen' },
    ]);
    const report = await notify();
    expect(report).toMatchObject({ sent: 2, unrouted: [], failed: [] });
    expect(publisher.sent.map((n) => [n.receiver.name, n.kind, n.groupKey]).sort()).toEqual([
      ['buyers', 'approval', 'root.1/buyers/{supplier=sup-std}'],
      ['regional', 'approval', 'root.0/regional/{location=store-1}'],
    ]);
  });

  it('renders a message a buyer can act on, in every channel', async () => {
    const { notify, publisher } = setup();
    await notify();
    const n = publisher.sent.find((x) => x.receiver.name === 'buyers')!;
    expect(n).toMatchObject({ severity: 'info', location: 'store-1', firing: [], resolved: [], approval: TASK });
    expect(smsSegments(n.sms).segments).toBeLessThanOrEqual(2);
    expect(n.sms).toBe('StockSentry: an order from sup-std for store-1 (2 lines, €720.00) waits for your approval; see your email.');
    expect(n.email.subject).toBe('[StockSentry] Approve an order from sup-std for store-1: €720.00');
    const text = n.email.text.replace(/\n(?=[a-zA-Z€(])/g, ' ').replace(/\n {3}/g, ' ');
    expect(text).toContain('Its total of €720.00 is not below the auto-approve limit of €500.00.');
    expect(text).toContain('1. SKU-A: 120 units, €480.00, needed by Fri 8 May');
    expect(text).toContain('Total: €720.00');
    // Without links the command line decides, naming the revision shown.
    expect(n.email.text).toContain("\n$ stocksentry suppliers approve 'sup-std|store-1|2026-05-04' --revision 1 --by <you>\n");
    expect(n.email.text.split('\n').every((l) => l.length <= 76 || /https?:|^\$ stocksentry/.test(l))).toBe(true);
    expect(n.json).toMatchObject({ version: 1, kind: 'approval', receiver: 'buyers', approval: TASK, locale: 'en', text: expect.stringContaining('Approve an order from sup-std') });
  });

  it('carries signed approve and reject links bound to the revision, and a short SMS link to the same decision', async () => {
    const { notify, publisher, messages } = setup(BUYER_ROUTE, { phones: true });
    await notify({ ...TASK, revision: 3 });
    const n = publisher.sent.find((x) => x.receiver.name === 'buyers')!;
    const links = n.json.links as { approve: string; reject: string };
    const approve = verifyApprovalToken(links.approve.split('/r/')[1]!, [LINKS.secret], new Date('2026-05-04T09:00:00Z'));
    expect(approve).toMatchObject({ requestKey: TASK.idempotencyKey, revision: 3, action: 'approve', receiver: 'buyers', expiresAt: new Date('2026-05-11T08:00:00Z') });
    expect(verifyApprovalToken(links.reject.split('/r/')[1]!, [LINKS.secret], new Date('2026-05-04T09:00:00Z'))).toMatchObject({ action: 'reject', revision: 3 });
    expect(() => verifyApprovalToken(links.approve.split('/r/')[1]!, [LINKS.secret], new Date('2026-05-11T08:00:01Z'))).toThrow(/expired/);
    expect(n.email.text.replace(/\n/g, ' ')).toContain('These links work until Mon 11 May, 08:00\u00a0UTC and only for this version of the order');
    // A buyer's first message never mentions revisions: not the one shown, not the ones before it.
    expect(n.email.text).not.toMatch(/revision/i);
    expect(n.sms).toMatch(/^StockSentry: approve an order from sup-std for store-1, 2 lines, €720\.00\? Approve or reject: https:\/\/hub\.example\.com\/a\/[\w-]{34}$/);
    const smsToken = verifyAckToken(/\/a\/([\w-]{34})$/.exec(n.sms)![1]!, [LINKS.secret], new Date('2026-05-04T09:00:00Z'));
    expect(smsToken.action).toBe('approval');
    expect(await messages.getLinkSet((smsToken as { setId: string }).setId)).toMatchObject({ receiver: 'buyers', approval: { requestKey: TASK.idempotencyKey, revision: 3 } });
  });

  it('tells a buyer what changed since the version they were sent, in a new message', async () => {
    const { notify, publisher, clock } = setup();
    await notify();
    clock.advance(3 * 3_600_000);
    const grown: ApprovalTask = {
      ...TASK, revision: 3, total: 1000, lines: [{ ...TASK.lines[0]!, qty: 180, amount: 720 }, TASK.lines[1]!, { sku: 'SKU-C', qty: 8, needBy: '2026-05-09', amount: 40 }],
    };
    await notify(grown);
    const [first, second] = publisher.sent.filter((x) => x.receiver.name === 'buyers');
    expect(first!.id).not.toBe(second!.id);
    expect(second!.email.subject).toBe('[StockSentry] Changed order from sup-std for store-1 needs your approval again: €1,000.00');
    expect(second!.email.text).toContain([
      'What changed since the version sent to you on Mon 4 May, 08:00\u00a0UTC:',
      '- Added: SKU-C, 8 units, €40.00',
      '- SKU-A: 180 units instead of 120 units',
      '- Total: €1,000.00 instead of €720.00 (+39%)',
    ].join('\n'));
    expect(first!.email.text).not.toContain('What changed');
  });

  it('words the message in the receiver\'s language', async () => {
    const { notify, publisher } = setup(BUYER_ROUTE, { locale: 'zh-CN' });
    await notify();
    const n = publisher.sent.find((x) => x.receiver.name === 'buyers')!;
    expect(n.email.subject).toBe('【StockSentry】待审批：sup-std 发往 store-1 的订单，€720.00');
    expect(n.email.text).toContain('1. SKU-A：120 件，€480.00，需在 5月8日周五前到货');
    expect(smsSegments(n.sms)).toMatchObject({ encoding: 'UCS-2' });
    expect(smsSegments(n.sms).segments).toBeLessThanOrEqual(2);
  });

  it('gives a redelivered task the same notification id and a new revision a new one', async () => {
    const { notify, publisher } = setup();
    await notify();
    await notify();
    await notify({ ...TASK, revision: 2 });
    const ids = publisher.sent.filter((n) => n.receiver.name === 'buyers').map((n) => n.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('honours silences and reports a task no route takes', async () => {
    const { store, notify, publisher } = setup();
    await store.putSilence({ id: 'frozen-audit', match: { kind: ['approval'], category: ['frozen'] }, matchRe: {}, endsAt: '2026-05-05T00:00:00.000Z', comment: 'audit', createdBy: 'ann' });
    expect(await notify()).toMatchObject({ sent: 1, silenced: 1 });
    expect(publisher.sent.map((n) => n.receiver.name)).toEqual(['buyers']);
    const none = setup({ route: {} });
    expect(await none.notify()).toMatchObject({ sent: 0, unrouted: [`approval:${TASK.idempotencyKey}`] });
  });

  it('throws AlertDeliveryError when a receiver cannot be reached, so the event is retried', async () => {
    const { notify, publisher } = setup();
    publisher.failNext = 1;
    await expect(notify()).rejects.toBeInstanceOf(AlertDeliveryError);
    expect(publisher.sent).toHaveLength(1);
  });
});

const busEvent = (detailType: string, detail: unknown): EventBridgeEvent<string, unknown> => ({
  version: '0', id: 'evt-1', 'detail-type': detailType, source: 'stocksentry.replenishment', account: '1', time: '2026-05-04T08:00:00Z',
  region: 'eu-central-1', resources: [], detail,
});

describe('dispatch-alerts handler, replenishment events', () => {
  function handlerSetup() {
    const { store, settings, publisher, clock } = setup({
      route: { receiver: 'ops', groupWait: '0s', routes: [{ match: { supplier: ['sup-std'] }, receiver: 'buyers' }] },
    });
    const bus: EventPublisher = { putEvents: async () => undefined };
    const secrets: AlertSecrets = { linkSecrets: [] };
    const handler = createDispatchAlertsHandler(async () => ({ store, settings, secrets, publisher, bus, clock }));
    return { store, publisher, handler };
  }

  it('turns a SupplierFinding into the supplier alert and tells its route', async () => {
    const { store, publisher, handler } = handlerSetup();
    const detail = { type: 'SUPPLY_GAP', severity: 'critical', message: 'Supplier sup-std rejected SKU-A; no backup supplier', supplierId: 'sup-std', locationId: 'store-1' };
    expect(await handler(busEvent('SupplierFinding', detail))).toMatchObject({ sent: 1 });
    expect(await store.getAlert(supplierFingerprint('SUPPLY_GAP', 'sup-std'))).toMatchObject({ state: 'open', supplierId: 'sup-std', locationId: 'store-1' });
    expect(publisher.sent.map((n) => [n.receiver.name, n.firing.map((a) => a.type)])).toEqual([['buyers', ['SUPPLY_GAP']]]);
    expect(await handler(busEvent('SupplierFinding', detail))).toMatchObject({ sent: 0 });
    // A retry that finds the alert open but its schedule lost routes it again, so it is still told.
    store.groups.clear();
    expect(await handler(busEvent('SupplierFinding', detail))).toMatchObject({ sent: 1 });
    expect(publisher.sent).toHaveLength(2);
    await expect(handler(busEvent('SupplierFinding', { ...detail, type: 'LOW_STOCK' }))).rejects.toThrow(/must be one of LEAD_TIME_RISK, SUPPLY_GAP/);
    await expect(handler(busEvent('SupplierFinding', { ...detail, supplierId: '' }))).rejects.toThrow(/supplierId/);
  });

  it('tells the buyers about a ReplenishmentApprovalRequested', async () => {
    const { publisher, handler } = handlerSetup();
    expect(await handler(busEvent('ReplenishmentApprovalRequested', TASK))).toMatchObject({ sent: 1 });
    expect(publisher.sent.map((n) => [n.receiver.name, n.kind, n.approval?.idempotencyKey])).toEqual([['buyers', 'approval', TASK.idempotencyKey]]);
    await expect(handler(busEvent('ReplenishmentApprovalRequested', { ...TASK, lines: 'none' }))).rejects.toThrow(/ReplenishmentApprovalRequested.*lines/);
  });
});

describe('event catalog routing', () => {
  it('gives supplier findings and approval tasks to dispatch-alerts and only orders to send-replenishment', () => {
    expect(consumedBy('dispatch-alerts')).toEqual({
      sources: ['stocksentry.alerts', 'stocksentry.replenishment'],
      detailTypes: ['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved', 'ReplenishmentApprovalRequested', 'SupplierFinding'],
    });
    expect(consumedBy('send-replenishment')).toEqual({ sources: ['stocksentry.replenishment'], detailTypes: ['ReplenishmentRequested'] });
    expect(parseEventDetail('ReplenishmentApprovalRequested', TASK)).toEqual(TASK);
  });
});
