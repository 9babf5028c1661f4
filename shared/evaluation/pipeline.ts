// Evaluate positions: load what the hub knows, run the engine, hand findings to the alert lifecycle
// and replenish decisions to the request planner. Storage and delivery come in as ports.
import type { HubConfig } from '../config.js';
import type { Decision } from '../engine/snapshot.js';
import { evaluatePosition } from '../engine/index.js';
import type { Item, Position } from '../model.js';
import type { Clock, InventoryStore } from '../ports.js';
import { addDays, toDay } from '../time.js';
import { buildSnapshot } from './snapshot-builder.js';

/** The labels routes match on. */
export interface PositionLabels {
  location: string;
  locationGroup?: string;
  category?: string;
  abcClass?: string;
  supplier?: string;
}

export interface EvaluatedPosition {
  position: Position;
  item?: Item;
  labels: PositionLabels;
  decision: Decision;
}

/** What the alert lifecycle and the request planner do with a batch of decisions; each returns the events it emitted. */
export interface DecisionSink<E = unknown> {
  accept(evaluated: EvaluatedPosition[], now: Date): Promise<E[]>;
}

export interface EvaluationPorts<E = unknown> {
  store: InventoryStore;
  config: HubConfig;
  clock: Clock;
  sinks?: DecisionSink<E>[];
}

export interface EvaluationReport<E = unknown> {
  evaluated: EvaluatedPosition[];
  skipped: { sku: string; locationId: string; reason: string }[];
  events: E[];
}

export async function evaluatePositions<E>(refs: { sku: string; locationId: string }[], ports: EvaluationPorts<E>): Promise<EvaluationReport<E>> {
  const { store, config, clock } = ports;
  const now = clock.now();
  const asOf = toDay(now);
  const fromDay = addDays(asOf, -(config.rules.historyDays - 1));
  const evaluated: EvaluatedPosition[] = [];
  const skipped: EvaluationReport['skipped'] = [];
  const unique = [...new Map(refs.map((r) => [`${r.sku}@${r.locationId}`, r])).values()];
  const items = new Map<string, Item | undefined>();
  for (const ref of unique) {
    const position = await store.getPosition(ref.sku, ref.locationId);
    if (!position) { skipped.push({ ...ref, reason: 'no such position' }); continue; }
    if (position.vanishedAt) { skipped.push({ ...ref, reason: `vanished from its source at ${position.vanishedAt}` }); continue; }
    if (!items.has(ref.sku)) items.set(ref.sku, await store.getItem(ref.sku));
    const item = items.get(ref.sku);
    const supplierId = item?.supplierId;
    const [demand, supplier] = await Promise.all([
      store.getDemand(ref.sku, ref.locationId, fromDay, asOf),
      supplierId ? store.getSupplier(supplierId) : Promise.resolve(undefined),
    ]);
    const supplierConfig = config.suppliers.find((s) => s.id === supplierId);
    const snapshot = buildSnapshot({ position, demand, item, supplier, supplierConfig, asOf, rules: config.rules });
    const decision = evaluatePosition(snapshot, config.rules);
    evaluated.push({ position, item, labels: labelsFor(position, item, config), decision });
  }
  const events: E[] = [];
  for (const sink of ports.sinks ?? []) events.push(...(await sink.accept(evaluated, now)));
  return { evaluated, skipped, events };
}

export function labelsFor(position: Position, item: Item | undefined, config: HubConfig): PositionLabels {
  const location = config.locations.find((l) => l.id === position.locationId);
  return {
    location: position.locationId,
    ...(location?.group ? { locationGroup: location.group } : {}),
    ...(item?.category ? { category: item.category } : {}),
    ...(item?.abcClass ? { abcClass: item.abcClass } : {}),
    ...(item?.supplierId ? { supplier: item.supplierId } : {}),
  };
}
