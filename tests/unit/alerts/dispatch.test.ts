import { describe, expect, it } from 'vitest';
import {
  acknowledgeAlert, AlertDeliveryError, dispatch, escalateDue, flushDueGroups, MemoryAlertStore, reconcilePosition,
  snoozeAlert, type AlertingConfigInput, type AlertEvent,
} from '../../../shared/alerts/index.js';
import { FakeClock, finding, HOUR, MIN, RecordingPublisher, settingsFor } from './fixtures.js';

function setup(alerting: AlertingConfigInput) {
  const store = new MemoryAlertStore();
  const settings = settingsFor(alerting);
  const publisher = new RecordingPublisher();
  const clock = new FakeClock(Date.parse('2026-05-04T10:00:00Z')); // Monday noon in Berlin
  const evaluate = (sku: string, locationId: string, findings: ReturnType<typeof finding>[]) =>
    reconcilePosition({ sku, locationId, findings, now: clock.now() }, { store, settings });
  const deps = () => ({ store, settings, publisher, now: clock.now() });
  const send = (events: AlertEvent[]) => dispatch(events, deps());
  const flush = () => flushDueGroups(deps());
  return { store, settings, publisher, clock, evaluate, send, flush };
}

const STORE_ROUTE: AlertingConfigInput = {
  route: { receiver: 'store-team', groupBy: ['location'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' },
};

describe('grouping', () => {
  it('waits group_wait, then sends one message listing every SKU of the store', async () => {
    const { evaluate, send, flush, publisher, clock } = setup(STORE_ROUTE);
    await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    clock.advance(10_000);
    await send(await evaluate('SKU-2', 'store-north', [finding('STOCKOUT', 'critical')]));
    await send(await evaluate('SKU-3', 'store-south', [finding('EXPIRY')]));
    expect(publisher.sent).toEqual([]);
    clock.advance(25_000);
    const report = await flush();
    expect(report.sent).toBe(1);
    clock.advance(10_000);
    await flush();
    expect(publisher.sent.map((n) => [n.groupLabels.location, n.firing.map((a) => a.sku).sort()])).toEqual([
      ['store-north', ['SKU-1', 'SKU-2']],
      ['store-south', ['SKU-3']],
    ]);
    expect(publisher.sent[0]).toMatchObject({ kind: 'firing', severity: 'critical', location: 'store-north', receiver: { name: 'store-team' } });
    // Ranked: the critical stockout first, then the warning.
    expect(publisher.sent[0]!.email.text).toMatch(/1\. \[Critical\] Out of stock: SKU-2[\s\S]*2\. \[Warning\] Low stock: SKU-1/);
  });

  it('sends a new alert in a running group after group_interval, not before', async () => {
    const { evaluate, send, flush, publisher, clock } = setup(STORE_ROUTE);
    await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    clock.advance(30_000);
    await flush();
    expect(publisher.sent).toHaveLength(1);
    clock.advance(MIN);
    await send(await evaluate('SKU-2', 'store-north', [finding('LOW_STOCK')]));
    clock.advance(3 * MIN);
    await flush();
    expect(publisher.sent).toHaveLength(1);
    clock.advance(MIN);
    await flush();
    expect(publisher.sent).toHaveLength(2);
    expect(publisher.sent[1]!.firing.map((a) => a.sku).sort()).toEqual(['SKU-1', 'SKU-2']);
  });

  it('repeats after repeat_interval while unacknowledged, and stops once acknowledged', async () => {
    const { store, evaluate, send, flush, publisher, clock } = setup(STORE_ROUTE);
    const [raised] = await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]);
    await send([raised!]);
    clock.advance(30_000);
    await flush();
    clock.advance(3 * HOUR);
    await flush();
    expect(publisher.sent).toHaveLength(1);
    clock.advance(HOUR);
    await flush();
    expect(publisher.sent.map((n) => n.kind)).toEqual(['firing', 'repeat']);
    await acknowledgeAlert({ store }, raised!.alert.fingerprint, { by: 'ann', at: clock.now() });
    clock.advance(5 * HOUR);
    await flush();
    expect(publisher.sent).toHaveLength(2);
  });

  it('does not notify again when a flapping condition reopens the same alert', async () => {
    const { evaluate, send, flush, publisher, clock } = setup({ ...STORE_ROUTE, flapWindow: '1h' });
    await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    clock.advance(30_000);
    await flush();
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * MIN);
      await send(await evaluate('SKU-1', 'store-north', []));
      clock.advance(10 * MIN);
      await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
      await flush();
    }
    expect(publisher.sent).toHaveLength(1);
  });

  it('tells receivers with send_resolved what resolved, and nobody about superseded alerts', async () => {
    const { evaluate, send, flush, publisher, clock } = setup({ route: { ...STORE_ROUTE.route, sendResolved: true, groupWait: '0s' } });
    await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    expect(publisher.sent).toHaveLength(1);
    clock.advance(10 * MIN);
    await send(await evaluate('SKU-1', 'store-north', [finding('STOCKOUT', 'critical'), finding('LOW_STOCK')]));
    expect(publisher.sent.map((n) => [n.kind, n.firing.map((a) => a.type), n.resolved.map((a) => a.type)])).toEqual([
      ['firing', ['LOW_STOCK'], []],
      ['firing', ['STOCKOUT'], []],
    ]);
    clock.advance(10 * MIN);
    await send(await evaluate('SKU-1', 'store-north', []));
    await flush();
    expect(publisher.sent[2]).toMatchObject({ kind: 'resolved', firing: [], resolved: [{ type: 'STOCKOUT', state: 'resolved' }] });
  });
});

describe('quiet times, silences and snoozes', () => {
  const NIGHT: AlertingConfigInput = {
    timeWindows: [{ name: 'night', timeZone: 'Europe/Berlin', times: [{ start: '22:00', end: '07:00' }] }],
    route: { receiver: 'store-team', groupWait: '0s', muteTimeWindows: ['night'], muteExceptSeverities: ['critical'] },
  };

  it('holds warnings during the night window but lets critical ones through, then sends the rest in the morning', async () => {
    const { evaluate, send, flush, publisher, clock } = setup(NIGHT);
    clock.advance(11 * HOUR); // 23:00 CEST
    await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    expect(publisher.sent).toHaveLength(0);
    await send(await evaluate('SKU-2', 'store-north', [finding('STOCKOUT', 'critical')]));
    expect(publisher.sent.map((n) => n.firing.map((a) => a.sku))).toEqual([['SKU-2']]);
    clock.advance(8 * HOUR + MIN); // 07:01 CEST
    await flush();
    expect(publisher.sent[1]!.firing.map((a) => a.sku).sort()).toEqual(['SKU-1', 'SKU-2']);
  });

  it('keeps silenced and snoozed alerts out of messages until the silence or snooze ends', async () => {
    const { store, evaluate, send, flush, publisher, clock } = setup({ route: { receiver: 'store-team', groupWait: '0s' } });
    await store.putSilence({ id: 'stocktake', match: { location: ['store-north'] }, matchRe: {}, endsAt: new Date(clock.now().getTime() + 2 * HOUR).toISOString(), comment: 'stocktake', createdBy: 'ann' });
    const report = await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    expect(report).toMatchObject({ sent: 0, silenced: 1 });
    const [other] = await evaluate('SKU-2', 'store-south', [finding('LOW_STOCK')]);
    await snoozeAlert({ store }, other!.alert.fingerprint, { by: 'bob', at: clock.now(), until: new Date(clock.now().getTime() + HOUR) });
    await send([other!]);
    expect(publisher.sent).toHaveLength(0);
    clock.advance(HOUR + MIN);
    await flush();
    expect(publisher.sent.map((n) => n.groupLabels.location)).toEqual(['store-south']);
    clock.advance(HOUR);
    await flush();
    expect(publisher.sent.map((n) => n.groupLabels.location)).toEqual(['store-south', 'store-north']);
  });
});

describe('escalation and failures', () => {
  it('sends an escalation straight to the step receivers', async () => {
    const { store, settings, evaluate, send, publisher, clock } = setup({
      route: { receiver: 'store-team', groupWait: '0s', escalation: 'stores' },
      escalationPolicies: [{ name: 'stores', ackDeadline: { critical: '15m' }, steps: [{ receivers: ['regional', 'ops'] }] }],
    });
    await send(await evaluate('SKU-1', 'store-north', [finding('STOCKOUT', 'critical')]));
    await send(await escalateDue({ store, settings }, clock.advance(15 * MIN)));
    expect(publisher.sent.map((n) => [n.kind, n.receiver.name])).toEqual([['firing', 'store-team'], ['escalation', 'regional'], ['escalation', 'ops']]);
    expect(publisher.sent[1]!.email.subject).toBe('[StockSentry] Escalated: SKU-1 is out of stock at store-north');
  });

  it('keeps a group due after a failed send and delivers on the next flush', async () => {
    const { evaluate, send, flush, publisher, clock } = setup({ route: { receiver: 'store-team', groupWait: '0s', groupInterval: '5m' } });
    publisher.failNext = 1;
    const report = await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    expect(report.failed).toMatchObject([{ error: 'endpoint unavailable' }]);
    clock.advance(5 * MIN);
    expect((await flush()).sent).toBe(1);
    expect(publisher.sent).toHaveLength(1);
  });

  it('throws when an escalation cannot be delivered so the trigger retries', async () => {
    const { store, settings, evaluate, send, publisher, clock } = setup({
      route: { receiver: 'store-team', groupWait: '0s', escalation: 'p' },
      escalationPolicies: [{ name: 'p', ackDeadline: { critical: '1m' }, steps: [{ receivers: ['regional'] }] }],
    });
    await send(await evaluate('SKU-1', 'store-north', [finding('STOCKOUT', 'critical')]));
    publisher.failNext = 1;
    await expect(send(await escalateDue({ store, settings }, clock.advance(MIN)))).rejects.toBeInstanceOf(AlertDeliveryError);
  });

  it('sends a group once when two flushers run at the same time', async () => {
    const { evaluate, send, flush, publisher, clock } = setup(STORE_ROUTE);
    await send(await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]));
    clock.advance(30_000);
    const reports = await Promise.all([flush(), flush(), flush()]);
    expect(reports.map((r) => r.sent).sort()).toEqual([0, 0, 1]);
    expect(publisher.sent).toHaveLength(1);
  });

  it('reports alerts no route sends anywhere', async () => {
    const { evaluate, send } = setup({ route: { routes: [{ receiver: 'buyers', match: { type: ['OVERSTOCK'] } }] } });
    const events = await evaluate('SKU-1', 'store-north', [finding('LOW_STOCK')]);
    expect((await send(events)).unrouted).toEqual([events[0]!.alert.fingerprint]);
  });
});
