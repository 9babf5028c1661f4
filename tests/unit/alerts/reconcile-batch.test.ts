// reconcilePositions: many positions at once, reading only the alerts their digests say a finding can change.
import { describe, expect, it } from 'vitest';
import { alertLifecycleSink, fingerprint, MemoryAlertStore, reconcilePosition, reconcilePositions, type AlertEvent } from '../../../shared/alerts/index.js';
import { ALERT_TYPES } from '../../../shared/model.js';
import type { EvaluatedPosition } from '../../../shared/evaluation/pipeline.js';
import { FakeClock, finding, HOUR, settingsFor } from './fixtures.js';

/** A memory store that records which fingerprints were read. */
class CountingStore extends MemoryAlertStore {
  reads: string[] = [];
  override async getAlerts(fps: readonly string[]) {
    this.reads.push(...fps);
    return super.getAlerts(fps);
  }
}

function setup() {
  const store = new CountingStore();
  const settings = settingsFor();
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const digest = (sku: string) => store.digests.get(`${sku}@store-1`);
  const run = (positions: { sku: string; findings: ReturnType<typeof finding>[] }[], durableEvents = false) =>
    reconcilePositions(positions.map((p) => ({ sku: p.sku, locationId: 'store-1', findings: p.findings, now: clock.now(), digest: digest(p.sku) })), { store, settings }, { durableEvents });
  return { store, clock, run, digest };
}

describe('reconcilePositions', () => {
  it('reads every alert of a position without a digest once, then only what a finding can change', async () => {
    const { store, clock, run, digest } = setup();
    const first = await run([{ sku: 'A', findings: [finding('LOW_STOCK')] }, { sku: 'B', findings: [] }]);
    expect(first.map((e) => `${e.type}:${e.alert.sku}`)).toEqual(['AlertRaised:A']);
    expect(store.reads).toHaveLength(2 * ALERT_TYPES.length);
    expect(digest('A')).toMatchObject({ complete: true, entries: { LOW_STOCK: { state: 'open', cleared: false, version: 1 } } });
    expect(digest('B')).toEqual({ complete: true, entries: {}, pending: [] });

    store.reads = [];
    clock.advance(HOUR);
    // Nothing changed: no reads, no writes.
    const audit = store.audit.length;
    expect(await run([{ sku: 'A', findings: [finding('LOW_STOCK')] }, { sku: 'B', findings: [] }])).toEqual([]);
    expect(store.reads).toEqual([]);
    expect(store.audit.length).toBe(audit);

    // New numbers for A's alert, a new condition at B: one read (A's alert), B's opened without reading.
    const next = await run([{ sku: 'A', findings: [finding('LOW_STOCK', 'warning', { facts: { onHand: 3 } })] }, { sku: 'B', findings: [finding('OVERSTOCK')] }]);
    expect(store.reads).toEqual([fingerprint('LOW_STOCK', 'A', 'store-1')]);
    expect(next.map((e) => `${e.type}:${e.alert.type}:${e.alert.sku}`)).toEqual(['AlertRaised:OVERSTOCK:B']);
    expect((await store.getAlert(fingerprint('LOW_STOCK', 'A', 'store-1')))?.facts).toEqual({ onHand: 3 });
  });

  it('changes only the types it speaks for: the engine leaves CONDITION to the sensor path, which resolves it', async () => {
    const { store, clock, run, digest } = setup();
    const sensor = (findings: ReturnType<typeof finding>[]) =>
      reconcilePosition({ sku: 'A', locationId: 'store-1', findings, types: ['CONDITION'], now: clock.now() }, { store, settings: settingsFor() });
    expect((await sensor([finding('CONDITION', 'critical')])).map((e) => e.type)).toEqual(['AlertRaised']);
    expect(digest('A')).toMatchObject({ complete: true, entries: { CONDITION: { state: 'open' } } });
    clock.advance(HOUR);

    // The engine finds nothing at A: its own alerts stay closed and the sensor's CONDITION stays open.
    expect(await run([{ sku: 'A', findings: [] }])).toEqual([]);
    const condition = fingerprint('CONDITION', 'A', 'store-1');
    expect((await store.getAlert(condition))?.state).toBe('open');
    // An engine report without a digest reads CONDITION only to record it, never transitions it.
    expect(await reconcilePositions([{ sku: 'A', locationId: 'store-1', findings: [finding('LOW_STOCK')], now: clock.now() }], { store, settings: settingsFor() }))
      .toMatchObject([{ type: 'AlertRaised', alert: { type: 'LOW_STOCK' } }]);
    expect(digest('A')).toMatchObject({ complete: true, entries: { CONDITION: { state: 'open' }, LOW_STOCK: { state: 'open' } } });

    clock.advance(HOUR);
    expect((await sensor([])).map((e) => `${e.type}:${e.alert.type}`)).toEqual(['AlertResolved:CONDITION']);
    expect((await store.getAlert(fingerprint('LOW_STOCK', 'A', 'store-1')))?.state).toBe('open');
    expect(digest('A')?.entries.CONDITION).toMatchObject({ state: 'resolved', cleared: true });
  });

  it('resolves through the digest and keeps a cleared alert unread afterwards', async () => {
    const { store, clock, run } = setup();
    await run([{ sku: 'A', findings: [finding('STOCKOUT', 'critical')] }]);
    clock.advance(HOUR);
    store.reads = [];
    const [resolved] = await run([{ sku: 'A', findings: [] }]);
    expect(resolved).toMatchObject({ type: 'AlertResolved', reason: 'cleared' });
    expect(store.reads).toEqual([fingerprint('STOCKOUT', 'A', 'store-1')]);
    store.reads = [];
    expect(await run([{ sku: 'A', findings: [] }])).toEqual([]);
    expect(store.reads).toEqual([]);
  });

  it('retries only the position that lost a race, reading its alerts again', async () => {
    const { store, clock, run } = setup();
    await run([{ sku: 'A', findings: [finding('LOW_STOCK')] }, { sku: 'B', findings: [finding('LOW_STOCK')] }]);
    clock.advance(HOUR);
    // Someone acknowledges A's alert after this evaluation read A's digest: the digest it holds is stale.
    const commit = store.commitPositionAlerts.bind(store);
    let raced = false;
    store.commitPositionAlerts = async (sets) => {
      if (!raced) {
        raced = true;
        const a = (await store.getAlert(fingerprint('LOW_STOCK', 'A', 'store-1')))!;
        await store.saveAlert({ ...a, state: 'acknowledged', acknowledgedAt: clock.now().toISOString(), version: a.version + 1 }, a.version,
          { fingerprint: a.fingerprint, alertId: a.alertId, action: 'acknowledged', at: clock.now().toISOString(), seq: a.version + 1, toState: 'acknowledged', severity: a.severity });
      }
      return commit(sets);
    };
    const events = await run([{ sku: 'A', findings: [finding('LOW_STOCK', 'critical')] }, { sku: 'B', findings: [finding('LOW_STOCK', 'critical')] }]);
    // B is raised (worse); A is worse too but acknowledged meanwhile, so it is updated quietly, never forked.
    expect(events.map((e) => `${e.type}:${e.alert.sku}`)).toEqual(['AlertRaised:B']);
    expect(await store.getAlert(fingerprint('LOW_STOCK', 'A', 'store-1'))).toMatchObject({ state: 'acknowledged', severity: 'critical' });
    expect(store.audit.filter((e) => e.fingerprint === fingerprint('LOW_STOCK', 'A', 'store-1')).map((e) => e.action)).toEqual(['opened', 'acknowledged', 'updated']);
  });
});

describe('the alert sink', () => {
  const evaluated = (sku: string, findings: ReturnType<typeof finding>[], store: MemoryAlertStore): EvaluatedPosition => ({
    position: { sku, locationId: 'store-1', onHand: 0, reserved: 0, inbound: [], openOrders: [], sources: [], version: 1, updatedAt: '2026-05-04T00:00:00Z' },
    labels: { location: 'store-1' }, decision: { alerts: findings, replenish: null } as unknown as EvaluatedPosition['decision'],
    ...(store.digests.get(`${sku}@store-1`) ? { alerts: structuredClone(store.digests.get(`${sku}@store-1`)!) } : {}),
  });

  it('keeps events in the digest until they are published, and a crashed run\'s events go out with the next batch', async () => {
    const store = new MemoryAlertStore();
    const sink = alertLifecycleSink({ store, settings: settingsFor() });
    const now = new Date('2026-05-04T08:00:00Z');
    const crashed = await sink.accept([evaluated('A', [finding('STOCKOUT', 'critical')], store)], now);
    expect(crashed.events).toHaveLength(1);
    // The process died before publishing: the event is still pending beside the position.
    expect(store.digests.get('A@store-1')?.pending.map((e) => e.id)).toEqual(crashed.events.map((e) => e.id));

    const retry = await sink.accept([evaluated('A', [finding('STOCKOUT', 'critical')], store)], now);
    expect(retry.events.map((e: AlertEvent) => e.id)).toEqual(crashed.events.map((e) => e.id));
    await retry.afterPublish!();
    expect(store.digests.get('A@store-1')?.pending).toEqual([]);
    const again = await sink.accept([evaluated('A', [finding('STOCKOUT', 'critical')], store)], now);
    expect(again.events).toEqual([]);
  });
});
