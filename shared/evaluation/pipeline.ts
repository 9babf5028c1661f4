// Evaluate positions in batches: load what the hub knows (positions with their history and alert digest, items,
// suppliers) in a few batched reads, run the engine, hand the decisions to the sinks (alert lifecycle, request planner),
// publish their events. Storage and delivery come in as ports.
import type { AlertDigest } from '../alerts/digest.js';
import type { StoredHealth } from '../health/model.js';
import type { HubConfig } from '../config.js';
import type { Decision } from '../engine/snapshot.js';
import { evaluatePosition } from '../engine/index.js';
import type { Item, Location, Position, Supplier } from '../model.js';
import { positionKey } from '../model.js';
import type { Clock } from '../ports.js';
import { toDay } from '../time.js';
import type { DemandHistory } from './history.js';
import { buildSnapshot } from './snapshot-builder.js';
import { attachTransfers, type StandingChange, type TransferBoard } from './transfers.js';

/** The labels routes match on. */
export interface PositionLabels {
  location: string;
  locationGroup?: string;
  category?: string;
  abcClass?: string;
  supplier?: string;
}

/** A position with what evaluating it needs from its partition. */
export interface LoadedPosition {
  position: Position;
  history: DemandHistory | undefined;
  /** The digest of its alerts; undefined when none is stored yet (every alert is then read). */
  alerts?: AlertDigest;
  /** Its last stock-health contribution as read with it: null when none is stored, undefined when not read. */
  health?: StoredHealth | null;
}

export interface EvaluatedPosition {
  position: Position;
  item?: Item;
  labels: PositionLabels;
  decision: Decision;
  alerts?: AlertDigest;
  health?: StoredHealth | null;
}

/** What a sink did with a batch: the events to publish, and what to do once they are on the bus. */
export interface SinkOutcome<E> {
  events: E[];
  afterPublish?: () => Promise<void>;
}

/** What the alert lifecycle and the request planner do with a batch of decisions. */
export interface DecisionSink<E = unknown> {
  accept(evaluated: EvaluatedPosition[], now: Date): Promise<SinkOutcome<E>>;
}

/** A position to evaluate: by key, or already read (the sweep scans positions, a stream record carries its image). */
export type PositionRef = { sku: string; locationId: string; position?: Position };

/** What evaluation reads; each method answers for many positions in a few batched calls. */
export interface EvaluationStore {
  /** The positions (read unless the ref carries them) with their demand history, alert digest and stock-health contribution. */
  loadPositions(refs: readonly PositionRef[]): Promise<LoadedPosition[]>;
  getItems(skus: readonly string[]): Promise<Map<string, Item>>;
  getSuppliers(ids: readonly string[]): Promise<Map<string, Supplier>>;
  /** Each SKU's transfer board (what its locations need and can spare); SKUs without one are absent. */
  getTransferBoards(skus: readonly string[]): Promise<Map<string, TransferBoard>>;
  /** Stores standings on their SKUs' boards; a write lost to a concurrent one is written by the position's next evaluation. */
  saveStandings(changes: readonly StandingChange[]): Promise<void>;
}

/** Items and suppliers read once per run (a sweep worker) or batch (a stream invocation), shared by its batches. */
export class ReferenceCache {
  private readonly items = new Map<string, Promise<Item | undefined>>();
  private readonly suppliers = new Map<string, Promise<Supplier | undefined>>();

  itemsFor(store: EvaluationStore, skus: readonly string[]): Promise<Map<string, Item>> {
    return cached(this.items, skus, (missing) => store.getItems(missing));
  }

  suppliersFor(store: EvaluationStore, ids: readonly string[]): Promise<Map<string, Supplier>> {
    return cached(this.suppliers, ids, (missing) => store.getSuppliers(missing));
  }
}

/** Looks keys up in `cache`, reading the missing ones in one call (concurrent callers share a read in progress). */
async function cached<T>(cache: Map<string, Promise<T | undefined>>, keys: readonly string[], read: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
  const missing = [...new Set(keys)].filter((k) => !cache.has(k));
  if (missing.length) {
    const found = read(missing);
    for (const k of missing) cache.set(k, found.then((m) => m.get(k)));
  }
  const unique = [...new Set(keys)];
  const values = await Promise.all(unique.map((k) => cache.get(k)!));
  return new Map(unique.flatMap((k, i) => (values[i] === undefined ? [] : [[k, values[i]!] as const])));
}

export interface EvaluationPorts<E = unknown> {
  store: EvaluationStore;
  config: HubConfig;
  clock: Clock;
  sinks?: DecisionSink<E>[];
  /** Puts the sinks' events on the bus; after it returns, the sinks' afterPublish hooks run. */
  publish?: (events: E[]) => Promise<void>;
  cache?: ReferenceCache;
}

export interface EvaluationReport<E = unknown> {
  evaluated: EvaluatedPosition[];
  skipped: { sku: string; locationId: string; reason: string }[];
  /** Positions the engine could not evaluate (bad stored data), with the reason; the others went ahead. */
  failed: { sku: string; locationId: string; reason: string }[];
  events: E[];
}

/** Evaluates a batch of positions by key (reading them) or as read. `now` defaults to the clock (a sweep passes its run's). */
export async function evaluatePositions<E>(refs: readonly PositionRef[], ports: EvaluationPorts<E>, now = ports.clock.now()): Promise<EvaluationReport<E>> {
  const unique = [...new Map(refs.map((r) => [positionKey(r.sku, r.locationId), r])).values()];
  const loaded = await ports.store.loadPositions(unique);
  const found = new Set(loaded.map((l) => positionKey(l.position.sku, l.position.locationId)));
  const report = await evaluateLoaded(loaded, ports, now);
  for (const r of unique) if (!found.has(positionKey(r.sku, r.locationId))) report.skipped.push({ sku: r.sku, locationId: r.locationId, reason: 'no such position' });
  return report;
}

/** Evaluates positions already loaded (a scan page), then runs the sinks and publishes. */
export async function evaluateLoaded<E>(loaded: readonly LoadedPosition[], ports: EvaluationPorts<E>, now: Date): Promise<EvaluationReport<E>> {
  const cache = ports.cache ?? new ReferenceCache();
  // The SKUs' transfer boards are read beside their items (one key per SKU, however many locations it has).
  const boards = ports.store.getTransferBoards([...new Set(loaded.map((l) => l.position.sku))]);
  boards.catch(() => undefined); // awaited below; decide may fail first
  const report: EvaluationReport<E> = { ...(await decide(loaded, ports, now, cache)), events: [] };
  // Short positions learn which other location can give them stock, overstocked ones where to send it.
  const gone = loaded.filter((l) => l.position.vanishedAt).map((l) => l.position);
  const standings = attachTransfers(report.evaluated, await boards, gone);
  const [outcomes] = await Promise.all([
    Promise.all((ports.sinks ?? []).map((sink) => sink.accept(report.evaluated, now))),
    standings.length ? ports.store.saveStandings(standings) : undefined,
  ]);
  report.events = outcomes.flatMap((o) => o.events);
  if (ports.publish && report.events.length) await ports.publish(report.events);
  for (const o of outcomes) await o.afterPublish?.();
  return report;
}

/** The engine's decisions for loaded positions (vanished ones skipped, bad stored data failed), without the sinks. */
async function decide(loaded: readonly LoadedPosition[], { store, config }: Pick<EvaluationPorts, 'store' | 'config'>, now: Date, cache: ReferenceCache):
  Promise<Pick<EvaluationReport, 'evaluated' | 'skipped' | 'failed'>> {
  const asOf = toDay(now);
  const report: Pick<EvaluationReport, 'evaluated' | 'skipped' | 'failed'> = { evaluated: [], skipped: [], failed: [] };
  const live = loaded.filter(({ position: p }) => {
    if (p.vanishedAt) report.skipped.push({ sku: p.sku, locationId: p.locationId, reason: `vanished from its source at ${p.vanishedAt}` });
    return !p.vanishedAt;
  });
  const items = await cache.itemsFor(store, live.map((l) => l.position.sku));
  const suppliers = await cache.suppliersFor(store, [...new Set([...items.values()].flatMap((i) => (i.supplierId ? [i.supplierId] : [])))]);
  const labels = labeller(config);
  const supplierConfigs = new Map(config.suppliers.map((s) => [s.id, s]));
  for (const { position, history, alerts, health } of live) {
    const item = items.get(position.sku);
    const supplierId = item?.supplierId;
    try {
      const snapshot = buildSnapshot({
        position, history, item, supplier: supplierId ? suppliers.get(supplierId) : undefined,
        supplierConfig: supplierId ? supplierConfigs.get(supplierId) : undefined, asOf, rules: config.rules,
      });
      const decision = evaluatePosition(snapshot, config.rules);
      report.evaluated.push({ position, item, labels: labels(position, item), decision, ...(alerts ? { alerts } : {}), ...(health !== undefined ? { health } : {}) });
    } catch (error) {
      report.failed.push({ sku: position.sku, locationId: position.locationId, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

const labellers = new WeakMap<HubConfig, (position: Position, item: Item | undefined) => PositionLabels>();

/** labelsFor with the config's locations indexed once. */
function labeller(config: HubConfig): (position: Position, item: Item | undefined) => PositionLabels {
  let label = labellers.get(config);
  if (!label) {
    const locations = new Map<string, Location>(config.locations.map((l) => [l.id, l]));
    label = (position, item) => labelsOf(position, item, locations.get(position.locationId));
    labellers.set(config, label);
  }
  return label;
}

export function labelsFor(position: Position, item: Item | undefined, config: HubConfig): PositionLabels {
  return labeller(config)(position, item);
}

function labelsOf(position: Position, item: Item | undefined, location: Location | undefined): PositionLabels {
  return {
    location: position.locationId,
    ...(location?.group ? { locationGroup: location.group } : {}),
    ...(item?.category ? { category: item.category } : {}),
    ...(item?.abcClass ? { abcClass: item.abcClass } : {}),
    ...(item?.supplierId ? { supplier: item.supplierId } : {}),
  };
}
