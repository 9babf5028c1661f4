import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../../shared/adapters/dynamodb/alert-store.js';
import {
  acknowledgeAlert, AlertConflictError, dispatch, flushDueGroups, GroupConflictError, reconcilePosition, resolveAlert,
  type AlertGroup,
} from '../../../shared/alerts/index.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { FakeClock, finding, MIN, RecordingPublisher, settingsFor } from '../../unit/alerts/fixtures.js';

let table: TestTable;
let store: DynamoAlertStore;
const settings = settingsFor({ flapWindow: '10m', route: { receiver: 'store-team', groupWait: '30s' } });

beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoAlertStore(table.doc, table.tableName);
});

describe('DynamoAlertStore', () => {
  it('opens exactly one alert when evaluators race on the same fingerprint', async () => {
    const now = new Date('2026-05-04T08:00:00Z');
    for (const sku of ['RACE-1', 'RACE-2', 'RACE-3']) {
      const run = () => reconcilePosition({ sku, locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now }, { store, settings });
      const events = (await Promise.all([run(), run(), run()])).flat();
      expect(events).toHaveLength(1);
      const history = await store.history(events[0]!.alert.fingerprint);
      expect(history.map((h) => h.action)).toEqual(['opened']);
    }
  });

  it('refuses a write based on a stale version', async () => {
    const now = new Date('2026-05-04T09:00:00Z');
    const [raised] = await reconcilePosition({ sku: 'STALE', locationId: 'store-north', findings: [finding('LOW_STOCK')], now }, { store, settings });
    const stale = raised!.alert;
    await acknowledgeAlert({ store }, stale.fingerprint, { by: 'ann', at: now });
    const audit = { fingerprint: stale.fingerprint, alertId: stale.alertId, action: 'resolved' as const, at: now.toISOString(), seq: stale.version + 1, toState: 'resolved' as const, severity: stale.severity };
    await expect(store.saveAlert({ ...stale, state: 'resolved', version: stale.version + 1 }, stale.version, audit))
      .rejects.toBeInstanceOf(AlertConflictError);
    expect((await store.getAlert(stale.fingerprint))?.state).toBe('acknowledged');
  });

  it('lists by state and location, finds resolved ones by month, and archives replaced occurrences', async () => {
    const clock = new FakeClock(Date.parse('2026-06-01T08:00:00Z'));
    const evaluate = (findings: ReturnType<typeof finding>[], locationId = 'store-list') =>
      reconcilePosition({ sku: 'LIST-1', locationId, findings, now: clock.now() }, { store, settings });
    const [first] = await evaluate([finding('OVERSTOCK', 'info')]);
    await evaluate([finding('EXPIRY')], 'store-other');
    expect((await store.listAlerts({ states: ['open'], location: 'store-list' })).map((a) => a.type)).toEqual(['OVERSTOCK']);
    clock.advance(MIN);
    await evaluate([]);
    clock.advance(20 * MIN);
    const [second] = await evaluate([finding('OVERSTOCK', 'info')]);
    expect(second!.alert.alertId).not.toBe(first!.alert.alertId);
    const june = { openedFrom: '2026-06-01T00:00:00.000Z', openedTo: '2026-07-01T00:00:00.000Z' };
    expect((await store.listArchivedAlerts(june.openedFrom, june.openedTo)).map((a) => [a.alertId, a.state])).toEqual([[first!.alert.alertId, 'resolved']]);
    await resolveAlert({ store }, second!.alert.fingerprint, { by: 'ann', at: clock.now() });
    const resolved = await store.listAlerts({ states: ['resolved'], location: 'store-list', ...june });
    expect(resolved.map((a) => [a.alertId, a.resolution])).toEqual([[second!.alert.alertId, 'manual']]);
    expect((await store.history(second!.alert.fingerprint)).map((h) => h.action)).toEqual(['opened', 'resolved', 'opened', 'resolved']);
  });

  it('stores silences and ends them early', async () => {
    const now = new Date('2026-05-04T08:00:00Z');
    await store.putSilence({ id: 'inventory-count', match: { location: ['store-north'] }, matchRe: {}, endsAt: '2026-05-05T08:00:00.000Z', comment: 'count', createdBy: 'ann' });
    expect(await store.expireSilence('inventory-count', now)).toBe(true);
    expect(await store.expireSilence('no-such', now)).toBe(false);
    expect((await store.listSilences()).map((s) => [s.id, s.endsAt])).toEqual([['inventory-count', now.toISOString()]]);
  });

  it('keeps groups conditional and lists only those due', async () => {
    const group: AlertGroup = { key: 'root/store-team/{location=x}', routeId: 'root', receiver: 'store-team', groupLabels: { location: 'x' }, members: ['a'], notified: [], nextFlushAt: '2026-05-04T08:00:30.000Z', version: 1 };
    await store.saveGroup(group, undefined);
    await expect(store.saveGroup({ ...group, version: 2 }, undefined)).rejects.toBeInstanceOf(GroupConflictError);
    expect(await store.listDueGroups(new Date('2026-05-04T08:00:29Z'))).toEqual([]);
    expect((await store.listDueGroups(new Date('2026-05-04T08:00:30Z'))).map((g) => g.key)).toEqual([group.key]);
    await store.saveGroup({ ...group, nextFlushAt: undefined, version: 2 }, 1);
    expect(await store.listDueGroups(new Date('2026-05-05T00:00:00Z'))).toEqual([]);
  });

  it('runs the dispatch flow on the real table: one grouped message after group_wait', async () => {
    const clock = new FakeClock(Date.parse('2026-07-01T08:00:00Z'));
    const publisher = new RecordingPublisher();
    const deps = () => ({ store, settings, publisher, now: clock.now() });
    for (const sku of ['G-1', 'G-2', 'G-3']) {
      await dispatch(await reconcilePosition({ sku, locationId: 'store-group', findings: [finding('LOW_STOCK')], now: clock.now() }, { store, settings }), deps());
    }
    expect(publisher.sent).toEqual([]);
    clock.advance(30_000);
    // Two schedulers racing on the same due group: the conditional claim lets exactly one send.
    await Promise.all([flushDueGroups(deps()), flushDueGroups(deps())]);
    expect(publisher.sent.map((n) => n.firing.map((a) => a.sku).sort())).toEqual([['G-1', 'G-2', 'G-3']]);
  });
});
