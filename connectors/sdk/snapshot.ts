// What a source last reported on its position streams, kept beside the checkpoints: a fingerprint per position key.
// A record whose fingerprint the snapshot holds is already in the table, so the sync neither reads nor writes it; the
// keys the snapshot holds and a complete read did not see are what the source stopped reporting (no table scan).
// Entries are recorded only once their writes finished: as deltas at checkpoints, folded into the snapshot at the end.
import { createHash } from 'node:crypto';
import { positionKey, type PositionRecord } from '../../shared/model.js';
import type { InventoryStore, SnapshotEntry, StoredSnapshot } from '../../shared/ports.js';
import { stableStringify } from '../../shared/stable-json.js';

/** A short hash of what a record says; when the hub read it (observedAt) and the run's id are not part of it. */
export function fingerprint(record: PositionRecord): string {
  const { observedAt: _observedAt, correlationId: _correlationId, ...fields } = record;
  return createHash('sha256').update(stableStringify(fields)).digest('base64url').slice(0, 12);
}

export class StreamSnapshot {
  /** This run's finished writes, by key. */
  private readonly written = new Map<string, SnapshotEntry>();
  private pending: SnapshotEntry[] = [];
  private readonly appended: number[] = [];
  private nextSeq: number;
  /** Whether anything was recorded before this run (a source synced before snapshots were kept has nothing). */
  readonly existed: boolean;

  private constructor(private readonly store: InventoryStore, private readonly connector: string, private readonly stream: string, private stored: StoredSnapshot | undefined) {
    this.nextSeq = Math.max(0, ...(stored?.deltas ?? [])) + 1;
    this.existed = stored !== undefined;
  }

  /**
   * A run that reads the stream from the start loads the whole snapshot (to skip unchanged records and find what the
   * source stopped reporting); an incremental run, which reads only what the source says changed, loads just the
   * deltas and appends its own, folded by the next run from the start.
   */
  static async load(store: InventoryStore, connector: string, stream: string, whole: boolean): Promise<StreamSnapshot> {
    return new StreamSnapshot(store, connector, stream, await store.getSnapshot(connector, stream, !whole));
  }

  /** Whether the whole snapshot is loaded (else only the deltas). */
  get whole(): boolean {
    return !this.stored?.partial;
  }

  /** Entries known (of the whole snapshot once loaded). */
  get size(): number {
    return this.stored?.entries.size ?? 0;
  }

  /** Loads the whole snapshot after all: an incremental run that turned out to read much of the stream. */
  async loadWhole(): Promise<void> {
    if (this.whole) return;
    this.stored = await this.store.getSnapshot(this.connector, this.stream);
  }

  /** Whether the table holds this record as the source reported it last. */
  holds(key: string, fp: string): boolean {
    return this.stored?.entries.get(key)?.fp === fp;
  }

  /** Records whose writes finished; a write lost to a concurrent writer is recorded with no fingerprint (re-read next run). */
  wrote(entries: readonly SnapshotEntry[]): void {
    for (const e of entries) this.written.set(positionKey(e.sku, e.locationId), e);
    this.pending.push(...entries);
  }

  /** At a checkpoint: what was written since the last one, as a delta. */
  async checkpoint(): Promise<void> {
    if (this.pending.length === 0) return;
    const first = this.nextSeq;
    this.nextSeq = await this.store.appendSnapshot(this.connector, this.stream, first, this.pending);
    for (let seq = first; seq < this.nextSeq; seq++) this.appended.push(seq);
    this.pending = [];
  }

  /** Keys the source reported before and not in `seen`. */
  unreported(seen: ReadonlySet<string>): SnapshotEntry[] {
    return [...(this.stored?.entries ?? new Map<string, SnapshotEntry>())].filter(([key]) => !seen.has(key)).map(([, e]) => e);
  }

  /**
   * Stores the snapshot after a stream ended: what was reported before with this run's `seen` keys updated; with
   * `replace`, only the `seen` keys (a complete read of a snapshot stream). Keys in `drop` are forgotten.
   */
  async finish(seen: ReadonlySet<string>, at: Date, options: { replace?: boolean; drop?: ReadonlySet<string> } = {}): Promise<void> {
    if (this.stored?.partial) {
      await this.checkpoint();
      return;
    }
    const before = this.stored?.entries ?? new Map<string, SnapshotEntry>();
    // Deltas to delete are re-applied if the fold stops part way: this run's last writes must be among them.
    if (this.appended.length > 0 || (this.stored?.deltas.length ?? 0) > 0) await this.checkpoint();
    const next = options.replace ? new Map<string, SnapshotEntry>() : new Map(before);
    for (const key of seen) {
      const entry = this.written.get(key) ?? before.get(key);
      if (entry) next.set(key, entry);
    }
    for (const key of options.drop ?? []) next.delete(key);
    this.stored = await this.store.foldSnapshot(this.connector, this.stream, next, this.stored, [...(this.stored?.deltas ?? []), ...this.appended], at);
    this.written.clear();
    this.appended.length = 0;
    this.pending = [];
  }
}
