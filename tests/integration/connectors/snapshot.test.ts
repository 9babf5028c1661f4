// The sync reads the table only for what changed: a source's snapshot (a fingerprint per position key, kept beside its
// checkpoints) tells unchanged records apart, what the source stopped reporting comes from its difference (no Scan),
// positions changed by pushes are still settled by the next pull, and a run that fails records only what it wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restJson } from '../../../connectors/rest-json/index.js';
import { runSync, type RunSyncOptions } from '../../../connectors/sdk/sync.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { connectorConfig } from '../../../shared/config.js';
import type { InventoryStore } from '../../../shared/ports.js';
import { generateDataset, type Dataset } from '../../fakes/dataset.js';
import { restJsonOptionsFor, startFakeRestJson, type FakeRestJson } from '../../fakes/rest-json.js';
import { instrument, type CallStats } from '../../support/dynamo-calls.js';
import { createTestTable } from '../../support/dynamo.js';
import { fixedClock } from './conformance.js';

const dataset = generateDataset({ items: 10, locations: 4, seed: 5, openOrderShare: 0.3 });
let fake: FakeRestJson;

beforeAll(async () => { fake = await startFakeRestJson(dataset); });
afterAll(async () => { await fake?.stop(); });

/** Positions read whole every run (no updated_since), as from a source that cannot list only what changed. */
function config() {
  const options = restJsonOptionsFor();
  const paths = options.paths as Record<string, Record<string, unknown>>;
  const { incremental: _incremental, ...positions } = paths.positions!;
  return connectorConfig.parse({
    name: 'erp', type: 'rest-json', endpoint: fake.url, credentials: { env: 'T' }, fullReconcileEvery: 1000,
    options: { ...options, paths: { ...paths, positions }, streams: ['positions', 'purchaseOrders'] },
  });
}

async function hub(): Promise<{ store: DynamoInventoryStore; calls: CallStats; sync: (extra?: Partial<RunSyncOptions>) => ReturnType<typeof runSync> }> {
  const table = await createTestTable();
  const store = new DynamoInventoryStore(table.doc, table.tableName);
  const calls = instrument(table.doc);
  const sync = (extra: Partial<RunSyncOptions> = {}) => runSync({ config: config(), store, clock: fixedClock(), credentials: async () => 'test-token', connector: restJson, ...extra });
  return { store, calls, sync };
}

const stream = (report: Awaited<ReturnType<typeof runSync>>, name: string) => report.streams.find((s) => s.name === name)!;
const withOnHand = (d: Dataset, index: number, onHand: number): Dataset => ({ ...d, positions: d.positions.map((p, i) => (i === index ? { ...p, onHand } : p)) });

describe('a resync against the source snapshot', () => {
  it('reads and writes nothing for unchanged records, and only the changed one after a change', async () => {
    fake.update(dataset);
    const { store, calls, sync } = await hub();
    await sync();
    calls.reset();
    const same = await sync();
    expect(stream(same, 'positions')).toMatchObject({ read: dataset.positions.length, written: 0, unchanged: dataset.positions.length });
    expect(calls.byOperation.BatchGetItem ?? 0).toBe(0);
    expect(calls.byOperation.Scan ?? 0).toBe(0);
    // Nor is the snapshot rewritten (the puts left are the cursors').
    expect(calls.byOperation.BatchWriteItem ?? 0).toBe(0);
    expect(calls.byOperation.TransactWriteItems ?? 0).toBe(0);

    const changed = withOnHand(dataset, 3, dataset.positions[3]!.onHand + 7);
    fake.update(changed);
    calls.reset();
    const one = await sync();
    expect(stream(one, 'positions')).toMatchObject({ written: 1, unchanged: dataset.positions.length - 1 });
    // One position key read (one BatchGetItem).
    expect(calls.byOperation.BatchGetItem).toBe(1);
    expect(calls.byOperation.Scan ?? 0).toBe(0);
    const p = changed.positions[3]!;
    expect((await store.getPosition(p.sku, p.locationId))?.onHand).toBe(p.onHand);
  });

  it('clears the inbound of a purchase order the source no longer reports, without a Scan', async () => {
    fake.update(dataset);
    const { store, calls, sync } = await hub();
    await sync();
    const gone = dataset.purchaseOrders[0]!;
    expect((await store.getPosition(gone.sku, gone.locationId))?.inbound.map((l) => l.ref)).toContain(gone.ref);
    fake.update({ ...dataset, purchaseOrders: dataset.purchaseOrders.filter((l) => !(l.sku === gone.sku && l.locationId === gone.locationId)) });
    calls.reset();
    const report = await sync();
    // Only that position changed: the others' lines are unchanged and not read.
    expect(stream(report, 'purchaseOrders')).toMatchObject({ written: 1, unchanged: new Set(dataset.purchaseOrders.map((l) => `${l.sku}@${l.locationId}`)).size - 1 });
    expect((await store.getPosition(gone.sku, gone.locationId))?.inbound).toEqual([]);
    expect(calls.byOperation.Scan ?? 0).toBe(0);
  });

  it('marks a position the source stopped reporting as vanished at the full reconcile, without a Scan', async () => {
    fake.update(dataset);
    const { store, calls, sync } = await hub();
    await sync();
    const gone = dataset.positions[0]!;
    fake.update({ ...dataset, positions: dataset.positions.slice(1), purchaseOrders: dataset.purchaseOrders.filter((l) => l.sku !== gone.sku || l.locationId !== gone.locationId) });
    calls.reset();
    const report = await sync({ full: true });
    expect(report.vanished).toBe(1);
    expect((await store.getPosition(gone.sku, gone.locationId))?.vanishedAt).toBe('2026-05-01T12:00:00.000Z');
    expect(calls.byOperation.Scan ?? 0).toBe(0);
    // Reported again: written as a new report would be, the vanished mark cleared.
    fake.update(dataset);
    expect(stream(await sync(), 'positions').written).toBe(1);
    expect((await store.getPosition(gone.sku, gone.locationId))?.vanishedAt).toBeUndefined();
  });

  it('settles a position changed by pushes with an unchanged pull, counting the drift, once', async () => {
    fake.update(dataset);
    const { store, calls, sync } = await hub();
    await sync();
    const p = dataset.positions[2]!;
    // A pushed sale the source never saw: the pull wins and the 2 units are drift.
    await store.upsertPositions('pos', [{ sku: p.sku, locationId: p.locationId, changes: [{ kind: 'move', id: 'sale-1', at: '2026-05-01T12:30:00Z', qty: -2, sold: 2 }] }], new Date('2026-05-01T12:30:00Z'));
    expect((await store.getPosition(p.sku, p.locationId))?.onHand).toBe(p.onHand - 2);
    calls.reset();
    const report = await sync({ clock: fixedClock('2026-05-01T13:00:00Z') });
    expect(stream(report, 'positions')).toMatchObject({ written: 1, drift: { positions: 1, units: 2 } });
    expect(calls.byOperation.BatchGetItem).toBe(1);
    expect((await store.getPosition(p.sku, p.locationId))?.onHand).toBe(p.onHand);
    // Settled: the next unchanged pull reads no position.
    calls.reset();
    expect(stream(await sync({ clock: fixedClock('2026-05-01T13:30:00Z') }), 'positions').drift).toBeUndefined();
    expect(calls.byOperation.BatchGetItem ?? 0).toBe(0);
  });

  it('records in the snapshot only what a failed run wrote before its last checkpoint', async () => {
    fake.update(dataset);
    const { store, sync } = await hub();
    // The table refuses the sixth position write (after the first page's checkpoint): the stream fails there.
    let writes = 0;
    const failing = new Proxy(store, {
      get(target, property) {
        if (property === 'upsertPositions') {
          return ((source, records, at) => (++writes === 6 ? Promise.reject(new Error('table unavailable')) : target.upsertPositions(source, records, at))) satisfies InventoryStore['upsertPositions'];
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const failed = await sync({ store: failing, batchSize: 5, streams: ['positions'] }).catch((e: unknown) => e);
    expect((failed as Error).message).toMatch(/table unavailable/);
    const recorded = (await store.getSnapshot('erp', 'positions'))!.entries;
    // Page one (25 records, checkpointed) is recorded; nothing read after it is, written or not.
    expect(recorded.size).toBe(25);
    for (const e of recorded.values()) expect(await store.getPosition(e.sku, e.locationId), `${e.sku}@${e.locationId}`).toBeDefined();
    const resumed = await sync({ streams: ['positions'] });
    expect(stream(resumed, 'positions').fromStart).toBe(false);
    expect((await store.getSnapshot('erp', 'positions'))!.entries.size).toBe(dataset.positions.length);
    for (const p of dataset.positions) expect((await store.getPosition(p.sku, p.locationId))?.onHand).toBe(p.onHand);
  });
});
