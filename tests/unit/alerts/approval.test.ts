import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { consumedBy, parseEventDetail } from '../../../events/catalog.js';
import { createDispatchAlertsHandler } from '../../../functions/dispatch-alerts.js';
import {
  AlertDeliveryError, approvalLabels, MemoryAlertStore, notifyApproval, supplierFingerprint, SMS_MAX,
  type AlertingConfigInput, type AlertSecrets, type EventPublisher,
} from '../../../shared/alerts/index.js';
import type { ApprovalTask } from '../../../shared/replenishment/approval.js';
import { FakeClock, RecordingPublisher, settingsFor } from './fixtures.js';

const TASK: ApprovalTask = {
  idempotencyKey: 'sup-std|store-1|2026-05-04', revision: 1, supplierId: 'sup-std', locationId: 'store-1',
  total: 720, currency: 'EUR', reason: 'total 720 is not below the auto-approve limit 500 for supplier sup-std',
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

function setup(alerting: AlertingConfigInput = BUYER_ROUTE) {
  const store = new MemoryAlertStore();
  const settings = settingsFor(alerting);
  const publisher = new RecordingPublisher();
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const notify = (task: ApprovalTask = TASK) => notifyApproval(task, { store, settings, publisher, now: clock.now() });
  return { store, settings, publisher, clock, notify };
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
    expect(n.sms.length).toBeLessThanOrEqual(SMS_MAX);
    expect(n.sms).toMatch(/^\[APPROVAL\] order sup-std -> store-1: 2 lines, 720\.00 EUR\./);
    expect(n.email.subject).toBe('[StockSentry] Approval needed: order sup-std -> store-1, 720.00 EUR');
    expect(n.email.text).toContain('* SKU SKU-A: 120 units by 2026-05-08, 480.00 EUR (dairy)');
    expect(n.email.text).toContain("stocksentry suppliers approve 'sup-std|store-1|2026-05-04' --by <you>");
    expect(n.email.text.split('\n').every((l) => l.length <= 76)).toBe(true);
    expect(n.json).toMatchObject({ version: 1, kind: 'approval', receiver: 'buyers', approval: TASK });
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
