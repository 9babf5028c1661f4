// Evaluate positions: load what the hub knows, run the engine, hand findings to the alert lifecycle
// and replenish decisions to the request planner. Storage and delivery come in as ports.
import type { HubConfig } from '../config.js';
import type { Decision } from '../engine/snapshot.js';
import { evaluatePosition } from '../engine/index.js';
import type { Item, Position, Supplier } from '../model.js';
import type { Clock, InventoryStore } from '../ports.js';
import { addDays, toDay } from '../time.js';
import { buildSnapshot } from './snapshot-builder.js';
import { attachTransfers } from './transfers.js';

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

/** A position to evaluate: by key, or already read (the sweep lists positions, so it need not read them twice). */
export type PositionRef = { sku: string; locationId: string; position?: Position };

export async function evaluatePositions<E>(refs: PositionRef[], ports: EvaluationPorts<E>): Promise<EvaluationReport<E>> {
  const { evaluated, skipped } = await evaluateOnly(refs, ports);
  // Short positions learn which other location can give them stock, overstocked ones where to send it.
  const locations = [...new Set([...ports.config.locations.map((l) => l.id), ...evaluated.map((e) => e.position.locationId)])];
  await attachTransfers(evaluated, locations, async (siblings) => (await evaluateOnly(siblings, ports)).evaluated);
  const events: E[] = [];
  for (const sink of ports.sinks ?? []) events.push(...(await sink.accept(evaluated, ports.clock.now())));
  return { evaluated, skipped, events };
}

async function evaluateOnly(refs: PositionRef[], ports: EvaluationPorts<unknown>): Promise<Pick<EvaluationReport, 'evaluated' | 'skipped'>> {
  const { store, config, clock } = ports;
  const now = clock.now();
  const asOf = toDay(now);
  const fromDay = addDays(asOf, -(config.rules.historyDays - 1));
  const evaluated: EvaluatedPosition[] = [];
  const skipped: EvaluationReport['skipped'] = [];
  const unique = [...new Map(refs.map((r) => [`${r.sku}@${r.locationId}`, r])).values()];
  // Items and suppliers are shared by many positions of a batch: read each once.
  const items = await store.getItems([...new Set(unique.map((r) => r.sku))]);
  const suppliers = new Map<string, Promise<Supplier | undefined>>();
  const supplierOf = (id: string) => {
    if (!suppliers.has(id)) suppliers.set(id, store.getSupplier(id));
    return suppliers.get(id)!;
  };
  for (const ref of unique) {
    const { sku, locationId } = ref;
    const position = ref.position ?? await store.getPosition(sku, locationId);
    if (!position) { skipped.push({ sku, locationId, reason: 'no such position' }); continue; }
    if (position.vanishedAt) { skipped.push({ sku, locationId, reason: `vanished from its source at ${position.vanishedAt}` }); continue; }
    const item = items.get(sku);
    const supplierId = item?.supplierId;
    const [demand, supplier] = await Promise.all([
      store.getDemand(sku, locationId, fromDay, asOf),
      supplierId ? supplierOf(supplierId) : Promise.resolve(undefined),
    ]);
    const supplierConfig = config.suppliers.find((s) => s.id === supplierId);
    const snapshot = buildSnapshot({ position, demand, item, supplier, supplierConfig, asOf, rules: config.rules });
    const decision = evaluatePosition(snapshot, config.rules);
    evaluated.push({ position, item, labels: labelsFor(position, item, config), decision });
  }
  return { evaluated, skipped };
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
