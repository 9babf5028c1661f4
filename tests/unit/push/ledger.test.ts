import { describe, expect, it } from 'vitest';
import type { StockChange } from '../../../shared/model.js';
import { applyChanges, LEDGER_MOVES, LEDGER_RETENTION_MS, onHandOf, openLedger, settleWithPull, type LedgerState } from '../../../shared/push/ledger.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const at = (hhmm: string) => `2026-05-01T${hhmm}:00Z`;
const start = (onHand: number, since = at('09:00'), reserved = 0): LedgerState => ({ onHand, reserved, ledger: openLedger(onHand, since) });
const sale = (id: string, time: string, qty = 1): StockChange => ({ id, at: at(time), kind: 'move', qty: -qty, sold: qty });
const count = (time: string, qty: number, basis?: 'available'): StockChange => ({ id: `count-${time}`, at: at(time), kind: 'count', qty, ...(basis ? { basis } : {}) });

describe('pushed changes on a position', () => {
  it('keeps a sale at 10:05 when a count taken at 10:00 arrives after it', () => {
    const afterSale = applyChanges(start(20), [sale('s1', '10:05', 2)], NOW);
    expect(afterSale.onHand).toBe(18);
    const afterCount = applyChanges(afterSale, [count('10:00', 30)], NOW);
    // The count says 30 at 10:00; the sale five minutes later still takes 2.
    expect(afterCount.onHand).toBe(28);
    expect(afterCount.ledger.asOf).toBe('2026-05-01T10:00:00.000Z');
  });

  it('drops a sale that happened before the latest count: the count already reflects it', () => {
    const counted = applyChanges(start(20), [count('10:00', 30)], NOW);
    const late = applyChanges(counted, [sale('s0', '09:55', 4)], NOW);
    expect(late.onHand).toBe(30);
    // Its demand still counts: it was sold.
    expect(late.outcome.demand).toEqual([{ day: '2026-05-01', qty: 4 }]);
  });

  it('applies a batch in source-time order whatever order it arrives in', () => {
    const out = applyChanges(start(0), [sale('b', '10:30'), count('10:10', 50), sale('a', '10:05'), { id: 'r', at: at('10:20'), kind: 'move', qty: 10 }], NOW);
    expect(out.onHand).toBe(59);
    expect(out.outcome).toMatchObject({ applied: 4, duplicate: 0, superseded: 0 });
  });

  it('ignores a repeated event id, and a count older than the latest count', () => {
    const once = applyChanges(start(10), [sale('s1', '10:00', 3), count('10:30', 40)], NOW);
    const again = applyChanges(once, [sale('s1', '10:00', 3), count('10:15', 99)], NOW);
    expect(again.onHand).toBe(40);
    expect(again.outcome).toMatchObject({ applied: 0, duplicate: 1, superseded: 1 });
    expect(again.ledger.pushed).toBe(once.ledger.pushed);
  });

  it('sums demand per UTC day: sales add, returns subtract', () => {
    const out = applyChanges(start(10), [
      sale('a', '10:00', 3), { id: 'r', at: at('11:00'), kind: 'move', qty: 1, sold: -1 },
      { id: 'y', at: '2026-04-30T23:59:00Z', kind: 'move', qty: -2, sold: 2 },
    ], NOW);
    expect(out.outcome.demand.sort((x, y) => x.day.localeCompare(y.day))).toEqual([{ day: '2026-04-30', qty: 2 }, { day: '2026-05-01', qty: 2 }]);
  });

  it('voids the demand of a cancelled order, also when the cancellation arrives first', () => {
    const sold = applyChanges(start(10), [{ id: 'o1', at: at('10:00'), kind: 'move', qty: 0, sold: 2 }], NOW);
    const cancelled = applyChanges(sold, [{ id: 'o1', at: at('10:30'), kind: 'void', qty: 0 }], NOW);
    expect(cancelled.outcome.demand).toEqual([{ day: '2026-05-01', qty: -2 }]);
    expect(applyChanges(cancelled, [{ id: 'o1', at: at('10:31'), kind: 'void', qty: 0 }], NOW).outcome.duplicate).toBe(1);

    const early = applyChanges(start(10), [{ id: 'o2', at: at('10:30'), kind: 'void', qty: 0 }], NOW);
    const created = applyChanges(early, [{ id: 'o2', at: at('10:00'), kind: 'move', qty: 0, sold: 5 }], NOW);
    expect(created.outcome).toMatchObject({ applied: 0, duplicate: 1, demand: [] });
  });

  it('adds the reserved quantity to a count of what is available (shops report available)', () => {
    expect(applyChanges(start(10, at('09:00'), 3), [count('10:00', 7, 'available')], NOW).onHand).toBe(10);
  });

  it('folds the oldest moves into the count past LEDGER_MOVES, and refuses events older than its memory', () => {
    const moves = Array.from({ length: LEDGER_MOVES + 5 }, (_, i) => ({ ...sale(`s${i}`, '10:00'), at: new Date(Date.parse(at('10:00')) + i * 1000).toISOString() }));
    const out = applyChanges(start(500), moves, NOW);
    expect(out.onHand).toBe(500 - (LEDGER_MOVES + 5));
    expect(out.ledger.moves).toHaveLength(LEDGER_MOVES);
    expect(out.ledger.base).toBe(495);
    const late = applyChanges(out, [sale('old', '09:30')], NOW);
    expect(late.outcome.late.map((c) => c.id)).toEqual(['old']);
    expect(late.onHand).toBe(out.onHand);
    // A repeat of a folded move is late too, never applied twice.
    expect(applyChanges(out, [moves[0]!], NOW).outcome.late).toHaveLength(1);
  });

  it('forgets settled moves after the retention period', () => {
    const old = applyChanges(start(10), [sale('s1', '10:00'), count('10:30', 20)], NOW);
    const later = new Date(NOW.getTime() + LEDGER_RETENTION_MS + 60_000);
    const out = applyChanges(old, [sale('s2', '11:00')], later);
    expect(out.ledger.moves.map((m) => m.id)).toEqual(['s2']);
    expect(out.ledger.horizon).toBe('2026-05-01T10:00:00.000Z');
    expect(out.onHand).toBe(19);
  });
});

describe('a pull settling pushed changes', () => {
  it('becomes the count as of when it was read; moves after the read stay on top', () => {
    const pushed = applyChanges(start(20), [sale('a', '10:00', 2), sale('b', '10:20', 1)], NOW);
    const settled = settleWithPull(pushed.ledger, 18, at('10:10'));
    expect(settled.drift).toBe(0);
    expect(settled.state!.onHand).toBe(17);
    expect(settled.state!.ledger.pushed).toBe(0);
  });

  it('reports drift when the source disagrees with what was pushed, and the pull wins', () => {
    const pushed = applyChanges(start(20), [sale('a', '10:00', 2)], NOW);
    const settled = settleWithPull(pushed.ledger, 15, at('11:00'));
    expect(settled.drift).toBe(-3);
    expect(settled.state!.onHand).toBe(15);
  });

  it('counts no drift when nothing was pushed since the last pull', () => {
    const pushed = applyChanges(start(20), [sale('a', '10:00', 2)], NOW);
    const first = settleWithPull(pushed.ledger, 18, at('11:00'));
    expect(settleWithPull(first.state!.ledger, 25, at('11:15'))).toMatchObject({ state: { onHand: 25 } });
    expect(settleWithPull(first.state!.ledger, 25, at('11:15')).drift).toBeUndefined();
  });

  it('does not undo a pushed count newer than the read', () => {
    const counted = applyChanges(start(20), [count('10:30', 12)], NOW);
    expect(settleWithPull(counted.ledger, 20, at('10:29'))).toEqual({});
    expect(onHandOf(counted.ledger)).toBe(12);
  });
});
