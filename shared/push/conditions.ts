// Storage conditions: environment readings against per-category or per-item ranges, with a duration before an
// excursion counts and hysteresis before it clears. A breach raises CONDITION on every position the sensor covers,
// through the same alert lifecycle, routes and channels as the engine's findings, with the lots and value at risk.
import type { AlertEvent, LifecycleDeps } from '../alerts/index.js';
import { reconcilePosition } from '../alerts/lifecycle.js';
import type { HubConfig } from '../config.js';
import type { Finding } from '../engine/snapshot.js';
import { labelsFor } from '../evaluation/pipeline.js';
import { translate } from '../i18n/index.js';
import type { Item, Position } from '../model.js';
import type { Clock, InventoryStore } from '../ports.js';
import type { ConditionRule, EnvironmentMetric, ItemSelection, PushConfig, SensorConfig } from './config.js';
import { instant } from './ledger.js';
import type { EnvironmentReading } from './readings.js';

/** Where one sensor stands against one rule; stored per sensor × rule. */
export interface Excursion {
  sensorId: string;
  rule: string;
  /** The latest reading taken into account: an older one arriving later is ignored. */
  lastAt: string;
  lastValue: number;
  /** The first reading of the current run outside the range. */
  outSince?: string;
  /** Out of range for the rule's duration: an alert is open. */
  breached: boolean;
  /** The worst value since `outSince`. */
  peak?: number;
  /** The worst value the alert was last told (at opening, or when it got worse). */
  reportedPeak?: number;
  version: number;
}

export type ExcursionChange = 'opened' | 'worse' | 'cleared' | 'unchanged' | 'stale';

const UNITS: Record<EnvironmentMetric, string> = { temperature: '°C', humidity: '%' };

/** How far outside the range a value is (0 inside). */
export function distanceOutside(rule: ConditionRule, value: number): number {
  return Math.max(0, rule.max !== undefined ? value - rule.max : 0, rule.min !== undefined ? rule.min - value : 0);
}

/** One reading's step: the duration opens an excursion, hysteresis closes it, a worse peak updates it. */
export function stepExcursion(state: Excursion | undefined, rule: ConditionRule, sensorId: string, reading: { at: string; value: number }): { next: Excursion; change: ExcursionChange } {
  const at = instant(reading.at);
  const base: Excursion = state ?? { sensorId, rule: rule.name, lastAt: at, lastValue: reading.value, breached: false, version: 0 };
  if (state && at <= state.lastAt) return { next: state, change: 'stale' };
  const next: Excursion = { ...base, lastAt: at, lastValue: reading.value };
  const outside = distanceOutside(rule, reading.value) > 0;
  const wellInside = (rule.min === undefined || reading.value >= rule.min + rule.hysteresis) && (rule.max === undefined || reading.value <= rule.max - rule.hysteresis);
  const worst = (a: number | undefined, b: number) => (a === undefined || distanceOutside(rule, b) > distanceOutside(rule, a) ? b : a);
  if (base.breached) {
    if (wellInside) return { next: { ...next, breached: false, outSince: undefined, peak: undefined, reportedPeak: undefined }, change: 'cleared' };
    const peak = worst(base.peak, reading.value);
    // Only a peak worse than the one last reported by at least the hysteresis is news: wobbles do not rewrite the alert.
    const worse = distanceOutside(rule, peak) - distanceOutside(rule, base.reportedPeak ?? peak) >= Math.max(rule.hysteresis, 1e-9);
    return { next: { ...next, peak, ...(worse ? { reportedPeak: peak } : {}) }, change: worse ? 'worse' : 'unchanged' };
  }
  if (!outside) return { next: { ...next, outSince: undefined, peak: undefined }, change: 'unchanged' };
  const outSince = base.outSince ?? at;
  const peak = worst(base.peak, reading.value);
  const due = Date.parse(at) - Date.parse(outSince) >= rule.forMinutes * 60_000;
  return { next: { ...next, outSince, peak, breached: due, ...(due ? { reportedPeak: peak } : {}) }, change: due ? 'opened' : 'unchanged' };
}

const selects = (selection: ItemSelection | undefined, item: Pick<Item, 'sku' | 'category'>): 'sku' | 'category' | undefined =>
  selection?.skus?.includes(item.sku) ? 'sku' : item.category !== undefined && selection?.categories?.includes(item.category) ? 'category' : undefined;

/** The range an item is kept in for a metric: a rule naming its SKU, else one naming its category. */
export function ruleFor(rules: readonly ConditionRule[], metric: EnvironmentMetric, item: Pick<Item, 'sku' | 'category'>): ConditionRule | undefined {
  const candidates = rules.filter((r) => r.metric === metric);
  return candidates.find((r) => selects(r.match, item) === 'sku') ?? candidates.find((r) => selects(r.match, item) === 'category');
}

/** Whether an environment sensor measures where this item is kept (no `covers`: everything at its location). */
export const sensorCovers = (sensor: SensorConfig, item: Pick<Item, 'sku' | 'category'>): boolean => !sensor.covers || selects(sensor.covers, item) !== undefined;

/** The CONDITION finding of a breached excursion for one position, or undefined when nothing is stored there. */
export function conditionFinding(input: {
  rule: ConditionRule; sensor: SensorConfig; excursion: Excursion; position: Position; item: Item; currency: string; timeZone?: string;
}): Finding | undefined {
  const { rule, sensor, excursion, position, item } = input;
  const lots = position.lots?.filter((l) => l.qty > 0) ?? [];
  const units = lots.length > 0 ? lots.reduce((n, l) => n + l.qty, 0) : Math.max(0, position.onHand);
  if (units <= 0) return undefined;
  const peak = excursion.reportedPeak ?? excursion.peak ?? excursion.lastValue;
  const above = rule.max !== undefined && peak > rule.max;
  const limit = above ? rule.max! : rule.min!;
  const value = Math.round(units * item.unitCost * 100) / 100;
  const since = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: input.timeZone ?? 'UTC' }).format(new Date(excursion.outSince ?? excursion.lastAt));
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: input.currency }).format(value);
  const unit = UNITS[rule.metric];
  return {
    type: 'CONDITION',
    severity: rule.severity,
    message: translate('en', 'push.condition.message', {
      metric: translate('en', `push.metric.${rule.metric}`), direction: above ? 'above' : 'below', limit, unit, sensor: sensor.id,
      since, peak, lots: Math.max(1, lots.length), units, value: money,
    }),
    suggestedAction: translate('en', 'push.condition.action', { location: position.locationId }),
    facts: {
      rule: rule.name, sensor: sensor.id, metric: rule.metric, unit, peak, ...(rule.min !== undefined ? { min: rule.min } : {}), ...(rule.max !== undefined ? { max: rule.max } : {}),
      outSince: excursion.outSince ?? excursion.lastAt, lotsAtRisk: Math.max(1, lots.length), unitsAtRisk: units, valueAtRisk: value,
      ...(lots.some((l) => l.lotId) ? { lotIds: lots.map((l) => l.lotId ?? '?').join(', ').slice(0, 200) } : {}),
    },
  };
}

/** Storage of excursion states (shared/adapters/dynamodb/excursion-store.ts). */
export interface ExcursionStore {
  getExcursions(keys: readonly { sensorId: string; rule: string }[]): Promise<Excursion[]>;
  /** Writes `next` if the stored version is still `next.version - 1` (0: nothing stored); false when it lost a race. */
  saveExcursion(next: Excursion): Promise<boolean>;
}

export interface ConditionDeps {
  config: HubConfig & { push: PushConfig };
  store: Pick<InventoryStore, 'listPositions' | 'getItems'>;
  excursions: ExcursionStore;
  alerts: LifecycleDeps;
  clock: Clock;
}

export interface ConditionReport {
  /** Readings that moved an excursion (or confirmed it), and older ones that arrived after newer ones. */
  applied: number;
  stale: number;
  changes: { sensorId: string; rule: string; change: ExcursionChange }[];
  events: AlertEvent[];
}

const MAX_ATTEMPTS = 5;

/** Steps each sensor's excursions through its readings (oldest first), then reconciles CONDITION alerts where something changed. */
export async function applyEnvironmentReadings(deps: ConditionDeps, readings: readonly EnvironmentReading[]): Promise<ConditionReport> {
  const report: ConditionReport = { applied: 0, stale: 0, changes: [], events: [] };
  const sensors = new Map(deps.config.push.sensors.map((s) => [s.id, s]));
  const touched = new Set<string>();
  const bySensorMetric = new Map<string, EnvironmentReading[]>();
  for (const r of readings) bySensorMetric.set(`${r.sensorId}\u0000${r.metric}`, [...(bySensorMetric.get(`${r.sensorId}\u0000${r.metric}`) ?? []), r]);
  for (const group of bySensorMetric.values()) {
    const sensor = sensors.get(group[0]!.sensorId);
    if (!sensor) continue;
    const sorted = [...group].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const rule of deps.config.push.conditions.filter((r) => r.metric === group[0]!.metric)) {
      for (let attempt = 1; ; attempt++) {
        let [state] = await deps.excursions.getExcursions([{ sensorId: sensor.id, rule: rule.name }]);
        const stored = state;
        const changes: ExcursionChange[] = [];
        for (const reading of sorted) {
          const step = stepExcursion(state, rule, sensor.id, reading);
          changes.push(step.change);
          state = step.next;
        }
        if (state === stored) { report.stale += sorted.length; break; }
        if (!(await deps.excursions.saveExcursion({ ...state!, version: (stored?.version ?? 0) + 1 }))) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`Excursion of sensor ${sensor.id} against ${rule.name} kept changing under concurrent writers; the readings will be retried.`);
          continue;
        }
        report.applied += changes.filter((c) => c !== 'stale').length;
        report.stale += changes.filter((c) => c === 'stale').length;
        const news = changes.filter((c) => c === 'opened' || c === 'worse' || c === 'cleared');
        for (const change of news) report.changes.push({ sensorId: sensor.id, rule: rule.name, change });
        if (news.length > 0) touched.add(sensor.locationId);
        break;
      }
    }
  }
  for (const locationId of touched) report.events.push(...(await reconcileLocation(deps, locationId)));
  return report;
}

/** Every position at the location gets the CONDITION findings of the breaches that cover it (none clears its alert). */
async function reconcileLocation(deps: ConditionDeps, locationId: string): Promise<AlertEvent[]> {
  const { push } = deps.config;
  const here = push.sensors.filter((s) => s.locationId === locationId);
  const keys = here.flatMap((s) => push.conditions.map((r) => ({ sensorId: s.id, rule: r.name })));
  const breached = (await deps.excursions.getExcursions(keys)).filter((e) => e.breached);
  const positions: Position[] = [];
  for await (const p of deps.store.listPositions({ locationId })) positions.push(p);
  const items = await deps.store.getItems(positions.map((p) => p.sku));
  const timeZone = deps.config.locations.find((l) => l.id === locationId)?.timeZone;
  const now = deps.clock.now();
  const events: AlertEvent[] = [];
  for (const position of positions) {
    const item = items.get(position.sku);
    // Items no sensor here watches and no range applies to can have no CONDITION alert from these sensors.
    if (!item || !here.some((s) => sensorCovers(s, item)) || !push.conditions.some((r) => ruleFor(push.conditions, r.metric, item) === r)) continue;
    const findings = breached.flatMap((excursion) => {
      const sensor = here.find((s) => s.id === excursion.sensorId)!;
      const rule = push.conditions.find((r) => r.name === excursion.rule);
      if (!rule || !sensorCovers(sensor, item) || ruleFor(push.conditions, rule.metric, item) !== rule) return [];
      const finding = conditionFinding({ rule, sensor, excursion, position, item, currency: deps.config.replenishment.currency, timeZone });
      return finding ? [finding] : [];
    });
    const { location: _location, ...labels } = labelsFor(position, item, deps.config);
    events.push(...(await reconcilePosition({ sku: position.sku, locationId, labels, findings, types: ['CONDITION'], now }, deps.alerts)));
  }
  return events;
}
