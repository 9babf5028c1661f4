import { describe, expect, it } from 'vitest';
import { evaluatePosition } from '../../../shared/engine/index.js';
import { at, defaultRules, snapshot } from './fixtures.js';

describe('needBy and the earliest arrival', () => {
  it('never asks a 21-day supplier for goods sooner than an order placed today can arrive, and says what is short until then', () => {
    // 30 units left at 10 a day: empty in 3 days, while the supplier needs 21.
    const s = snapshot({ onHand: 30, supplier: { id: 'sup-slow', leadTimeDays: 21 } });
    const d = evaluatePosition(s, defaultRules);
    expect(d.replenish).not.toBeNull();
    expect(d.replenish!.needBy).toBe(at(s.asOf, 21));
    // 18 days without stock at about 10 a day: roughly 180 units only a transfer or expediting can cover.
    expect(d.replenish!.shortBeforeArrival).toBeGreaterThan(150);
    expect(d.replenish!.shortBeforeArrival).toBeLessThan(200);
    const risk = d.alerts.find((a) => a.type === 'STOCKOUT_RISK');
    expect(risk?.facts).toMatchObject({ orderArrives: d.replenish!.needBy, nextInbound: 'none' });
    expect(risk?.suggestedAction).not.toMatch(/expedite/);
  });

  it('keeps the need date at the lead time when stock lasts until the order lands, with nothing short', () => {
    const s = snapshot({ onHand: 80, supplier: { id: 'sup-1', leadTimeDays: 7 } });
    const d = evaluatePosition(s, defaultRules);
    expect(d.replenish?.needBy).toBe(at(s.asOf, 7));
    expect(d.replenish?.shortBeforeArrival).toBeUndefined();
  });

  it('is never before the earliest arrival for any stock level and lead time', () => {
    for (const leadTimeDays of [1, 2.4, 3, 7, 10.6, 21, 35]) {
      for (const onHand of [0, 5, 20, 60, 120, 400]) {
        const s = snapshot({ onHand, supplier: { id: 'sup', leadTimeDays } });
        const d = evaluatePosition(s, defaultRules);
        if (!d.replenish) continue;
        const earliest = at(s.asOf, Math.max(1, Math.round(d.leadTimeDays)));
        expect(d.replenish.needBy >= earliest, `lead ${leadTimeDays}, on hand ${onHand}: ${d.replenish.needBy} < ${earliest}`).toBe(true);
      }
    }
  });

  it('tells a stockout how much is lost until an order lands and who to ask to bring the delivery forward', () => {
    const s = snapshot({ onHand: 0, inbound: [{ qty: 40, eta: at('2026-05-01', 5), supplierId: 'sup-1' }] });
    const stockout = evaluatePosition(s, defaultRules).alerts.find((a) => a.type === 'STOCKOUT');
    expect(stockout?.facts).toMatchObject({ nextInboundQty: 40, nextInboundSupplier: 'sup-1', orderArrives: at(s.asOf, 7) });
    // Four days at about 10 a day before the 40 land: the deepest hole before an order could arrive is about 40 units.
    expect(stockout?.facts?.shortUntilOrderArrives).toBeGreaterThanOrEqual(35);
    expect(stockout?.facts?.shortUntilOrderArrives).toBeLessThanOrEqual(50);
    expect(stockout?.facts?.valueAtRisk).toBe(Number(stockout?.facts?.shortUntilOrderArrives) * 10);
  });
});
