import { describe, expect, it } from 'vitest';
import { evaluateLine } from '../../../cli/commands/evaluate.js';
import { evaluatePosition, fastSnapshot, positionSnapshot, type PositionSnapshot } from '../../../shared/engine/index.js';
import { seededRandom } from '../../../shared/random.js';
import { defaultRules, snapshot } from './fixtures.js';

/** A snapshot using every optional field, so mutations reach every branch of the check. */
function full(): Record<string, unknown> {
  return JSON.parse(JSON.stringify({
    ...snapshot({ reserved: 2 }),
    inbound: [{ qty: 30, eta: '2026-05-04', orderedAt: '2026-04-28', supplierId: 'sup-1' }],
    openOrders: [{ qty: 5, due: '2026-05-03' }],
    demand: { start: '2026-01-01', daily: [3, 0, 4.5, 2], outOfStock: [1] },
    plannedEvents: [{ start: '2026-05-10', end: '2026-05-12', uplift: 2 }],
    lots: [{ qty: 10, receivedAt: '2026-03-01', expiresAt: '2026-06-01' }],
    item: { unitCost: 4, unitPrice: 10, packSize: 6, moq: 12, serviceLevel: 0.97, shelfLifeDays: 90, abcClass: 'A', minQty: 1, maxQty: 100, category: 'c' },
    demandPrior: { forecastDaily: 3, sdDaily: 1, source: 'category' },
    supplier: { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: [6, 7, 8] },
    extra: 'ignored',
  })) as Record<string, unknown>;
}

/** Every leaf path of a JSON value, as key arrays. */
function leaves(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.length === 0 ? [path] : [path, ...v.flatMap((x, i) => leaves(x, [...path, i]))];
  if (typeof v === 'object' && v !== null) return [path, ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))];
  return [path];
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let o = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete o[last]; else o[last] = value;
}

/** The decision, or the error evaluatePosition throws (absurd values like a 2⁵³-day lead time pass the schema). */
function outcome(s: PositionSnapshot): unknown {
  try { return evaluatePosition(s, defaultRules); } catch (err) { return String(err); }
}

const REPLACEMENTS: unknown[] = [undefined, null, -1, -0, 0, 0.5, 1, 1.5, 7, 2 ** 53, 1e308, '', 'x', '2026-05-01', '2026-5-01', '2026-05-01 ', '２０２６-05-01', true, [], {}, [1], [-1], [0.5], 'A', 'D'];

describe('fastSnapshot', () => {
  it('accepts the valid snapshot, keeps its values and defaults inbound like zod', () => {
    const s = full();
    expect(fastSnapshot(s)).toBe(s);
    const { inbound: _gone, ...noInbound } = full();
    expect(fastSnapshot(noInbound)?.inbound).toEqual([]);
  });

  it('never accepts what zod rejects, and agrees on the decision when it accepts (every field × many replacements)', () => {
    let accepted = 0, rejected = 0;
    for (const path of leaves(full())) {
      if (path.length === 0) continue;
      for (const value of REPLACEMENTS) {
        const raw = full();
        setAt(raw, path, value);
        const zod = positionSnapshot.safeParse(structuredClone(raw));
        const fast = fastSnapshot(raw);
        if (fast === undefined) { rejected++; continue; }
        accepted++;
        expect(zod.success, `fast path accepted ${JSON.stringify(path)} = ${JSON.stringify(value)}`).toBe(true);
        if (zod.success) expect(outcome(fast)).toEqual(outcome(zod.data));
      }
    }
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(200);
  });

  it('accepts what zod accepts for random valid snapshots', () => {
    const rng = seededRandom(7);
    for (let n = 0; n < 50; n++) {
      const s = snapshot({ onHand: rng.int(-5, 50), inbound: rng.next() < 0.5 ? [{ qty: rng.int(0, 40), eta: '2026-05-09' }] : [] });
      const raw = JSON.parse(JSON.stringify(s)) as unknown;
      expect(positionSnapshot.safeParse(raw).success).toBe(true);
      expect(fastSnapshot(raw)).toBeDefined();
    }
  });

  it('leaves error answers exactly as zod words them', () => {
    const bad = { ...full(), onHand: 'ten' };
    expect(fastSnapshot(bad)).toBeUndefined();
    const answer = JSON.parse(evaluateLine(JSON.stringify(bad), 3, defaultRules)) as { error: string; line: number };
    expect(answer.line).toBe(3);
    expect(answer.error).toMatch(/^snapshot does not match the schema: onHand: /);
  });
});
