// Ports: what the domain needs from storage and delivery. Adapters live in shared/adapters/.
import type { DemandMonth, Item, Location, Position, PositionRecord, SalesRecord, StockChange, Supplier } from './model.js';

export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };

export interface PositionWriteResult {
  /** Positions whose stored state changed (new or different quantities). */
  written: number;
  /** Positions identical to what was stored: nothing was written. */
  unchanged: number;
  /** Writes lost to a concurrent writer, retried once and then reported here. */
  conflicts: number;
  /** What records' pushed `changes` did (shared/push/ledger.ts); set when any record carried changes. */
  changes?: {
    applied: number;
    duplicate: number;
    superseded: number;
    /** Changes older than what their position remembers: not applied; the caller quarantines them. */
    late: { sku: string; locationId: string; change: StockChange }[];
  };
  /** Pulled on-hands that disagreed with what pushes had made of the position since the last pull. */
  drift?: { positions: number; units: number };
}

/** One record key in what a source last reported: a fingerprint of the record as written ('' = reported, state unknown). */
export interface SnapshotEntry { sku: string; locationId: string; fp: string }

/** A source's snapshot of one stream as stored (connectors/sdk/snapshot.ts): keyed by positionKey. */
export interface StoredSnapshot {
  /** The folded entries with later checkpoint deltas applied in order. */
  entries: Map<string, SnapshotEntry>;
  /** The entries as folded, so the next fold rewrites only the shards that changed. */
  folded: Map<string, SnapshotEntry>;
  /** Shards the folded entries are spread over, the fold that wrote the newest of them, and the shard items present. */
  shards: number;
  generation: number;
  shardItems: number[];
  /** Sequence numbers of the checkpoint deltas read (the next fold deletes them; new ones number after them). */
  deltas: number[];
  /** Only the deltas were read (an incremental run appends to them and folds nothing). */
  partial?: boolean;
}

/** A position pushes changed since a pull last settled it; `token` tells this marking from a later one. */
export interface UnsettledPush { sku: string; locationId: string; token: string }

export interface QuarantineEntry {
  connector: string;
  stream: string;
  reason: string;
  raw: unknown;
}

export interface InventoryStore {
  /** Writes only what differs from the stored state; each write is conditional on the stored version. */
  upsertPositions(source: string, records: PositionRecord[], at: Date): Promise<PositionWriteResult>;
  getPosition(sku: string, locationId: string): Promise<Position | undefined>;
  listPositions(filter?: { locationId?: string }): AsyncIterable<Position>;
  /**
   * Marks positions of `source` not in `seen` as vanished (full reconcile). Returns how many were marked. With
   * `candidates` (the keys the source reported before) only those are read; without, the whole table is scanned.
   */
  markVanished(source: string, seen: ReadonlySet<string>, at: Date, candidates?: readonly { sku: string; locationId: string }[]): Promise<number>;
  /** Several positions at once, keyed by positionKey (unknown ones are absent). */
  getPositions(keys: readonly { sku: string; locationId: string }[]): Promise<Map<string, Position>>;

  /** What `connector` last reported on `stream`, or undefined when nothing was recorded; only the deltas with `deltasOnly`. */
  getSnapshot(connector: string, stream: string, deltasOnly?: boolean): Promise<StoredSnapshot | undefined>;
  /** Records entries whose writes finished (at a checkpoint) as deltas numbered from `seq`; returns the next number. */
  appendSnapshot(connector: string, stream: string, seq: number, entries: readonly SnapshotEntry[]): Promise<number>;
  /** Stores `entries` as the stream's snapshot, rewriting only changed shards, then deletes the deltas numbered `deltas`. */
  foldSnapshot(connector: string, stream: string, entries: ReadonlyMap<string, SnapshotEntry>, previous: StoredSnapshot | undefined, deltas: readonly number[], at: Date): Promise<StoredSnapshot>;
  /** Positions pushes changed since a pull settled them, keyed by positionKey. */
  unsettledPushes(): Promise<Map<string, UnsettledPush>>;
  /** Forgets markers a pull settled; one marked again since (another token) stays. */
  settlePushes(marks: readonly UnsettledPush[]): Promise<void>;

  /** Adds sales into position-month buckets; a (sku, location, day) is set, not summed, so re-reads are harmless. */
  recordSales(records: SalesRecord[]): Promise<number>;
  getDemand(sku: string, locationId: string, fromDay: string, toDay: string): Promise<DemandMonth[]>;

  putItems(items: Item[]): Promise<number>;
  getItem(sku: string): Promise<Item | undefined>;
  /** Several items at once, keyed by SKU (unknown SKUs are absent). */
  getItems(skus: string[]): Promise<Map<string, Item>>;
  putLocations(locations: Location[]): Promise<number>;
  listLocations(): Promise<Location[]>;
  putSuppliers(suppliers: Supplier[]): Promise<number>;
  getSupplier(id: string): Promise<Supplier | undefined>;

  getCursor(connector: string, stream: string): Promise<string | undefined>;
  putCursor(connector: string, stream: string, cursor: string, at: Date): Promise<void>;
  quarantine(entries: QuarantineEntry[], at: Date): Promise<void>;
  listQuarantine(connector: string): Promise<(QuarantineEntry & { at: string })[]>;
}
