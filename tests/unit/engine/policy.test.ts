import { describe, expect, it } from 'vitest';
import { ruleDefaults } from '../../../shared/config.js';
import { evaluatePosition, type EngineDecision } from '../../../shared/engine/index.js';
import { normalQuantile } from '../../../shared/engine/stats.js';
import { at, defaultRules, snapshot } from './fixtures.js';

const types = (d: EngineDecision): string[] => d.alerts.map((a) => a.type);

describe('evaluatePosition: policy numbers', () => {
  it('computes safety stock from demand and lead-time variability', () => {
    const steady = evaluatePosition(snapshot(), defaultRules);
    const erratic = evaluatePosition(snapshot({ supplier: { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: [5, 7, 9, 11, 3] } }), defaultRules);
    const e = erratic.explain;
    const sd = Math.max(e.demandSdDaily, Math.sqrt(erratic.forecastDaily));
    const expected = normalQuantile(0.95) * Math.sqrt(e.leadTimeDays * sd * sd + erratic.forecastDaily ** 2 * e.leadTimeSdDays ** 2);
    expect(e.leadTimeSdDays).toBeCloseTo(Math.sqrt(10), 3);
    expect(erratic.safetyStock).toBeCloseTo(expected, 1);
    expect(erratic.safetyStock).toBeGreaterThan(steady.safetyStock * 2);
  });

  it('sets reorder point = d·L + SS and order-up-to = d·(L + review) + SS', () => {
    const d = evaluatePosition(snapshot(), defaultRules);
    expect(d.forecastDaily).toBeCloseTo(10, 0);
    expect(d.reorderPoint).toBeCloseTo(d.forecastDaily * 7 + d.safetyStock, 0);
    expect(d.orderUpTo).toBeCloseTo(d.forecastDaily * 14 + d.safetyStock, 0);
    expect(d.daysOfCover).toBeCloseTo(200 / d.forecastDaily, 0);
  });

  it('leaves out-of-stock days out of the forecast', () => {
    const base = snapshot();
    const daily = base.demand.daily.map((q, i) => (i >= 100 ? 0 : q));
    const outOfStock = Array.from({ length: 20 }, (_, i) => 100 + i);
    const censored = evaluatePosition({ ...base, demand: { ...base.demand, daily, outOfStock } }, defaultRules);
    const naive = evaluatePosition({ ...base, demand: { ...base.demand, daily } }, defaultRules);
    expect(censored.forecastDaily).toBeCloseTo(10, 0);
    expect(censored.explain.censoredDays).toBe(20);
    expect(naive.forecastDaily).toBeLessThan(6);
  });

  it('picks the service level: override, then item, then ABC class, then default', () => {
    const rules = ruleDefaults.parse({ serviceLevel: 0.9, serviceLevelByAbc: { A: 0.99 }, overrides: [{ sku: 'SKU-1', serviceLevel: 0.8 }] });
    const base = snapshot();
    expect(evaluatePosition(base, rules).explain.serviceLevel).toBe(0.8);
    const other = { ...base, sku: 'X' };
    expect(evaluatePosition({ ...other, item: { ...base.item, serviceLevel: 0.97, abcClass: 'A' } }, rules).explain.serviceLevel).toBe(0.97);
    expect(evaluatePosition({ ...other, item: { ...base.item, abcClass: 'A' } }, rules).explain.serviceLevel).toBe(0.99);
    expect(evaluatePosition({ ...other, item: { ...base.item, abcClass: 'B' } }, rules).explain.serviceLevel).toBe(0.9);
  });

  it('is deterministic and unaffected by positions evaluated in between', () => {
    const a = snapshot();
    const first = evaluatePosition(a, defaultRules);
    evaluatePosition(snapshot({ onHand: 3 }, 400, 50), defaultRules);
    expect(evaluatePosition(a, defaultRules)).toEqual(first);
  });
});

describe('evaluatePosition: replenishment', () => {
  it('orders routinely without any alert when an order today arrives in time', () => {
    // ROP ≈ 70 + 14 safety stock: 80 on hand is below it but covers the 7-day lead time.
    const d = evaluatePosition(snapshot({ onHand: 80 }), defaultRules);
    expect(d.replenish).not.toBeNull();
    expect(d.alerts).toEqual([]);
    expect(d.replenish?.qty).toBeCloseTo(d.orderUpTo - 80, -1);
  });

  it('rounds up to pack size and at least the MOQ, and counts inbound so it never double-orders', () => {
    const base = snapshot({ onHand: 60, item: { unitCost: 4, packSize: 12, moq: 200 } });
    const d = evaluatePosition(base, defaultRules);
    expect(d.replenish?.qty).toBe(204);
    const covered = evaluatePosition({ ...base, inbound: [{ qty: 204, eta: at(base.asOf, 5) }] }, defaultRules);
    expect(covered.replenish).toBeNull();
    const small = evaluatePosition({ ...base, item: { unitCost: 4, packSize: 12 } }, defaultRules);
    expect((small.replenish?.qty ?? 0) % 12).toBe(0);
    expect(small.replenish?.qty ?? 0).toBeGreaterThanOrEqual(d.orderUpTo - 60);
  });

  it('respects min/max from the item and from rule overrides (overrides win)', () => {
    const item = { unitCost: 4, minQty: 150, maxQty: 400 };
    const d = evaluatePosition(snapshot({ onHand: 140, item }), defaultRules);
    expect(d.reorderPoint).toBe(150);
    expect(d.orderUpTo).toBe(400);
    expect(d.replenish?.qty).toBe(260);
    const rules = ruleDefaults.parse({ overrides: [{ location: 'store-1', minQty: 100, maxQty: 300 }] });
    const o = evaluatePosition(snapshot({ onHand: 140, item }), rules);
    expect(o.reorderPoint).toBe(100);
    expect(o.replenish).toBeNull();
  });
});

describe('evaluatePosition: findings', () => {
  it('STOCKOUT when nothing is available', () => {
    const d = evaluatePosition(snapshot({ onHand: 5, reserved: 5 }), defaultRules);
    expect(d.alerts[0]).toMatchObject({ type: 'STOCKOUT', severity: 'critical', facts: expect.objectContaining({ available: 0 }) });
  });

  it('STOCKOUT_RISK when stock runs out before a new order can arrive, counting inbound at its realistic ETA', () => {
    const base = snapshot({ onHand: 45 });
    const risk = evaluatePosition(base, defaultRules);
    expect(types(risk)).toEqual(['STOCKOUT_RISK']);
    expect(risk.alerts[0]?.projectedStockout).toBe(at(base.asOf, 5));
    // 45 units, 10 a day, 7 days to an order: running out is all but certain, ~15 units short, ~30 to cover to the service level.
    expect(risk.alerts[0]?.facts?.stockoutProbability).toBeGreaterThan(0.95);
    expect(risk.alerts[0]?.facts?.expectedShortUnits).toBeGreaterThan(10);
    expect(risk.alerts[0]?.facts?.coverUnits).toBeGreaterThan(20);
    expect(risk.alerts[0]?.message).toMatch(/^\d+% chance of running out/);
    // Nothing is on the way, so there is nothing to expedite.
    expect(risk.alerts[0]?.suggestedAction).not.toMatch(/expedite/);
    expect(risk.alerts[0]?.suggestedAction).toMatch(/transfer/);
    // An inbound due in 3 days fixes it…
    const saved = evaluatePosition({ ...base, inbound: [{ qty: 100, eta: at(base.asOf, 3) }] }, defaultRules);
    expect(types(saved)).not.toContain('STOCKOUT_RISK');
    // …unless the supplier typically delivers 4 days late.
    const late = evaluatePosition({ ...base, inbound: [{ qty: 100, eta: at(base.asOf, 3) }], supplier: { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: [11, 11, 11] } }, defaultRules);
    expect(late.explain.supplierLatenessDays).toBe(4);
    expect(types(late)).toContain('STOCKOUT_RISK');
    expect(late.alerts.find((a) => a.type === 'STOCKOUT_RISK')?.suggestedAction).toMatch(/expedite/);
    expect(late.alerts.find((a) => a.type === 'STOCKOUT_RISK')?.facts).toMatchObject({ nextInboundQty: 100, nextInboundSupplier: 'sup-1', orderArrives: at(base.asOf, 11) });
  });

  it('STOCKOUT_RISK weighs when inbound really arrives: the same ETA is a risk at an erratic supplier, not at a punctual one', () => {
    // 45 units last 4.5 days; 100 units were ordered 4 days ago and are quoted for day 3.
    const base = snapshot({ onHand: 45 });
    const inbound = [{ qty: 100, eta: at(base.asOf, 3), orderedAt: at(base.asOf, -4), supplierId: 'sup-1' }];
    const punctual = evaluatePosition({ ...base, inbound, supplier: { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: [7, 7, 7, 7, 7, 7] } }, defaultRules);
    const erraticSupplier = { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: [5, 6, 7, 7, 13, 14, 15] };
    const erratic = evaluatePosition({ ...base, inbound, supplier: erraticSupplier }, defaultRules);
    expect(types(punctual)).not.toContain('STOCKOUT_RISK');
    const risk = erratic.alerts.find((a) => a.type === 'STOCKOUT_RISK');
    // 3 of the 5 receipts slower than the 4 days already waited took 13+ days: ≈ 60% chance the 100 units come too late.
    expect(risk?.facts?.stockoutProbability).toBeGreaterThan(0.5);
    expect(risk?.facts?.stockoutProbability).toBeLessThan(0.75);
    // The threshold is the user's trade-off between warning early and warning rightly.
    const stricter = ruleDefaults.parse({ stockoutRiskProbability: 0.8 });
    expect(types(evaluatePosition({ ...base, inbound, supplier: erraticSupplier }, stricter))).not.toContain('STOCKOUT_RISK');
  });

  it('LOW_STOCK when below safety stock with nothing on order, yet an order today is in time', () => {
    // Lead time 2 ± 2 days: a big buffer, and 25 units still last past the 2 days an order takes.
    const d = evaluatePosition(snapshot({ onHand: 25, supplier: { id: 'sup-1', leadTimeDays: 2, observedLeadTimes: [1, 1, 1, 5] } }), defaultRules);
    expect(d.safetyStock).toBeGreaterThan(25);
    expect(types(d)).toEqual(['LOW_STOCK']);
    expect(d.replenish).not.toBeNull();
  });

  it('OVERSTOCK with the capital tied up', () => {
    const d = evaluatePosition(snapshot({ onHand: 500 }), defaultRules);
    const f = d.alerts.find((a) => a.type === 'OVERSTOCK');
    expect(f?.facts?.capitalTiedUp).toBeCloseTo((500 - d.orderUpTo) * 4, 0);
    expect(evaluatePosition(snapshot({ onHand: 250 }), defaultRules).alerts).toEqual([]);
  });

  it('DEAD_STOCK when nothing sold for deadStockDays', () => {
    const base = snapshot({}, 200);
    const daily = base.demand.daily.map((q, i) => (i < 100 ? q : 0));
    const d = evaluatePosition({ ...base, demand: { ...base.demand, daily } }, defaultRules);
    expect(types(d)).toEqual(['DEAD_STOCK']);
    expect(d.alerts[0]?.facts).toMatchObject({ daysWithoutDemand: 100, capitalTiedUp: 800 });
  });

  it('AGEING and EXPIRY from lots, selling oldest first', () => {
    const asOf = '2026-05-01';
    const d = evaluatePosition(snapshot({
      onHand: 200,
      lots: [
        { qty: 50, receivedAt: at(asOf, -200) },
        { qty: 100, receivedAt: at(asOf, -10), expiresAt: at(asOf, 8) },
        { qty: 50, receivedAt: at(asOf, -5), expiresAt: at(asOf, 60) },
      ],
    }), defaultRules);
    const ageing = d.alerts.find((a) => a.type === 'AGEING');
    expect(ageing?.facts).toMatchObject({ agedUnits: 50, oldestLotDays: 200 });
    // 7 sellable days × 10/day = 70; the first 50 go to the old lot, so 20 of the 100 sell and 80 expire.
    const expiry = d.alerts.find((a) => a.type === 'EXPIRY');
    expect(expiry?.facts?.expiringUnits).toBeCloseTo(80, -1);
    expect(expiry?.severity).toBe('warning');
  });

  it('SUPPLY_GAP when confirmed orders exceed stock plus inbound', () => {
    const asOf = '2026-05-01';
    const d = evaluatePosition(snapshot({ onHand: 100, openOrders: [{ qty: 80, due: at(asOf, 2) }, { qty: 60, due: at(asOf, 20) }] }), defaultRules);
    const gap = d.alerts.find((a) => a.type === 'SUPPLY_GAP');
    expect(gap?.facts).toMatchObject({ gapUnits: 40, firstShortDay: at(asOf, 20) });
    expect(gap?.severity).toBe('warning');
  });

  it('LEAD_TIME_RISK when receipts are consistently slower than quoted', () => {
    const slow = evaluatePosition(snapshot({ supplier: { id: 'sup-1', leadTimeDays: 5, observedLeadTimes: [8, 9, 7, 10] } }), defaultRules);
    expect(types(slow)).toContain('LEAD_TIME_RISK');
    const ok = evaluatePosition(snapshot({ supplier: { id: 'sup-1', leadTimeDays: 5, observedLeadTimes: [5, 6, 9, 5] } }), defaultRules);
    expect(types(ok)).not.toContain('LEAD_TIME_RISK');
  });

  it('no LEAD_TIME_RISK from a long-tailed supplier whose mean lateness is within its own spread', () => {
    // Mean 13.8 days against 10 quoted (> 1.3×) and 6 of 10 receipts late, but the spread (sd ≈ 6.8) explains it.
    const observedLeadTimes = [6, 7, 8, 14, 15, 16, 17, 9, 30, 16];
    const erratic = evaluatePosition(snapshot({ supplier: { id: 'sup-1', leadTimeDays: 10, observedLeadTimes } }), defaultRules);
    expect(erratic.explain.leadTimeDays).toBeGreaterThan(13);
    expect(types(erratic)).not.toContain('LEAD_TIME_RISK');
    // The same lateness with a steady supplier is a pattern.
    const steady = evaluatePosition(snapshot({ supplier: { id: 'sup-1', leadTimeDays: 10, observedLeadTimes: [13, 14, 14, 13, 15, 14, 13, 14, 15, 13] } }), defaultRules);
    expect(types(steady)).toContain('LEAD_TIME_RISK');
  });
});
