// A cold-chain excursion end to end: temperature readings posted to the push API open a CONDITION alert on the vaccines
// in the fridge (with the lots and value at risk), it escalates when nobody acknowledges, and resolves when the fridge
// is back in range — through the same lifecycle, routes and channels as every other alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDeps, createDispatchAlertsHandler } from '../../../functions/dispatch-alerts.js';
import { createEscalateAlertsHandler } from '../../../functions/escalate-alerts.js';
import { fingerprint, type Notification } from '../../../shared/alerts/index.js';
import { hubSignature, startPushHarness, type PushHarness } from '../../support/push.js';

let now = new Date('2026-05-01T22:00:00Z');
const clock = { now: () => now };
const SECRET = 'sensor-hub-secret';
const sent: Notification[] = [];
let hub: PushHarness;
let escalate: () => Promise<unknown>;

beforeAll(async () => {
  hub = await startPushHarness({
    locations: [{ id: 'pharmacy-1', kind: 'store', timeZone: 'Europe/Berlin' }],
    replenishment: { currency: 'EUR' },
    receivers: [{ name: 'pharmacist', emails: ['pharmacy1@retailer.example'] }, { name: 'area-manager', phones: ['+4930555000099'] }],
    alerting: {
      route: { receiver: 'pharmacist', groupWait: '0s', routes: [{ match: { type: ['CONDITION'] }, receiver: 'pharmacist', escalation: 'cold-chain', sendResolved: true }] },
      escalationPolicies: [{ name: 'cold-chain', ackDeadline: { critical: '15m' }, steps: [{ receivers: ['area-manager'] }] }],
    },
    push: {
      sources: [{ name: 'sensor-hub', secret: { env: 'SENSOR_SECRET' } }],
      sensors: [{ id: 'fridge-1', locationId: 'pharmacy-1', covers: { categories: ['vaccines'] } }],
      conditions: [{ name: 'vaccines', metric: 'temperature', match: { categories: ['vaccines'] }, min: 2, max: 8, forMinutes: 10, hysteresis: 0.5 }],
    },
  }, { clock, env: { SENSOR_SECRET: SECRET } });
  const alerts = await alertDeps(hub.services, { publisher: { publish: async (n) => { sent.push(n); } }, bus: hub.bus });
  const dispatch = createDispatchAlertsHandler(async () => alerts);
  hub.bus.subscribe(['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved'], (e) => dispatch(e));
  escalate = createEscalateAlertsHandler(async () => alerts);
  const { store } = hub.services;
  await store.putItems([
    { sku: 'FLU-VAX', name: 'Flu vaccine', category: 'vaccines', unitCost: 12.5 },
    { sku: 'ASPIRIN', name: 'Aspirin 100', category: 'otc', unitCost: 2 },
  ]);
  await store.upsertPositions('erp', [
    { sku: 'FLU-VAX', locationId: 'pharmacy-1', onHand: 130, lots: [{ qty: 100, receivedAt: '2026-04-01', lotId: 'L-0401' }, { qty: 30, receivedAt: '2026-04-20', lotId: 'L-0420' }] },
    { sku: 'ASPIRIN', locationId: 'pharmacy-1', onHand: 80 },
  ], now);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
});

/** Posts temperatures (°C) taken a minute apart from `at`, then waits until they are applied and dispatched. */
async function readings(startMinute: number, values: number[]): Promise<number> {
  const body = JSON.stringify({ readings: values.map((value, i) => ({ sensorId: 'fridge-1', metric: 'temperature', value, at: new Date(Date.parse('2026-05-01T22:00:00Z') + (startMinute + i) * 60_000).toISOString() })) });
  now = new Date(Date.parse('2026-05-01T22:00:00Z') + (startMinute + values.length) * 60_000);
  const res = await hub.post('/push/readings/sensor-hub', body, hubSignature(body, SECRET, now));
  await hub.push.idle();
  return res.status;
}

const alert = () => hub.services.alertStore.getAlert(fingerprint('CONDITION', 'FLU-VAX', 'pharmacy-1'));

describe('a temperature excursion in a vaccine fridge', () => {
  it('opens no alert while the fridge is in range or only briefly out of it', async () => {
    expect(await readings(0, [5, 5.2, 9, 9.1, 6])).toBe(202);
    expect(await alert()).toBeUndefined();
  });

  it('opens CONDITION on the vaccines (not the aspirin) once out of range for ten minutes, with lots and value at risk', async () => {
    await readings(10, [8.6, 8.9, 9.2, 9.4, 9.3, 9.5, 9.6, 9.4, 9.5, 9.3, 9.4]);
    const open = await alert();
    expect(open).toMatchObject({
      state: 'open', severity: 'critical', escalationPolicy: 'cold-chain',
      facts: { sensor: 'fridge-1', max: 8, peak: 9.6, lotsAtRisk: 2, unitsAtRisk: 130, valueAtRisk: 1625, lotIds: 'L-0401, L-0420', outSince: '2026-05-01T22:10:00.000Z' },
    });
    // Local time of the pharmacy (Europe/Berlin, UTC+2 in May).
    expect(open?.message).toBe('Temperature above 8 °C at sensor fridge-1 since 00:10 (worst 9.6 °C): 2 lots, 130 units worth €1,625.00 at risk');
    expect(await hub.services.alertStore.getAlert(fingerprint('CONDITION', 'ASPIRIN', 'pharmacy-1'))).toBeUndefined();
    const email = sent.find((n) => n.kind === 'firing' && n.receiver.name === 'pharmacist');
    expect(email?.email.text).toContain('Storage conditions');
    expect(email?.email.text).toContain('FLU-VAX');
  });

  it('escalates to the area manager when nobody acknowledges within 15 minutes', async () => {
    now = new Date(Date.parse('2026-05-01T22:21:00Z') + 16 * 60_000);
    await escalate();
    await hub.bus.drain();
    expect((await alert())?.state).toBe('escalated');
    expect(sent.some((n) => n.kind === 'escalation' && n.receiver.name === 'area-manager' && n.sms.includes('Flu vaccine'))).toBe(true);
  });

  it('stays open while the temperature hovers just inside the limit, and resolves once back inside by the hysteresis', async () => {
    await readings(40, [7.9, 7.8]);
    expect((await alert())?.state).toBe('escalated');
    await readings(42, [6.5]);
    expect((await alert())).toMatchObject({ state: 'resolved', resolution: 'cleared' });
    expect(sent.some((n) => n.kind === 'resolved' && n.resolved.some((a) => a.sku === 'FLU-VAX'))).toBe(true);
  });

  it('ignores a late reading older than the ones already taken into account', async () => {
    await readings(20, [12]);
    expect((await alert())?.state).toBe('resolved');
  });
});
