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
  /** Marks positions of `source` not in `seen` as vanished (full reconcile). Returns how many were marked. */
  markVanished(source: string, seen: ReadonlySet<string>, at: Date): Promise<number>;

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
