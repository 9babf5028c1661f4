import { describe, expect, it } from 'vitest';
import {
  addToSums, contributionOf, emptyVector, healthDelta, mergeDeltas, mergeSums, positionHealth, summarizeHealth, type HealthCell, type HealthInput,
} from '../../../shared/health/model.js';
import { alertFlow } from '../../../shared/health/flow.js';
import type { Finding } from '../../../shared/engine/snapshot.js';
import type { Alert } from '../../../shared/alerts/model.js';
import type { Location } from '../../../shared/model.js';

const base: HealthInput = { sku: 'A', locationId: 'store-1', category: 'tea', day: '2026-03-10', onHand: 10, unitCost: 2, forecastDaily: 1, daysOfCover: 10, findings: [] };
const risk: Finding = { type: 'STOCKOUT_RISK', severity: 'warning', message: 'm', facts: { valueAtRisk: 12.5 } };
const out: Finding = { type: 'STOCKOUT', severity: 'critical', message: 'm', facts: { lostSalesPerDay: 7 } };

/** Applies deltas to cells the way the adapter's ADD does. */
function apply(cells: Map<string, HealthCell>, deltas: ReturnType<typeof healthDelta>) {
  for (const d of deltas) {
    const key = `${d.locationId}#${d.category}`;
    const c = cells.get(key) ?? { locationId: d.locationId, category: d.category, vector: emptyVector(), fill: {} };
    for (const [k, x] of Object.entries(d.vector)) (c.vector as unknown as Record<string, number>)[k] = ((c.vector as unknown as Record<string, number>)[k] ?? 0) + x!;
    cells.set(key, c);
  }
}

describe('a position\'s health contribution', () => {
  it('counts a stockout once: STOCKOUT supersedes STOCKOUT_RISK as the alert lifecycle does', () => {
    const h = positionHealth({ ...base, onHand: 0, daysOfCover: 0, findings: [risk, out] });
    expect(h.vector).toMatchObject({ positions: 1, outOfStock: 1, atRisk: 0, valueAtRisk: 0, lostSalesPerDay: 7, cover0: 1 });
    expect(h.fill).toEqual({ demand: 1, lost: 1 });
  });

  it('buckets cover and lot age, and values stock without lots as of unknown age', () => {
    const h = positionHealth({ ...base, daysOfCover: 45, findings: [risk], lots: [{ qty: 4, receivedAt: '2026-03-01' }, { qty: 2, receivedAt: '2025-01-01' }] });
    expect(h.vector).toMatchObject({ atRisk: 1, valueAtRisk: 12.5, cover4: 1, age0: 8, age5: 4, ageUnknown: 8, stockValue: 20 });
    expect(positionHealth({ ...base, daysOfCover: null }).vector.coverNone).toBe(1);
  });
});

describe('health deltas', () => {
  it('sum to the fold of the final contributions whatever the order the workers apply them in', () => {
    const first = contributionOf(positionHealth({ ...base, findings: [risk] }));
    const second = contributionOf(positionHealth({ ...base, onHand: 0, daysOfCover: 0, findings: [out] }));
    const other = contributionOf(positionHealth({ ...base, sku: 'B', category: undefined, findings: [] }));
    const a = new Map<string, HealthCell>();
    apply(a, mergeDeltas([...healthDelta(undefined, first), ...healthDelta(undefined, other), ...healthDelta(first, second)]));
    const b = new Map<string, HealthCell>();
    apply(b, healthDelta(first, second));
    apply(b, healthDelta(undefined, other));
    apply(b, healthDelta(undefined, first));
    for (const cells of [a, b]) {
      expect(cells.get('store-1#tea')!.vector).toMatchObject({ positions: 1, atRisk: 0, outOfStock: 1, valueAtRisk: 0, stockValue: 0, cover0: 1, cover2: 0 });
      expect(cells.get('store-1#-')!.vector.positions).toBe(1);
    }
  });

  it('leave out what moves with the calendar: a contribution is the same the next day when the stock is', () => {
    const lots = [{ qty: 4, receivedAt: '2026-02-08' }];
    const monday = positionHealth({ ...base, lots });
    const tuesday = positionHealth({ ...base, day: '2026-03-11', lots, forecastDaily: 1.2 });
    // The lot crossed from the 0–30 to the 30–60 day bucket and the day's demand moved: neither is stored per position.
    expect([monday.vector.age0, tuesday.vector.age1]).toEqual([8, 8]);
    expect(contributionOf(monday)).toEqual(contributionOf(tuesday));
    expect(healthDelta(contributionOf(monday), contributionOf(tuesday))).toEqual([]);
    expect(Object.keys(contributionOf(monday).vector)).not.toContain('cogsPerDay');
    // A contribution stored before the split (with the calendar's fields) differs only in its state fields.
    expect(healthDelta({ ...contributionOf(monday), vector: { ...monday.vector } }, contributionOf(positionHealth({ ...base, onHand: 4, lots })))).toEqual([
      { locationId: 'store-1', category: 'tea', vector: { stockValue: -12 } },
    ]);
  });
});

describe('a sweep\'s sums', () => {
  it('add every field and the day\'s fill per cell, and merge across segments in any order', () => {
    const stocked = positionHealth({ ...base, lots: [{ qty: 10, receivedAt: '2026-03-01' }] });
    const empty = positionHealth({ ...base, sku: 'B', onHand: 0, daysOfCover: 0, findings: [out] });
    const vanished = contributionOf(positionHealth({ ...base, sku: 'C', onHand: 3 }));
    const one = [...addToSums(new Map(), [stocked, vanished]).values()];
    const two = [...addToSums(new Map(), [empty]).values()];
    for (const merged of [mergeSums([...one, ...two]), mergeSums([...two, ...one])]) {
      expect(merged).toHaveLength(1);
      expect(merged[0]!.vector).toMatchObject({ positions: 3, outOfStock: 1, stockValue: 26, cogsPerDay: 4, age0: 20, cover0: 1, cover2: 2 });
      // A position read but not evaluated adds its stored state, not a share of the day's demand.
      expect(merged[0]!.fill).toEqual({ demand: 2, lost: 1 });
    }
  });
});

describe('the overview summary', () => {
  const locations = new Map<string, Location>([
    ['store-1', { id: 'store-1', kind: 'store', group: 'north' }], ['web', { id: 'web', kind: 'channel' }],
  ]);
  const cell = (locationId: string, category: string, patch: Record<string, number>, fill: HealthCell['fill'] = {}): HealthCell =>
    ({ locationId, category, vector: { ...emptyVector(), ...patch } as HealthCell['vector'], fill });
  const cells = [
    cell('store-1', 'tea', { positions: 2, atRisk: 1, stockValue: 100, cogsPerDay: 1, deadStockCapital: 25, cover1: 2 }, { '2026-03-10': { demand: 10, lost: 2 } }),
    cell('web', 'tea', { positions: 3, outOfStock: 1, stockValue: 50 }, { '2026-03-10': { demand: 10, lost: 0 } }),
  ];

  it('adds the selected cells and derives turnover, dead-stock share and fill rate', () => {
    const all = summarizeHealth(cells, {}, locations);
    expect(all.totals).toMatchObject({ positions: 5, atRisk: 1, outOfStock: 1, stockValue: 150 });
    expect(all.fillRate).toEqual([{ day: '2026-03-10', rate: 0.9 }]);
    const stores = summarizeHealth(cells, { channel: 'store' }, locations);
    expect(stores.totals.positions).toBe(2);
    expect(stores.turnover).toBe(3.65);
    expect(stores.deadStockShare).toBe(0.25);
    expect(stores.coverHistogram.find((b) => b.bucket === '0–7')?.positions).toBe(2);
    expect(summarizeHealth(cells, { locationGroup: 'north', category: 'tea' }, locations).totals.positions).toBe(2);
    expect(summarizeHealth(cells, { location: 'web' }, locations).byLocation).toEqual([{ locationId: 'web', positions: 3, atRisk: 0, outOfStock: 1, valueAtRisk: 0 }]);
  });
});

describe('alert flow', () => {
  const alert = (patch: Partial<Alert>): Alert => ({
    fingerprint: 'f', alertId: 'a', type: 'STOCKOUT_RISK', severity: 'warning', state: 'open', sku: 'A', locationId: 'store-1',
    labels: { type: 'STOCKOUT_RISK', severity: 'warning' }, message: 'm', openedAt: '2026-03-09T08:00:00.000Z', updatedAt: '2026-03-09T08:00:00.000Z',
    escalationStep: 0, reopenCount: 0, version: 1, ...patch,
  });

  it('counts per day, the median time to acknowledge and the share followed by an action or a real shortage', () => {
    const flow = alertFlow([
      alert({ acknowledgedAt: '2026-03-09T08:30:00.000Z', state: 'acknowledged' }),
      alert({ sku: 'B' }),
      alert({ sku: 'C', openedAt: '2026-03-09T09:00:00.000Z' }),
      alert({ sku: 'C', type: 'STOCKOUT', openedAt: '2026-03-10T09:00:00.000Z', resolvedAt: '2026-03-10T12:00:00.000Z', state: 'resolved' }),
    ], new Date('2026-03-10T18:00:00Z'), 7);
    expect(flow.days.at(-2)).toEqual({ day: '2026-03-09', opened: 3, acknowledged: 1, resolved: 0 });
    expect(flow.days.at(-1)).toEqual({ day: '2026-03-10', opened: 1, acknowledged: 0, resolved: 1 });
    expect(flow.medianMinutesToAck).toBe(30);
    expect(flow.effective).toBe(3); // acknowledged, C followed by a stockout, the stockout itself; B neither
    expect(flow.effectiveShare).toBe(0.75);
  });
});
