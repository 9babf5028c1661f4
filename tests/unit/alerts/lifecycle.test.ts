import { describe, expect, it } from 'vitest';
import {
  acknowledgeAlert, AlertStateError, commentAlert, escalateDue, fingerprint, reconcilePosition, resolveAlert, snoozeAlert,
  MemoryAlertStore, type AlertEvent,
} from '../../../shared/alerts/index.js';
import { FakeClock, finding, HOUR, MIN, settingsFor } from './fixtures.js';

const POS = { sku: 'SKU-1', locationId: 'store-north', labels: { category: 'dairy' } };

function setup(alerting: Parameters<typeof settingsFor>[0] = {}) {
  const store = new MemoryAlertStore();
  const settings = settingsFor(alerting);
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const evaluate = (findings: ReturnType<typeof finding>[]) => reconcilePosition({ ...POS, findings, now: clock.now() }, { store, settings });
  return { store, settings, clock, evaluate };
}

const types = (events: AlertEvent[]) => events.map((e) => `${e.type}:${e.alert.type}`);

describe('reconcilePosition', () => {
  it('opens one alert per condition and stays quiet while it holds unchanged', async () => {
    const { store, evaluate, clock } = setup();
    const first = await evaluate([finding('STOCKOUT_RISK'), finding('AGEING', 'info')]);
    expect(types(first)).toEqual(['AlertRaised:STOCKOUT_RISK', 'AlertRaised:AGEING']);
    expect(first[0]!.alert).toMatchObject({ state: 'open', sku: 'SKU-1', locationId: 'store-north', labels: { category: 'dairy', location: 'store-north' } });
    clock.advance(HOUR);
    const auditBefore = store.audit.length;
    expect(await evaluate([finding('STOCKOUT_RISK'), finding('AGEING', 'info')])).toEqual([]);
    expect(store.audit.length).toBe(auditBefore);
  });

  it('updates the numbers quietly and raises again only when severity worsens', async () => {
    const { store, evaluate } = setup();
    await evaluate([finding('LOW_STOCK', 'warning', { facts: { onHand: 12 } })]);
    expect(await evaluate([finding('LOW_STOCK', 'warning', { facts: { onHand: 9 } })])).toEqual([]);
    const fp = fingerprint('LOW_STOCK', 'SKU-1', 'store-north');
    expect((await store.getAlert(fp))?.facts).toEqual({ onHand: 9 });
    const worse = await evaluate([finding('LOW_STOCK', 'critical', { facts: { onHand: 2 } })]);
    expect(types(worse)).toEqual(['AlertRaised:LOW_STOCK']);
    expect((await store.history(fp)).map((e) => e.action)).toEqual(['opened', 'updated', 'updated']);
  });

  it('resolves a cleared condition, reopens the same alert inside the flap window and opens a new one after it', async () => {
    const { store, evaluate, clock } = setup({ flapWindow: '30m' });
    const [raised] = await evaluate([finding('STOCKOUT_RISK')]);
    clock.advance(10 * MIN);
    const [resolved] = await evaluate([]);
    expect(resolved).toMatchObject({ type: 'AlertResolved', reason: 'cleared', alert: { state: 'resolved' } });
    clock.advance(20 * MIN);
    const [reopened] = await evaluate([finding('STOCKOUT_RISK')]);
    expect(reopened).toMatchObject({ type: 'AlertRaised', reopened: true, alert: { alertId: raised!.alert.alertId, reopenCount: 1 } });
    clock.advance(MIN);
    await evaluate([]);
    clock.advance(31 * MIN);
    const [fresh] = await evaluate([finding('STOCKOUT_RISK')]);
    expect(fresh).toMatchObject({ type: 'AlertRaised', reopened: false });
    expect(fresh!.alert.alertId).not.toBe(raised!.alert.alertId);
    expect(store.archived.map((a) => a.alertId)).toEqual([raised!.alert.alertId]);
  });

  it('lets STOCKOUT supersede LOW_STOCK and STOCKOUT_RISK at the same position', async () => {
    const { evaluate } = setup();
    expect(types(await evaluate([finding('LOW_STOCK')]))).toEqual(['AlertRaised:LOW_STOCK']);
    const events = await evaluate([finding('STOCKOUT', 'critical'), finding('LOW_STOCK'), finding('STOCKOUT_RISK')]);
    expect(events.map((e) => [e.type, e.alert.type, e.type === 'AlertResolved' ? e.reason : ''])).toEqual([
      ['AlertResolved', 'LOW_STOCK', 'superseded'],
      ['AlertRaised', 'STOCKOUT', ''],
    ]);
  });

  it('opens exactly one alert when two evaluators race on the same fingerprint', async () => {
    const { store, settings, clock } = setup();
    const run = () => reconcilePosition({ ...POS, findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings });
    const results = await Promise.all([run(), run()]);
    expect(results.flat()).toHaveLength(1);
    expect(store.audit.filter((e) => e.action === 'opened')).toHaveLength(1);
  });

  it('keeps a manually resolved alert closed while the condition holds, then treats its return as new', async () => {
    const { store, evaluate, clock } = setup({ flapWindow: '1h' });
    const [raised] = await evaluate([finding('DEAD_STOCK', 'info')]);
    const fp = raised!.alert.fingerprint;
    await resolveAlert({ store }, fp, { by: 'ann', at: clock.advance(MIN) });
    expect(await evaluate([finding('DEAD_STOCK', 'info')])).toEqual([]);
    clock.advance(MIN);
    expect(await evaluate([])).toEqual([]);
    expect((await store.getAlert(fp))?.clearedAt).toBe(clock.now().toISOString());
    clock.advance(MIN);
    expect(await evaluate([finding('DEAD_STOCK', 'info')])).toMatchObject([{ type: 'AlertRaised', reopened: true }]);
  });
});

describe('people acting on alerts', () => {
  it('acknowledges once, snoozes, comments and refuses to acknowledge a resolved alert', async () => {
    const { store, evaluate, clock } = setup();
    const [raised] = await evaluate([finding('EXPIRY')]);
    const fp = raised!.alert.fingerprint;
    const ack = await acknowledgeAlert({ store }, fp, { by: 'ann', at: clock.advance(5 * MIN), note: 'moving stock' });
    expect(ack.event).toMatchObject({ type: 'AlertAcknowledged', by: 'ann', alert: { state: 'acknowledged', acknowledgedBy: 'ann' } });
    expect((await acknowledgeAlert({ store }, fp, { by: 'bob', at: clock.now() })).event).toBeUndefined();
    await snoozeAlert({ store }, fp, { by: 'ann', at: clock.now(), until: new Date(clock.now().getTime() + HOUR) });
    await commentAlert({ store }, fp, { by: 'bob', at: clock.now(), note: 'called the supplier' });
    await resolveAlert({ store }, fp, { by: 'ann', at: clock.now() });
    await expect(acknowledgeAlert({ store }, fp, { by: 'ann', at: clock.now() })).rejects.toBeInstanceOf(AlertStateError);
    expect((await store.history(fp)).map((e) => `${e.action}:${e.by ?? ''}`)).toEqual(['opened:', 'acknowledged:ann', 'snoozed:ann', 'commented:bob', 'resolved:ann']);
  });
});

describe('escalateDue', () => {
  const alerting = {
    route: { routes: [{ receiver: 'store-team', escalation: 'stores' }] },
    escalationPolicies: [{ name: 'stores', ackDeadline: { critical: '15m', warning: '4h' }, steps: [{ receivers: ['regional'] }, { receivers: ['ops'] }] }],
  };

  it('escalates step by step at each severity deadline and stops after the last step', async () => {
    const { store, settings, evaluate, clock } = setup(alerting);
    await evaluate([finding('STOCKOUT', 'critical')]);
    expect(await escalateDue({ store, settings }, clock.advance(14 * MIN))).toEqual([]);
    const [first] = await escalateDue({ store, settings }, clock.advance(MIN));
    expect(first).toMatchObject({ type: 'AlertEscalated', step: 1, receivers: ['regional'], alert: { state: 'escalated' } });
    expect(await escalateDue({ store, settings }, clock.advance(14 * MIN))).toEqual([]);
    expect(await escalateDue({ store, settings }, clock.advance(MIN))).toMatchObject([{ step: 2, receivers: ['ops'] }]);
    expect(await escalateDue({ store, settings }, clock.advance(HOUR))).toEqual([]);
  });

  it('never escalates acknowledged alerts, and waits out a snooze', async () => {
    const { store, settings, evaluate, clock } = setup(alerting);
    const [a, b] = await evaluate([finding('STOCKOUT', 'critical'), finding('EXPIRY', 'warning')]);
    await acknowledgeAlert({ store }, a!.alert.fingerprint, { by: 'ann', at: clock.advance(MIN) });
    await snoozeAlert({ store }, b!.alert.fingerprint, { by: 'ann', at: clock.now(), until: new Date(clock.now().getTime() + 5 * HOUR) });
    expect(await escalateDue({ store, settings }, clock.advance(5 * HOUR))).toEqual([]);
    // The 4h deadline restarts when the snooze ends.
    expect(await escalateDue({ store, settings }, clock.advance(3 * HOUR))).toEqual([]);
    expect(await escalateDue({ store, settings }, clock.advance(HOUR + MIN))).toMatchObject([{ alert: { type: 'EXPIRY' }, step: 1 }]);
  });
});
