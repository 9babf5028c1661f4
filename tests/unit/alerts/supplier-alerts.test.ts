import { describe, expect, it } from 'vitest';
import {
  buildNotification, computeAlertStats, dispatch, flushDueGroups, MemoryAlertStore, reconcilePosition, reconcileSupplier, supplierFingerprint,
  SupplierFindingTypeError, type AlertEvent, type AlertingConfigInput, type SupplierFindings,
} from '../../../shared/alerts/index.js';
import { FakeClock, finding, HOUR, MIN, RecordingPublisher, settingsFor } from './fixtures.js';

const LATE = finding('LEAD_TIME_RISK', 'warning', { message: 'Supplier acme delivers 4 days later than quoted on average', facts: { lateDays: 4 } });
const GAP = finding('SUPPLY_GAP', 'critical', {
  message: 'Supplier acme rejected the order and there is no backup supplier',
  facts: { supplierId: 'acme', locationId: 'store-north', requestKey: 'acme|store-north|2026-05-04', units: 40, lines: 2, reason: 'rejected' },
});

function setup(alerting: AlertingConfigInput = {}) {
  const store = new MemoryAlertStore();
  const settings = settingsFor(alerting);
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const report = (findings: SupplierFindings['findings'], extra: Partial<SupplierFindings> = {}) =>
    reconcileSupplier({ supplierId: 'acme', findings, now: clock.now(), ...extra }, { store, settings });
  return { store, settings, clock, report };
}

const summary = (events: AlertEvent[]) => events.map((e) => `${e.type}:${e.alert.type}`);

describe('reconcileSupplier', () => {
  it('opens one alert per rule and supplier, labelled with the supplier and the location, without a SKU', async () => {
    const { report } = setup();
    const [raised] = await report([LATE], { locationId: 'store-north', labels: { category: 'dairy' } });
    expect(raised).toMatchObject({
      type: 'AlertRaised', reopened: false,
      alert: {
        fingerprint: supplierFingerprint('LEAD_TIME_RISK', 'acme'), supplierId: 'acme', sku: '', locationId: 'store-north', state: 'open',
        labels: { type: 'LEAD_TIME_RISK', severity: 'warning', supplier: 'acme', location: 'store-north', category: 'dairy' },
      },
    });
    expect(raised!.alert.labels).not.toHaveProperty('sku');
    expect(supplierFingerprint('LEAD_TIME_RISK', 'acme')).not.toBe(supplierFingerprint('LEAD_TIME_RISK', 'other'));
    expect(supplierFingerprint('LEAD_TIME_RISK', 'acme')).not.toBe(supplierFingerprint('SUPPLY_GAP', 'acme'));
  });

  it('leaves out the location label when no location is given', async () => {
    const { report } = setup();
    const [raised] = await report([LATE]);
    expect(raised!.alert.locationId).toBe('');
    expect(raised!.alert.labels).toEqual({ type: 'LEAD_TIME_RISK', severity: 'warning', supplier: 'acme' });
  });

  it('stays quiet while the condition holds unchanged and raises again only when it gets worse', async () => {
    const { store, report, clock } = setup();
    await report([LATE]);
    clock.advance(HOUR);
    const auditBefore = store.audit.length;
    expect(await report([LATE])).toEqual([]);
    expect(store.audit.length).toBe(auditBefore);
    expect(await report([{ ...LATE, facts: { lateDays: 5 } }])).toEqual([]);
    expect(summary(await report([{ ...LATE, severity: 'critical' }]))).toEqual(['AlertRaised:LEAD_TIME_RISK']);
    expect((await store.history(supplierFingerprint('LEAD_TIME_RISK', 'acme'))).map((h) => h.action)).toEqual(['opened', 'updated', 'updated']);
  });

  it('resolves only the rules a report speaks for', async () => {
    const { report } = setup();
    await report([LATE, GAP]);
    expect(await report([], { types: ['SUPPLY_GAP'] })).toMatchObject([{ type: 'AlertResolved', reason: 'cleared', alert: { type: 'SUPPLY_GAP' } }]);
    expect(summary(await report([]))).toEqual(['AlertResolved:LEAD_TIME_RISK']);
  });

  it('reopens the same alert when the condition returns inside the flap window, and a new one after it', async () => {
    const { report, clock } = setup({ flapWindow: '30m' });
    const [raised] = await report([GAP], { locationId: 'store-north' });
    clock.advance(10 * MIN);
    await report([]);
    clock.advance(10 * MIN);
    const [reopened] = await report([GAP], { locationId: 'store-south' });
    expect(reopened).toMatchObject({ type: 'AlertRaised', reopened: true, alert: { alertId: raised!.alert.alertId, reopenCount: 1, locationId: 'store-south' } });
    clock.advance(MIN);
    await report([]);
    clock.advance(31 * MIN);
    const [fresh] = await report([GAP]);
    expect(fresh!.alert.alertId).not.toBe(raised!.alert.alertId);
  });

  it('counts as an alert but not as a position in the stats', async () => {
    const { report, store, settings, clock } = setup();
    await report([LATE, GAP], { locationId: 'store-north' });
    await reconcilePosition({ sku: 'SKU-1', locationId: 'store-north', findings: [finding('LOW_STOCK')], now: clock.now() }, { store, settings });
    const stats = computeAlertStats(await store.listAlerts(), { from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') });
    expect({ opened: stats.opened, positions: stats.positions }).toEqual({ opened: 3, positions: 1 });
  });

  it('refuses item rules, which belong to reconcilePosition', async () => {
    const { report } = setup();
    await expect(report([finding('LOW_STOCK')])).rejects.toBeInstanceOf(SupplierFindingTypeError);
  });

  it('reads naturally in SMS and email', async () => {
    const { report, store, settings, clock } = setup({ route: { receiver: 'buyers', groupWait: '0s' } });
    const publisher = new RecordingPublisher();
    const events = await report([GAP], { locationId: 'store-north' });
    await dispatch(events, { store, settings, publisher, now: clock.now() });
    const [n] = publisher.sent;
    expect(n!.sms).toBe('StockSentry: acme cannot deliver an order.');
    const text = n!.email.text.replace(/\n +/g, ' ');
    expect(text).toContain('[Critical] Supply gap: acme');
    expect(text).toContain('acme rejected 40 units (2 lines) of the order for store-north. No backup supplier is set, so nobody else has been asked. Order acme|store-north|2026-05-04.');
    expect(text).toContain('- Source the goods elsewhere, or set a backup supplier for acme.');
    expect(n!.email.text).not.toContain('SKU');
    const resolved = buildNotification({ id: 'r', kind: 'resolved', receiver: n!.receiver, groupKey: 'g', groupLabels: {}, firing: [], resolved: [{ ...events[0]!.alert, locationId: '' }], now: clock.now() });
    expect(resolved.sms).toBe('StockSentry: resolved: acme cannot deliver an order.');
  });
});

describe('grouping by supplier', () => {
  it('with groupBy [supplier], the per-item alerts a supplier causes travel in its LEAD_TIME_RISK notification', async () => {
    const { store, settings, clock, report } = setup({
      route: {
        receiver: 'store-team', groupBy: ['location'], groupWait: '30s',
        routes: [{ match: { type: ['LEAD_TIME_RISK', 'STOCKOUT_RISK'] }, receiver: 'buyers', groupBy: ['supplier'] }],
      },
    });
    const publisher = new RecordingPublisher();
    const deps = () => ({ store, settings, publisher, now: clock.now() });
    const item = (sku: string, supplier: string) => reconcilePosition({
      sku, locationId: 'store-north', labels: { supplier }, now: clock.now(),
      findings: [finding('STOCKOUT_RISK', 'warning', { message: `${sku} runs out before the late delivery` })],
    }, { store, settings });
    await dispatch([...(await report([LATE])), ...(await item('SKU-1', 'acme')), ...(await item('SKU-2', 'acme')), ...(await item('SKU-3', 'other'))], deps());
    clock.advance(30_000);
    await flushDueGroups(deps());
    const bySupplier = Object.fromEntries(publisher.sent.map((n) => [n.groupLabels.supplier, n.firing.map((a) => a.sku || `supplier ${a.supplierId}`).sort()]));
    expect(bySupplier).toEqual({ acme: ['SKU-1', 'SKU-2', 'supplier acme'], other: ['SKU-3'] });
    expect(publisher.sent.every((n) => n.receiver.name === 'buyers')).toBe(true);
    const acme = publisher.sent.find((n) => n.groupLabels.supplier === 'acme')!;
    expect(acme.email.subject).toBe('[StockSentry] Supplier acme: acme delivers late and 2 more alerts');
  });
});
