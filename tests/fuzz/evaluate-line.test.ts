// Edge: one `evaluate` JSON line. Bad input → an error line with a reason and its line number; good input → a decision.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLine } from '../../cli/commands/evaluate.js';
import { dayNumber, isoDay } from '../../shared/engine/index.js';
import { defaultRules, snapshot } from '../unit/engine/fixtures.js';
import { fuzzParams, hostileValue, mutated, tally } from './support.js';

const answer = (text: string, line: number): Record<string, unknown> => {
  const started = performance.now();
  const out = JSON.parse(evaluateLine(text, line, defaultRules)) as Record<string, unknown>;
  // A line is answered in well under a second whatever it holds (1e8 days of lead time once took 28 s and 4 GB).
  expect(performance.now() - started).toBeLessThan(2000);
  return out;
};

const isErrorLine = (out: Record<string, unknown>, line: number): boolean =>
  typeof out.error === 'string' && out.error.length > 10 && out.line === line && Object.keys(out).length === 2;

describe('fuzz: evaluate line', () => {
  it('answers a mutated snapshot with a decision or an error line naming the problem, never a crash or null numbers', () => {
    fc.assert(fc.property(mutated(snapshot() as unknown as Record<string, unknown>), fc.integer({ min: 1, max: 1e6 }), (input, line) => {
      const out = answer(JSON.stringify(input), line);
      if ('error' in out) {
        expect(isErrorLine(out, line)).toBe(true);
        tally('evaluate line', 'refused');
      } else {
        expect(out.sku).toBe((input as { sku?: unknown }).sku);
        expect(JSON.stringify(out)).not.toMatch(/"(qty|safetyStock|reorderPoint|forecastDaily|orderUpTo)":null/);
        tally('evaluate line', 'accepted');
      }
    }), fuzzParams(300));
  });

  it('answers any text (not JSON, deep nesting, huge numbers) with an error line', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), hostileValue.map((v) => JSON.stringify(v) ?? 'undefined'),
      fc.integer({ min: 1, max: 50_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`));
    fc.assert(fc.property(text, (t) => {
      const out = answer(t, 7);
      expect(isErrorLine(out, 7)).toBe(true);
      tally('evaluate line', 'refused');
    }), fuzzParams(200));
  });

  it('never refuses a plausible snapshot', () => {
    const plausible = fc.record({
      onHand: fc.integer({ min: -1000, max: 1_000_000 }),
      days: fc.integer({ min: 1, max: 730 }),
      // Real magnitudes: demand and costs are 0 or at least a thousandth (a denormal 6e-323 units a day is not plausible,
      // and with a denormal cost it overflows daysOfCover: answered as an error line).
      mean: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 10_000, noNaN: true })),
      leadTimeDays: fc.double({ min: 0.5, max: 730, noNaN: true }),
      unitCost: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 100_000, noNaN: true })),
      packSize: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      inbound: fc.array(fc.record({ qty: fc.integer({ min: 0, max: 1_000_000 }), eta: fc.integer({ min: -30, max: 365 }) }), { maxLength: 5 }),
    });
    fc.assert(fc.property(plausible, (p) => {
      const asOf = '2026-05-01';
      const s = snapshot({
        onHand: p.onHand, supplier: { id: 'sup-1', leadTimeDays: p.leadTimeDays }, item: { unitCost: p.unitCost, ...(p.packSize ? { packSize: p.packSize } : {}) },
        demand: { start: isoDay(dayNumber(asOf) - p.days + 1), daily: Array.from({ length: p.days }, (_, i) => (i % 3) * p.mean) },
        inbound: p.inbound.map((l) => ({ qty: l.qty, eta: isoDay(dayNumber(asOf) + l.eta) })),
      });
      const out = answer(JSON.stringify(s), 1);
      expect(out.error).toBeUndefined();
      expect(out.sku).toBe('SKU-1');
      tally('evaluate line (plausible)', 'accepted');
    }), fuzzParams(150));
  });
});
