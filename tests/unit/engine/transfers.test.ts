import { describe, expect, it } from 'vitest';
import { evaluatePosition, suggestTransfers } from '../../../shared/engine/index.js';
import { pairTransfers, transferStanding } from '../../../shared/engine/transfers.js';
import { defaultRules, snapshot } from './fixtures.js';

describe('suggestTransfers', () => {
  it('moves surplus above order-up-to to the location that will run short', () => {
    const short = evaluatePosition(snapshot({ location: 'store-a', onHand: 20 }), defaultRules);
    const surplus = evaluatePosition(snapshot({ location: 'store-b', onHand: 400 }), defaultRules);
    const fine = evaluatePosition(snapshot({ location: 'store-c', onHand: 150 }), defaultRules);
    const other = evaluatePosition(snapshot({ sku: 'OTHER', location: 'store-d', onHand: 900 }), defaultRules);
    const transfers = suggestTransfers([short, surplus, fine, other]);
    expect(transfers).toHaveLength(1);
    const [t] = transfers;
    expect(t).toMatchObject({ sku: 'SKU-1', from: 'store-b', to: 'store-a', reason: 'STOCKOUT_RISK' });
    expect(t?.qty).toBe(Math.floor(short.orderUpTo - short.inventoryPosition));
    expect(surplus.available - (t?.qty ?? 0)).toBeGreaterThanOrEqual(surplus.orderUpTo);
  });

  it('covers a stockout until far-away inbound lands, though the inventory position counts that inbound', () => {
    // Out of stock; 300 on the way but only in 3 weeks: the position is above its reorder point, the shelf is empty.
    const empty = evaluatePosition(snapshot({ location: 'store-a', onHand: 0, inbound: [{ qty: 300, eta: '2026-05-22' }], supplier: { id: 'sup-slow', leadTimeDays: 21 } }), defaultRules);
    expect(empty.inventoryPosition).toBeGreaterThan(empty.reorderPoint);
    const donor = evaluatePosition(snapshot({ location: 'store-b', onHand: 900 }), defaultRules);
    const [t] = suggestTransfers([empty, donor]);
    expect(t).toMatchObject({ from: 'store-b', to: 'store-a', reason: 'STOCKOUT' });
    expect(t!.qty).toBe(empty.alerts.find((a) => a.type === 'STOCKOUT')!.facts!.shortUntilOrderArrives);
  });

  it('never gives away more than the donor holds above its own target, in whole packs', () => {
    const a = evaluatePosition(snapshot({ location: 'a', onHand: 0 }), defaultRules);
    const b = evaluatePosition(snapshot({ location: 'b', onHand: 0 }), defaultRules);
    const donor = evaluatePosition(snapshot({ location: 'donor', onHand: 200 }), defaultRules);
    const transfers = suggestTransfers([a, b, donor], 6);
    const given = transfers.reduce((s, t) => s + t.qty, 0);
    expect(given).toBeLessThanOrEqual(200 - donor.orderUpTo);
    for (const t of transfers) expect(t.qty % 6).toBe(0);
    expect(transfers.length).toBeGreaterThan(0);
  });

  it('pairs stored standings (what each location needs and can spare) as it pairs the decisions they came from', () => {
    const decisions = [0, 20, 150, 400, 900].map((onHand, i) => evaluatePosition(snapshot({ location: `store-${i}`, onHand }), defaultRules));
    const standings = decisions.map(transferStanding);
    expect(standings.some((s) => s.need > 0) && standings.some((s) => s.spare > 0)).toBe(true);
    expect(standings.every((s) => s.need === 0 || s.spare === 0)).toBe(true);
    const pairs = pairTransfers(standings, 6);
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs).toEqual(suggestTransfers(decisions, 6).map(({ reason: _reason, ...t }) => t));
  });
});
