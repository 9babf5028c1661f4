// runSync: one connector run. Reads each stream from its cursor, validates into the canonical model, writes diffs, checkpoints.
import { z } from 'zod';
import { formatPath, type ConnectorConfig } from '../../shared/config.js';
import { positionKey, type PositionRecord } from '../../shared/model.js';
import { redactSecrets } from '../../shared/redact.js';
import type { Clock, InventoryStore, PositionWriteResult, QuarantineEntry, UnsettledPush } from '../../shared/ports.js';
import { baseOptions, parseCursor, type ConnectorContext, type StreamName, type AnyConnector } from './contract.js';
import type { CredentialResolver } from './credentials.js';
import { HttpClient, httpOrigin, type HttpClientOptions } from './http.js';
import { fingerprint, StreamSnapshot } from './snapshot.js';
import { validateRecord, type StreamRecord } from './records.js';

export interface StreamReport {
  name: StreamName;
  /** Records the source yielded (valid or not). */
  read: number;
  /** Records whose stored state changed. */
  written: number;
  /** Valid records identical to what was stored: nothing written. */
  unchanged: number;
  quarantined: number;
  /** Position writes lost to a concurrent writer after one retry. */
  conflicts: number;
  checkpoints: number;
  /** True when this run read the stream from the start (initial or full sync). */
  fromStart: boolean;
  /** Why the stream failed this run (the others still ran). */
  error?: string;
  /** What the connector warned about without failing (unmapped locations, enrichments left out), each once. */
  warnings: string[];
  /** Positions whose pulled on-hand disagreed with what pushes had made of it (the pull wins), and by how many units. */
  drift?: { positions: number; units: number };
}

export interface StreamFailure { stream: StreamName; code: string; message: string; cause?: unknown }

export interface SyncReport {
  connector: string;
  type: string;
  /** A full reconcile: every stream read from the start and vanished positions marked. */
  full: boolean;
  streams: StreamReport[];
  /** Streams that failed this run, each with its error's code and message; the others ran to the end. */
  failed: Omit<StreamFailure, 'cause'>[];
  /** Positions of this source marked vanished by the full reconcile. */
  vanished: number;
  requests: number;
  throttled: number;
  retries: number;
  startedAt: string;
  durationMs: number;
}

/** Where a sync is while it runs: for a live progress line (connector, stream, records, pages, rate, ETA). */
export interface SyncProgress {
  connector: string;
  stream: StreamName;
  /** Records read from the source in this stream so far. */
  records: number;
  /** Requests made to the source for this stream so far (pages, retries included). */
  pages: number;
  /** Records per second so far. */
  rate: number;
  /** Records the source says the stream holds, when it says (a checkpoint's `total`). */
  total?: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds?: number;
  /** Records being written to the table right now (a batch between reads). */
  writing?: number;
  /** The stream has finished. */
  done: boolean;
}

/** How often progress is reported while a stream reads (also while a source pages without yielding records). */
const PROGRESS_EVERY_MS = 250;

export interface RunSyncOptions {
  config: ConnectorConfig;
  store: InventoryStore;
  clock: Clock;
  /** Resolves config.credentials; required when the config names credentials. */
  credentials?: CredentialResolver;
  /** Force a full reconcile now. */
  full?: boolean;
  /** The connector implementation; defaults to the registry's for config.type. */
  connector?: AnyConnector;
  /** Overrides for the HTTP client (tests inject `sleep`, `fetch`). */
  http?: Partial<HttpClientOptions>;
  /** Sync only these streams. */
  streams?: StreamName[];
  /** Records per store call. */
  batchSize?: number;
  /** Called after each checkpoint is stored (tests throw here to simulate a crash). */
  onCheckpoint?: (stream: StreamName, cursor: string) => void | Promise<void>;
  /** Called every quarter second while a stream reads and once when it finishes. */
  onProgress?: (progress: SyncProgress) => void;
  log?: (event: Record<string, unknown>) => void;
}

export class ConnectorOptionsError extends Error {
  readonly code = 'CONNECTOR_OPTIONS_INVALID';
  constructor(readonly connector: string, readonly issues: { path: string; message: string }[]) {
    super(`Connector "${connector}" has invalid options:\n${issues.map((i) => `  - options.${i.path || '(root)'}: ${i.message}`).join('\n')}\nFix connectors[name=${connector}].options in hub.config.`);
    this.name = 'ConnectorOptionsError';
  }
}

export class ConnectorCredentialsError extends Error {
  readonly code = 'CONNECTOR_CREDENTIALS_MISSING';
  constructor(readonly connector: string) {
    super(`Connector "${connector}" names credentials but no credential resolver was given to runSync.`);
    this.name = 'ConnectorCredentialsError';
  }
}

/** A run in which some streams failed: every other stream ran and the run counts as completed; `report` says what each did. */
export class SyncStreamsFailedError extends Error {
  readonly code = 'SYNC_STREAMS_FAILED';
  constructor(readonly connector: string, readonly failures: StreamFailure[], readonly report: SyncReport) {
    super(`Connector "${connector}": ${failures.map((f) => `stream ${f.stream} failed: ${f.message}`).join('; ')}. The other streams synced.`, { cause: failures[0]?.cause });
    this.name = 'SyncStreamsFailedError';
  }
}

/** The run stops here as if the process died (tests simulate crashes from onCheckpoint): no stream after it runs. */
class RunInterrupted extends Error {
  constructor(cause: unknown) {
    super('run interrupted', { cause });
  }
}

/** Cursor stream that counts completed runs, so every Nth run is a full reconcile. */
export const RUNS_CURSOR = '_runs';
const runsState = z.object({
  completed: z.number().int().nonnegative(),
  /** Streams an unfinished (crashed) run already completed: the next run skips them. */
  done: z.array(z.string()).optional(),
  /** How many runs in a row resumed the unfinished one (at most one does). */
  resumed: z.number().int().nonnegative().optional(),
  /** The rate limiter's state as the last response left it (e.g. Shopify's cost budget), so the next run starts informed. */
  limiter: z.unknown().optional(),
  /** Keys in each position stream's snapshot at the last run: how much of a stream a run must read to load it whole. */
  snapshots: z.record(z.string(), z.number()).optional(),
});

/** Streams that others depend on go first: locations and items before the positions that reference them. */
const STREAM_ORDER: StreamName[] = ['locations', 'items', 'suppliers', 'positions', 'purchaseOrders', 'sales'];

/** Parses config.options with the connector's spec, or throws a ConnectorOptionsError naming each wrong field. */
export function parseOptions<O>(connector: AnyConnector, config: ConnectorConfig): O {
  const parsed = connector.spec.safeParse(config.options);
  if (!parsed.success) {
    throw new ConnectorOptionsError(config.name, parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  return parsed.data as O;
}

/** Builds the context a connector runs in (used by runSync and `check`). */
export async function connectorContext<O>(connector: AnyConnector, opts: Pick<RunSyncOptions, 'config' | 'clock' | 'credentials' | 'http'>, full = false): Promise<ConnectorContext<O>> {
  const options = parseOptions<O>(connector, opts.config);
  let credential: string | undefined;
  if (opts.config.credentials) {
    if (!opts.credentials) throw new ConnectorCredentialsError(opts.config.name);
    credential = await opts.credentials(opts.config.credentials);
  }
  const base = { config: opts.config, options, endpoint: opts.config.endpoint.replace(/\/+$/, ''), credential, clock: opts.clock, full };
  const http = new HttpClient({ ...connector.http?.(base), ...opts.http, origin: httpOrigin(base.endpoint) });
  return { ...base, http };
}

async function resolveConnector(opts: RunSyncOptions): Promise<AnyConnector> {
  if (opts.connector) return opts.connector;
  const { connectorFor } = await import('../registry.js');
  return connectorFor(opts.config.type);
}

/** Runs `check` with the config's options and credentials; a thrown error becomes a failed check with its message. */
export async function checkConnector(opts: Pick<RunSyncOptions, 'config' | 'clock' | 'credentials' | 'http' | 'connector'>): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const connector = await resolveConnector(opts as RunSyncOptions);
    const ctx = await connectorContext(connector, opts);
    return await connector.check(ctx);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export async function runSync(opts: RunSyncOptions): Promise<SyncReport> {
  const started = opts.clock.now();
  const t0 = performance.now();
  const { config, store } = opts;
  const connector = await resolveConnector(opts);
  const runs = parseCursor(runsState, await store.getCursor(config.name, RUNS_CURSOR)) ?? { completed: 0 };
  const full = opts.full === true || (runs.completed > 0 && (runs.completed + 1) % config.fullReconcileEvery === 0);
  const ctx = await connectorContext<z.infer<typeof baseOptions>>(connector, opts, full);
  ctx.http.resumeLimiter(runs.limiter);
  const precision = ctx.options.precision ?? 6;
  const wanted = new Set(opts.streams ?? ctx.options.streams ?? STREAM_ORDER);
  const streams = connector.discover(ctx.options)
    .filter((s) => wanted.has(s.name))
    .sort((a, b) => STREAM_ORDER.indexOf(a.name) - STREAM_ORDER.indexOf(b.name));
  const batchSize = opts.batchSize ?? 500;
  const log = opts.log ?? (() => {});

  const reports: StreamReport[] = [];
  /** Positions this run saw from the source, for the full reconcile. */
  const seenPositions = new Set<string>();
  /** The snapshots of the position streams, for the full reconcile's vanished positions. */
  const snapshots = new Map<StreamName, StreamSnapshot>();
  const snapshotSizes: Record<string, number> = { ...runs.snapshots };
  let allPositionStreamsFromStart = true;

  // A crashed run's finished streams are skipped by the run that resumes it. If that one crashes too before storing
  // any checkpoint (no progress), the next reads every stream again: a stream that keeps crashing the run at the same
  // point can never leave the streams before it stale.
  const resuming = (runs.done?.length ?? 0) > 0 && (runs.resumed ?? 0) < 1;
  let resumed = resuming ? 1 : 0;
  const done = new Set(resuming ? runs.done : []);
  const failures: StreamFailure[] = [];
  const putRuns = () => store.putCursor(config.name, RUNS_CURSOR, JSON.stringify({ completed: runs.completed, done: [...done], resumed, limiter: ctx.http.limiterState() }), opts.clock.now());
  if (resuming) await putRuns();
  for (const stream of streams) {
    if (done.has(stream.name)) {
      if (stream.name === 'positions' || stream.name === 'purchaseOrders') allPositionStreamsFromStart = false;
      continue;
    }
    let progress: ReturnType<typeof trackProgress> | undefined;
    let writing: Promise<void> | undefined;
    try {
      // An empty cursor marks a snapshot stream that finished: the next run starts over.
      const stored = full ? undefined : (await store.getCursor(config.name, stream.name)) || undefined;
      const fromStart = stored === undefined;
      const report: StreamReport = { name: stream.name, read: 0, written: 0, unchanged: 0, quarantined: 0, conflicts: 0, checkpoints: 0, fromStart, warnings: [] };
      const seen = new Set<string>();
      const positional = stream.name === 'positions' || stream.name === 'purchaseOrders';
      const snapshot = positional ? await StreamSnapshot.load(store, config.name, stream.name, fromStart) : undefined;
      if (snapshot) snapshots.set(stream.name, snapshot);
      // Positions pushes changed since the last pull: this pull settles them even where the source record is unchanged.
      const unsettled = stream.name === 'positions' ? await store.unsettledPushes() : new Map<string, UnsettledPush>();
      // An incremental run loads the whole snapshot only once it has read a fiftieth of it (its size as the last run
      // left it; a batch when unknown): a source that reports everything every run has its unchanged records skipped,
      // one that reports only what changed does not pay to read the snapshot.
      const known = runs.snapshots?.[stream.name];
      const loadAt = known === undefined ? streamBatchOf(stream.name, batchSize) : Math.ceil(known / 50);
      /** Records to write, with their fingerprints; `check` when the snapshot may show them unchanged once loaded. */
      let batch = new Map<string, { record: unknown; fp?: string; check?: boolean }>();
      let rejects: QuarantineEntry[] = [];
      progress = opts.onProgress && trackProgress(opts.onProgress, config.name, stream.name, () => report.read, () => ctx.http.stats.requests);

      const writeBatch = async (entries: [string, { record: unknown; fp?: string }][], quarantined: QuarantineEntry[]): Promise<void> => {
        const at = opts.clock.now();
        if (quarantined.length > 0) await store.quarantine(quarantined, at);
        if (entries.length === 0) return;
        progress?.writing(entries.length);
        const counted = await write(store, config.name, stream.name, entries.map(([, e]) => e.record), at);
        progress?.writing(undefined);
        report.written += counted.written;
        report.unchanged += counted.unchanged;
        report.conflicts += counted.conflicts;
        if (counted.drift) report.drift = { positions: (report.drift?.positions ?? 0) + counted.drift.positions, units: (report.drift?.units ?? 0) + counted.drift.units };
        // Which record lost to a concurrent writer is not known: none of the batch counts as settled or written as read.
        const clean = counted.conflicts === 0;
        snapshot?.wrote(entries.map(([, e]) => ({ ...positionOf(e.record), fp: clean ? e.fp ?? '' : '' })));
        if (clean) await store.settlePushes(entries.flatMap(([key, e]) => (unsettled.has(key) && (e.record as PositionRecord).onHand !== undefined ? [unsettled.get(key)!] : [])));
      };
      // One batch writes while the next is read; at most one write is in flight.
      const flush = async (): Promise<void> => {
        await writing;
        if (snapshot && !snapshot.whole && report.read >= loadAt) await snapshot.loadWhole();
        const entries = [...batch].filter(([key, e]) => {
          const unchanged = e.check === true && snapshot?.whole === true && snapshot.holds(key, e.fp!);
          if (unchanged) report.unchanged++;
          return !unchanged;
        });
        const quarantined = rejects;
        batch = new Map();
        rejects = [];
        writing = writeBatch(entries, quarantined);
        writing.catch(() => {}); // awaited by the next flush or drain; the catch only keeps it from counting as unhandled
      };
      const drain = async (): Promise<void> => {
        await flush();
        await writing;
      };

      const streamBatch = streamBatchOf(stream.name, batchSize);
      const streamCtx = { ...ctx, full: ctx.full || fromStart };
      let lastCursor = stored;
      let readSinceCheckpoint = 0;
      // A checkpoint after no new records is no progress: hold it, and store it only if the stream ends there.
      let pending: string | undefined;
      const save = async (cursor: string): Promise<void> => {
        // A checkpoint is stored only after every record before it was written, and recorded in the snapshot.
        await drain();
        await snapshot?.checkpoint();
        await store.putCursor(config.name, stream.name, cursor, opts.clock.now());
        lastCursor = cursor;
        readSinceCheckpoint = 0;
        if (resumed > 0) {
          resumed = 0;
          await putRuns();
        }
        pending = undefined;
        report.checkpoints++;
        try {
          await opts.onCheckpoint?.(stream.name, cursor);
        } catch (error) {
          throw new RunInterrupted(error);
        }
      };
      for await (const message of connector.read(stream.name, stored, streamCtx)) {
        if (message.type === 'warning') {
          if (!report.warnings.includes(message.message)) report.warnings.push(message.message);
          log({ msg: 'stream warning', connector: config.name, stream: stream.name, warning: message.message });
          continue;
        }
        if (message.type === 'checkpoint') {
          if (message.total !== undefined) progress?.total(message.total);
          if (message.cursor === lastCursor) pending = undefined;
          // Checkpoints are stored once a batch's worth of records is read, so a checkpoint never forces a small write.
          else if (readSinceCheckpoint < streamBatch) pending = message.cursor;
          else await save(message.cursor);
          continue;
        }
        report.read++;
        readSinceCheckpoint++;
        const result = message.type === 'record' ? validateRecord(stream.name, message.record, precision) : { ok: false as const, reason: message.reason };
        if (!result.ok) {
          report.quarantined++;
          rejects.push({ connector: config.name, stream: stream.name, reason: result.reason, raw: redactSecrets(message.type === 'record' ? (message.raw ?? message.record) : message.raw) });
          continue;
        }
        const key = recordKey(stream.name, result.record);
        if (stream.name === 'purchaseOrders') {
          for (const line of (result.record as StreamRecord<'purchaseOrders'>).inbound) line.source = config.name;
        }
        let fp: string | undefined;
        let check = false;
        if (snapshot) {
          fp = fingerprint(result.record as PositionRecord);
          // Unchanged since the source last reported it (and written then): nothing to read or write. A full reconcile
          // re-diffs every record against the table.
          check = !full && !seen.has(key) && !unsettled.has(key);
          seen.add(key);
          if (check && snapshot.whole && snapshot.holds(key, fp)) {
            report.unchanged++;
            continue;
          }
        }
        // A pulled on-hand is a count as of when it was read: pushed moves after that stay on top of it.
        if (stream.name === 'positions') (result.record as StreamRecord<'positions'>).observedAt ??= opts.clock.now().toISOString();
        // A later record for the same key in one batch supersedes the earlier one (overlapping pages).
        batch.delete(key);
        batch.set(key, { record: result.record, fp, check });
        if (batch.size >= streamBatch || rejects.length >= batchSize) await flush();
      }
      if (pending !== undefined) await save(pending);
      await drain();
      progress?.done();

      if (positional) {
        for (const key of seen) seenPositions.add(key);
        if (!fromStart) allPositionStreamsFromStart = false;
      }
      if (stream.snapshot) {
        if (fromStart) {
          const cleared = await clearUnreported(store, config.name, seen, opts.clock.now(), snapshot?.existed || runs.completed === 0 ? snapshot?.unreported(seen) ?? [] : undefined);
          report.written += cleared.written;
          report.conflicts += cleared.conflicts;
        }
        await snapshot?.finish(seen, opts.clock.now(), { replace: fromStart });
        await store.putCursor(config.name, stream.name, '', opts.clock.now());
      } else {
        await snapshot?.finish(seen, opts.clock.now());
      }
      if (snapshot?.whole) snapshotSizes[stream.name] = snapshot.size;
      log({ msg: 'stream synced', connector: config.name, ...report });
      reports.push(report);
      done.add(stream.name);
      resumed = 0;
      await putRuns();
    } catch (error) {
      progress?.done();
      // A write still in flight finishes (or fails) before the run moves on; its outcome changes nothing here.
      await writing?.catch(() => {});
      if (error instanceof RunInterrupted) throw error.cause;
      // One stream's failure (a missing scope, a denied model) must not keep the others from refreshing: note it, go on.
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ stream: stream.name, code: (error as { code?: string }).code ?? 'SYNC_STREAM_FAILED', message, cause: error });
      reports.push({ name: stream.name, read: 0, written: 0, unchanged: 0, quarantined: 0, conflicts: 0, checkpoints: 0, fromStart: false, warnings: [], error: message });
      if (stream.name === 'positions' || stream.name === 'purchaseOrders') allPositionStreamsFromStart = false;
      log({ msg: 'stream failed', connector: config.name, stream: stream.name, error: message });
    }
  }

  let vanished = 0;
  if (full && allPositionStreamsFromStart && streams.some((s) => s.name === 'positions')) {
    const kept = [...snapshots.values()];
    // A source synced before snapshots were kept has none yet: its first full reconcile scans the table once.
    const known = runs.completed === 0 || (kept.length > 0 && kept.every((s) => s.existed));
    const candidates = known ? kept.flatMap((s) => s.unreported(seenPositions)) : undefined;
    vanished = await store.markVanished(config.name, seenPositions, opts.clock.now(), candidates);
    // Vanished (or never this source's): a position reported again is diffed against the table like a new one.
    const gone = new Set((candidates ?? []).map((c) => positionKey(c.sku, c.locationId)));
    if (gone.size > 0) await snapshots.get('positions')?.finish(new Set(), opts.clock.now(), { drop: gone });
  }
  await store.putCursor(config.name, RUNS_CURSOR, JSON.stringify({ completed: runs.completed + 1, limiter: ctx.http.limiterState(), snapshots: snapshotSizes }), opts.clock.now());

  const report: SyncReport = {
    connector: config.name,
    type: config.type,
    full,
    streams: reports,
    failed: failures.map(({ stream, code, message }) => ({ stream, code, message })),
    vanished,
    requests: ctx.http.stats.requests,
    throttled: ctx.http.stats.throttled,
    retries: ctx.http.stats.retries,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
  log({ msg: 'sync finished', connector: config.name, full, vanished, requests: report.requests, throttled: report.throttled, durationMs: report.durationMs });
  if (failures.length > 0) throw new SyncStreamsFailedError(config.name, failures, report);
  return report;
}

/** Reports a stream's progress on a timer until `done`; rate and ETA from what was read since the stream started. */
function trackProgress(report: (p: SyncProgress) => void, connector: string, stream: StreamName, records: () => number, requests: () => number) {
  const started = performance.now();
  const requestsBefore = requests();
  let total: number | undefined;
  let writing: number | undefined;
  const emit = (done: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const read = records();
    const rate = seconds > 0 ? read / seconds : 0;
    const left = total !== undefined && rate > 0 ? Math.max(0, total - read) / rate : undefined;
    report({ connector, stream, records: read, pages: requests() - requestsBefore, rate, total, etaSeconds: left, writing, done });
  };
  emit(false);
  const timer = setInterval(() => emit(false), PROGRESS_EVERY_MS);
  timer.unref();
  return {
    total: (n: number) => { total = n; },
    writing: (n: number | undefined) => { writing = n; },
    done: () => { clearInterval(timer); emit(true); },
  };
}

/** Sales land in position-month items: small batches would rewrite each month once per batch. */
const streamBatchOf = (stream: StreamName, batchSize: number): number => (stream === 'sales' ? Math.max(batchSize, 50_000) : batchSize);

const positionOf = (record: unknown) => {
  const { sku, locationId } = record as PositionRecord;
  return { sku, locationId };
};

function recordKey(stream: StreamName, record: unknown): string {
  const r = record as Record<string, string>;
  switch (stream) {
    case 'positions':
    case 'purchaseOrders':
      return positionKey(r.sku!, r.locationId!);
    case 'sales':
      return `${positionKey(r.sku!, r.locationId!)}#${r.day}`;
    case 'items':
      return r.sku!;
    case 'locations':
    case 'suppliers':
      return r.id!;
  }
}

async function write(store: InventoryStore, source: string, stream: StreamName, records: unknown[], at: Date): Promise<{ written: number; unchanged: number; conflicts: number; drift?: { positions: number; units: number } }> {
  if (stream === 'positions' || stream === 'purchaseOrders') {
    return store.upsertPositions(source, records as PositionRecord[], at);
  }
  const written = await (stream === 'sales' ? store.recordSales(records as StreamRecord<'sales'>[])
    : stream === 'items' ? store.putItems(records as StreamRecord<'items'>[])
      : stream === 'locations' ? store.putLocations(records as StreamRecord<'locations'>[])
        : store.putSuppliers(records as StreamRecord<'suppliers'>[]));
  return { written, unchanged: records.length - written, conflicts: 0 };
}

/**
 * After a complete snapshot read, positions whose inbound from this source was not reported get an empty list. The
 * candidates are the keys the source reported before (its snapshot); without one (a source synced before snapshots
 * were kept), the table is scanned once.
 */
async function clearUnreported(store: InventoryStore, source: string, seen: ReadonlySet<string>, at: Date, candidates: readonly { sku: string; locationId: string }[] | undefined): Promise<PositionWriteResult> {
  const positions = candidates ? (await store.getPositions(candidates)).values() : store.listPositions();
  const stale: PositionRecord[] = [];
  for await (const p of positions) {
    if (!seen.has(positionKey(p.sku, p.locationId)) && p.inbound.some((l) => l.source === source)) {
      stale.push({ sku: p.sku, locationId: p.locationId, inbound: [] });
    }
  }
  if (stale.length === 0) return { written: 0, unchanged: 0, conflicts: 0 };
  return store.upsertPositions(source, stale, at);
}
