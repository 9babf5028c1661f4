import { describe, expect, it } from 'vitest';
import { conditionRule, type ConditionRule } from '../../../shared/push/config.js';
import { conditionFinding, ruleFor, sensorCovers, stepExcursion, type Excursion } from '../../../shared/push/conditions.js';
import type { Position } from '../../../shared/model.js';

const vaccines: ConditionRule = conditionRule.parse({ name: 'vaccines', metric: 'temperature', match: { categories: ['vaccines'] }, min: 2, max: 8, forMinutes: 10, hysteresis: 0.5 });
const at = (minute: number) => new Date(Date.parse('2026-05-01T10:00:00Z') + minute * 60_000).toISOString();

/** Feeds readings (minute, °C) through the rule; returns the changes in order and the last state. */
function run(readings: [number, number][], rule = vaccines): { changes: string[]; state: Excursion | undefined } {
  let state: Excursion | undefined;
  const changes: string[] = [];
  for (const [minute, value] of readings) {
    const step = stepExcursion(state, rule, 'fridge-1', { at: at(minute), value });
    changes.push(step.change);
    state = step.next;
  }
  return { changes, state };
}

describe('an excursion from a storage range', () => {
  it('opens only after readings stay out of range for the rule\'s duration', () => {
    const { changes, state } = run([[0, 5], [1, 9], [5, 9.2], [11, 9.4]]);
    expect(changes).toEqual(['unchanged', 'unchanged', 'unchanged', 'opened']);
    expect(state).toMatchObject({ breached: true, outSince: at(1), peak: 9.4 });
  });

  it('does not open when the temperature comes back before the duration is up', () => {
    expect(run([[0, 9], [5, 7.9], [12, 9]]).changes).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('clears only once back inside by the hysteresis, so a value at the edge does not flap', () => {
    const { changes, state } = run([[0, 9], [10, 9], [11, 7.8], [12, 8.1], [13, 7.4]]);
    expect(changes).toEqual(['unchanged', 'opened', 'unchanged', 'unchanged', 'cleared']);
    expect(state).toMatchObject({ breached: false });
    expect(state?.outSince).toBeUndefined();
  });

  it('reports a worse peak, but not every small wobble, and not a slow creep step by step', () => {
    expect(run([[0, 9], [10, 9], [11, 9.2], [12, 10]]).changes).toEqual(['unchanged', 'opened', 'unchanged', 'worse']);
    expect(run([[0, 9], [10, 9], [11, 9.3], [12, 9.6], [13, 9.7]]).changes).toEqual(['unchanged', 'opened', 'unchanged', 'worse', 'unchanged']);
  });

  it('watches the lower bound as well', () => {
    expect(run([[0, 1], [10, 0.5]]).state).toMatchObject({ breached: true, peak: 0.5 });
  });

  it('ignores a reading older than one already taken into account', () => {
    expect(run([[10, 5], [5, 12]]).changes).toEqual(['unchanged', 'stale']);
  });
});

describe('which range an item is kept in', () => {
  const rules = [vaccines, conditionRule.parse({ name: 'insulin', metric: 'temperature', match: { skus: ['INSULIN'] }, min: 2, max: 6 })];

  it('prefers a rule naming the SKU to one naming its category', () => {
    expect(ruleFor(rules, 'temperature', { sku: 'INSULIN', category: 'vaccines' })?.name).toBe('insulin');
    expect(ruleFor(rules, 'temperature', { sku: 'FLU-1', category: 'vaccines' })?.name).toBe('vaccines');
    expect(ruleFor(rules, 'temperature', { sku: 'MILK', category: 'dairy' })).toBeUndefined();
    expect(ruleFor(rules, 'humidity', { sku: 'FLU-1', category: 'vaccines' })).toBeUndefined();
  });

  it('applies a sensor to what it covers, or to its whole location', () => {
    expect(sensorCovers({ id: 's', locationId: 'x', covers: { categories: ['vaccines'] } }, { sku: 'MILK', category: 'dairy' })).toBe(false);
    expect(sensorCovers({ id: 's', locationId: 'x' }, { sku: 'MILK', category: 'dairy' })).toBe(true);
  });
});

describe('the CONDITION finding', () => {
  const position: Position = {
    sku: 'FLU-1', locationId: 'pharmacy-1', onHand: 130, reserved: 0, inbound: [], openOrders: [], sources: ['erp'], version: 1, updatedAt: at(0),
    lots: [{ qty: 100, receivedAt: '2026-04-01', lotId: 'L-1' }, { qty: 30, receivedAt: '2026-04-20', lotId: 'L-2' }, { qty: 0, receivedAt: '2026-03-01', lotId: 'L-0' }],
  };
  const excursion: Excursion = { sensorId: 'fridge-1', rule: 'vaccines', lastAt: at(14), lastValue: 9.1, outSince: at(1), breached: true, peak: 9.8, reportedPeak: 9.6, version: 3 };

  it('names the affected lots, the units and their value', () => {
    const finding = conditionFinding({ rule: vaccines, sensor: { id: 'fridge-1', locationId: 'pharmacy-1' }, excursion, position, item: { sku: 'FLU-1', unitCost: 12.5 }, currency: 'EUR' });
    expect(finding).toMatchObject({
      type: 'CONDITION', severity: 'critical',
      facts: { lotsAtRisk: 2, unitsAtRisk: 130, valueAtRisk: 1625, lotIds: 'L-1, L-2', peak: 9.6, max: 8, outSince: at(1) },
    });
    expect(finding!.message).toBe('Temperature above 8 °C at sensor fridge-1 since 10:01 (worst 9.6 °C): 2 lots, 130 units worth €1,625.00 at risk');
  });

  it('has nothing at risk where nothing is stored', () => {
    expect(conditionFinding({ rule: vaccines, sensor: { id: 'fridge-1', locationId: 'pharmacy-1' }, excursion, position: { ...position, onHand: 0, lots: [] }, item: { sku: 'FLU-1', unitCost: 12.5 }, currency: 'EUR' })).toBeUndefined();
  });
});
