// The conformance kit: one vitest suite every connector runs against its fake server and a fresh DynamoDB Local table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectorConfig, type ConnectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { positionKey, type Item, type Location, type Position, type Supplier } from '../../../shared/model.js';
import type { Clock, InventoryStore } from '../../../shared/ports.js';
import type { AnyConnector, StreamName } from '../../../connectors/sdk/contract.js';
import { checkConnector, runSync, type RunSyncOptions, type SyncReport } from '../../../connectors/sdk/sync.js';
import { createTestTable } from '../../support/dynamo.js';
import { mutate, type Dataset } from '../../fakes/dataset.js';

export interface ConformanceFake {
  url: string;
  stats: { requests: number; throttled: number };
  /** The limit the fake enforces when started rate-limited, for connectors configured with a fixed rate. */
  rateLimit?: { perSecond: number; burst: number };
  stop(): Promise<void>;
  /** Serve a changed dataset from now on. */
  update(next: Dataset): void;
}

export interface ConformanceSuite {
  name: string;
  connector: AnyConnector;
  dataset: Dataset;
  /** Starts the fake; `rateLimited` asks for a tight server-side limit. */
  startFake(dataset: Dataset, opts: { rateLimited: boolean }): Promise<ConformanceFake>;
  /** The hub.config entry for this fake (name, type, endpoint, options, credentials). */
  config(fake: ConformanceFake): Record<string, unknown>;
  /** The credential the fake accepts; undefined for sources without credentials. */
  credential?: string;
  /** A config whose check must fail (default: the same config with a wrong credential). */
  badConfig?(fake: ConformanceFake): Record<string, unknown>;
  /** Breaks one record of the dataset in a way this source can carry; returns what the quarantine reason must match. Default: reserved −3. */
  corrupt?(dataset: Dataset): RegExp;
  /** Why the rate-limit test does not apply (e.g. files on disk); omit when the fake can rate-limit. */
  noRateLimit?: string;
  /**
   * For a connector without a positions stream: the stream the write, quarantine and rate-limit checks count
   * (then `corrupt` is not used).
   */
  primary?: {
    stream: StreamName;
    /** How many records of the stream a sync of `dataset` writes. */
    count(dataset: Dataset): number;
    /** A changed copy of the dataset and how many records of the stream changed. */
    change(dataset: Dataset): { dataset: Dataset; changed: number };
    /** Breaks one record in place; returns what the quarantine reason must match and a check that only the good records landed. */
    corrupt(dataset: Dataset): { reason: RegExp; landed(store: InventoryStore): Promise<void> };
  };
}

export const fixedClock = (iso = '2026-05-01T12:00:00Z'): Clock => ({ now: () => new Date(iso) });

/** What a store holds, comparable across runs. */
export async function storeState(store: InventoryStore, dataset: Dataset): Promise<unknown> {
  const positions: Pick<Position, 'sku' | 'locationId' | 'onHand' | 'reserved' | 'inbound' | 'lots'>[] = [];
  for await (const p of store.listPositions()) positions.push({ sku: p.sku, locationId: p.locationId, onHand: p.onHand, reserved: p.reserved, inbound: p.inbound, lots: p.lots });
  positions.sort((a, b) => positionKey(a.sku, a.locationId).localeCompare(positionKey(b.sku, b.locationId)));
  const locations = (await store.listLocations()).sort((a, b) => a.id.localeCompare(b.id));
  const items = await Promise.all(dataset.items.map((i) => store.getItem(i.sku)));
  const suppliers = await Promise.all(dataset.suppliers.map((s) => store.getSupplier(s.id)));
  return { positions, locations, items, suppliers };
}

/** The default change: 10% of positions' on-hand. */
function mutatePositions(dataset: Dataset): { dataset: Dataset; changed: number } {
  const changed = mutate(dataset, 0.1, 7);
  return { dataset: changed, changed: changed.positions.filter((p, i) => p !== dataset.positions[i]).length };
}

export function describeConnectorConformance(suite: ConformanceSuite): void {
  describe(`${suite.name} conformance`, () => {
    const primaryStream = suite.primary?.stream ?? 'positions';
    let fake: ConformanceFake;
    const clock = fixedClock();
    const resolver = async (): Promise<string> => suite.credential ?? '';
    const configOf = (raw: Record<string, unknown>): ConnectorConfig => connectorConfig.parse(raw);
    const newStore = async (): Promise<InventoryStore> => {
      const table = await createTestTable();
      return new DynamoInventoryStore(table.doc, table.tableName);
    };
    const sync = (store: InventoryStore, extra: Partial<RunSyncOptions> = {}): Promise<SyncReport> =>
      runSync({ config: configOf(suite.config(fake)), store, clock, credentials: resolver, connector: suite.connector, ...extra });

    beforeAll(async () => { fake = await suite.startFake(suite.dataset, { rateLimited: false }); });
    afterAll(async () => { await fake.stop(); });

    it('has a valid spec for its config, exportable as JSON Schema', () => {
      const parsed = suite.connector.spec.safeParse(configOf(suite.config(fake)).options);
      expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
      const schema = z.toJSONSchema(suite.connector.spec, { io: 'input', unrepresentable: 'any' }) as { type?: string; properties?: object };
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties ?? {})).toContain('streams');
    });

    it('checks reach and credentials, failing with a reason that leaks no secret', async () => {
      const good = await checkConnector({ config: configOf(suite.config(fake)), clock, credentials: resolver, connector: suite.connector });
      expect(good).toEqual({ ok: true });
      const badRaw = suite.badConfig?.(fake) ?? suite.config(fake);
      const bad = await checkConnector({ config: configOf(badRaw), clock, credentials: async () => 'wrong-credential', connector: suite.connector, http: { maxRetries: 1, baseDelayMs: 1 } });
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.reason.length).toBeGreaterThan(10);
        expect(bad.reason).not.toContain('wrong-credential');
      }
    });

    it('resumes from every checkpoint to the same final state as an uninterrupted sync', async () => {
      const whole = await newStore();
      await sync(whole);
      const expected = await storeState(whole, suite.dataset);

      // Each run crashes right after the first checkpoint no earlier run crashed at, so every checkpoint is a
      // resume point once (a full-refresh stream that starts over re-passes old checkpoints without crashing).
      const resumed = await newStore();
      const crashedAt = new Set<string>();
      let runs = 0;
      for (;;) {
        runs++;
        expect(runs, 'a crashed sync must make progress').toBeLessThan(200);
        try {
          await sync(resumed, {
            onCheckpoint: (stream, cursor) => {
              if (crashedAt.has(`${stream}:${cursor}`)) return;
              crashedAt.add(`${stream}:${cursor}`);
              throw new Error('crash after checkpoint');
            },
          });
          break;
        } catch (error) {
          if ((error as Error).message !== 'crash after checkpoint') throw error;
        }
      }
      expect(runs).toBeGreaterThan(1);
      expect(await storeState(resumed, suite.dataset)).toEqual(expected);
    });

    it('writes nothing on a resync without source changes, and exactly the changes after some', async () => {
      const store = await newStore();
      const first = await sync(store);
      expect(first.streams.find((s) => s.name === primaryStream)?.written ?? 1).toBeGreaterThan(0);
      const second = await sync(store);
      for (const s of second.streams) expect({ stream: s.name, written: s.written }).toEqual({ stream: s.name, written: 0 });

      const { dataset: changed, changed: expectedChanges } = suite.primary?.change(suite.dataset) ?? mutatePositions(suite.dataset);
      fake.update(changed);
      try {
        const third = await sync(store);
        expect(third.streams.find((s) => s.name === primaryStream)?.written).toBe(expectedChanges);
      } finally {
        fake.update(suite.dataset);
      }
    });

    it('quarantines bad records with a reason while the good ones land', async () => {
      const bad = structuredClone(suite.dataset);
      const victim = bad.positions[0]!;
      const primary = suite.primary?.corrupt(bad);
      const reason = primary ? primary.reason : suite.corrupt ? suite.corrupt(bad) : (victim.reserved = -3, /reserved/);
      fake.update(bad);
      try {
        const store = await newStore();
        const report = await sync(store);
        const stream = report.streams.find((s) => s.name === primaryStream)!;
        expect(stream.quarantined).toBe(1);
        const entries = (await store.listQuarantine(configOf(suite.config(fake)).name)).filter((e) => e.stream === primaryStream);
        expect(entries).toHaveLength(1);
        expect(entries[0]!.reason).toMatch(reason);
        if (primary) {
          await primary.landed(store);
          return;
        }
        // Nothing of the bad record landed (another stream, e.g. purchase orders, may still create the position).
        const stored = await store.getPosition(victim.sku, victim.locationId);
        expect(stored === undefined || (stored.onHand === 0 && stored.reserved === 0)).toBe(true);
        const good = bad.positions[1]!;
        expect((await store.getPosition(good.sku, good.locationId))?.onHand).toBe(good.onHand);
      } finally {
        fake.update(suite.dataset);
      }
    });

    it.skipIf(suite.noRateLimit !== undefined)(`respects the source's rate limit: no 429 after the first${suite.noRateLimit ? ` (n/a: ${suite.noRateLimit})` : ''}`, async () => {
      const limited = await suite.startFake(suite.dataset, { rateLimited: true });
      try {
        const store = await newStore();
        const report = await runSync({ config: configOf(suite.config(limited)), store, clock, credentials: resolver, connector: suite.connector });
        expect(limited.stats.throttled).toBeLessThanOrEqual(1);
        expect(report.throttled).toBe(limited.stats.throttled);
        expect(report.streams.find((s) => s.name === primaryStream)?.written).toBe(suite.primary?.count(suite.dataset) ?? suite.dataset.positions.length);
      } finally {
        await limited.stop();
      }
    });
  });
}

export interface Owned {
  positions?: ('onHand' | 'reserved' | 'lots')[];
  inbound?: boolean;
  items?: (keyof Item)[];
  locations?: (keyof Location)[];
  suppliers?: (keyof Supplier)[];
  sales?: boolean;
}

const only = <T extends object>(value: T | undefined, keys: (keyof T)[]): Partial<T> =>
  Object.fromEntries(keys.filter((k) => value?.[k] !== undefined).map((k) => [k, value?.[k]])) as Partial<T>;

/** Proves a connector maps its fake's rendering of `dataset` back to the same canonical values, field by owned field. */
export async function expectRoundTrip(store: InventoryStore, dataset: Dataset, owned: Owned): Promise<void> {
  if (owned.positions) {
    for (const p of dataset.positions) {
      const stored = await store.getPosition(p.sku, p.locationId);
      // A source that owns lots reports "no lots" as an empty list.
      const expected = owned.positions.includes('lots') ? { ...p, lots: p.lots ?? [] } : p;
      expect(only(stored, owned.positions), positionKey(p.sku, p.locationId)).toEqual(only(expected, owned.positions));
    }
  }
  if (owned.inbound) {
    for (const line of dataset.purchaseOrders) {
      const stored = await store.getPosition(line.sku, line.locationId);
      expect(stored?.inbound.map((l) => ({ qty: l.qty, eta: l.eta, supplierId: l.supplierId, ref: l.ref, orderedAt: l.orderedAt }))).toContainEqual({ qty: line.qty, eta: line.eta, supplierId: line.supplierId, ref: line.ref, orderedAt: line.orderedAt });
    }
  }
  if (owned.items) {
    for (const item of dataset.items) expect(only(await store.getItem(item.sku), owned.items), item.sku).toEqual(only(item, owned.items));
  }
  if (owned.locations) {
    const stored = new Map((await store.listLocations()).map((l) => [l.id, l]));
    for (const loc of dataset.locations) expect(only(stored.get(loc.id), owned.locations), loc.id).toEqual(only(loc, owned.locations));
  }
  if (owned.suppliers) {
    for (const s of dataset.suppliers) expect(only(await store.getSupplier(s.id), owned.suppliers), s.id).toEqual(only(s, owned.suppliers));
  }
  if (owned.sales) {
    for (const sale of dataset.sales) {
      const months = await store.getDemand(sale.sku, sale.locationId, sale.day, sale.day);
      const daily = months.find((m) => m.month === sale.day.slice(0, 7))?.daily ?? [];
      expect(daily[Number(sale.day.slice(8, 10)) - 1], `${sale.sku}@${sale.locationId} ${sale.day}`).toBe(sale.qty);
    }
  }
}
