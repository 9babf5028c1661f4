// The sweep's plan (segments and concurrency from size or config) and its run: retries, tolerance, totals.
import { describe, expect, it } from 'vitest';
import { evaluationConfig } from '../../../shared/config.js';
import type { CellSums } from '../../../shared/health/model.js';
import {
  emptyTotals, finishSweep, planSweep, runSweep, SweepIncompleteError,
  type SegmentCheckpoint, type SweepDecision, type SweepPlan, type SweepStore,
} from '../../../shared/evaluation/sweep.js';

const now = new Date('2026-05-01T05:00:00Z');

describe('planSweep', () => {
  it('sizes segments from the position count and caps concurrency, unless config names the segments', () => {
    const defaults = evaluationConfig.parse({});
    expect(planSweep({ runId: 'r', now, positions: 0, config: defaults })).toMatchObject({ totalSegments: 1, segments: [0], maxConcurrency: 1 });
    expect(planSweep({ runId: 'r', now, positions: 1_000_000, config: defaults })).toMatchObject({ totalSegments: 40, maxConcurrency: 20 });
    expect(planSweep({ runId: 'r', now, positions: 60_000, config: defaults })).toMatchObject({ totalSegments: 3, maxConcurrency: 3 });
    expect(planSweep({ runId: 'r', now, positions: 10, config: evaluationConfig.parse({ segments: 7, maxConcurrency: 4 }) }))
      .toMatchObject({ totalSegments: 7, segments: [0, 1, 2, 3, 4, 5, 6], maxConcurrency: 4, now: now.toISOString() });
  });
});

/** The sweep's bookkeeping in memory: enough to run plan → segments → finish without a table. */
class MemorySweepStore implements SweepStore {
  readonly checkpoints = new Map<number, SegmentCheckpoint>();
  readonly decisions: SweepDecision[] = [];
  readonly health: CellSums[] = [];
  last?: { positions: number };
  async scanSegment(): Promise<never> { throw new Error('not used'); }
  async getCheckpoint(_runId: string, segment: number) { return this.checkpoints.get(segment); }
  async saveCheckpoint(c: SegmentCheckpoint, page: { decisions: readonly SweepDecision[]; health: readonly CellSums[] }) {
    this.checkpoints.set(c.segment, c);
    this.decisions.push(...page.decisions);
    this.health.push(...page.health);
    return true;
  }
  async listCheckpoints() { return [...this.checkpoints.values()]; }
  async listPages() { return { decisions: this.decisions, health: this.health }; }
  async estimatePositions() { return this.last?.positions ?? 0; }
  async saveLastSweep(last: { positions: number }) { this.last = last; }
}

function run(plan: SweepPlan, failing: Set<number>, tolerated: number) {
  const store = new MemorySweepStore();
  const attempts = new Map<number, number>();
  const requested: SweepDecision[][] = [];
  const cells: CellSums[][] = [];
  const result = runSweep(plan, {
    segment: async (input) => {
      attempts.set(input.segment, (attempts.get(input.segment) ?? 0) + 1);
      if (failing.has(input.segment)) throw new Error('segment failed');
      // Two invocations per segment: the first hands back unfinished.
      const done = attempts.get(input.segment)! >= 2;
      const totals = { ...emptyTotals(), evaluated: done ? 10 : 0 };
      const health = done ? [{ locationId: `store-${input.segment % 2}`, category: 'tea', vector: { positions: 10 }, fill: { demand: 5, lost: 1 } }] : [];
      await store.saveCheckpoint({ runId: plan.runId, segment: input.segment, totalSegments: plan.totalSegments, pages: 1, done, totals }, { decisions: [], health });
      return { done };
    },
    finish: (p) => finishSweep(p, {
      sweep: store, toleratedFailurePercentage: tolerated, publish: async () => undefined,
      planRequests: async (decisions) => { requested.push([...decisions]); return []; },
      setHealth: async (sums) => { cells.push([...sums]); return sums.length; },
    }),
  });
  return { result, attempts, store, requested, cells };
}

describe('runSweep', () => {
  const plan = planSweep({ runId: 'r', now, positions: 0, config: evaluationConfig.parse({ segments: 4, maxConcurrency: 2 }) });

  it('invokes a segment again while it hands back unfinished, then finishes once with the merged totals', async () => {
    const { result, attempts, store, requested, cells } = run(plan, new Set(), 0);
    expect(await result).toMatchObject({ evaluated: 40, unfinishedSegments: [], withinTolerance: true, segments: 4, healthCells: 2 });
    expect([...attempts.values()]).toEqual([2, 2, 2, 2]);
    expect(requested).toHaveLength(1);
    // The segments' health sums merged per cell, set once.
    expect(cells).toEqual([[
      { locationId: 'store-0', category: 'tea', vector: { positions: 20 }, fill: { demand: 10, lost: 2 } },
      { locationId: 'store-1', category: 'tea', vector: { positions: 20 }, fill: { demand: 10, lost: 2 } },
    ]]);
    expect(store.last?.positions).toBe(40);
  });

  it('retries a failing segment twice, leaves it unfinished, and fails the run only beyond the tolerated share', async () => {
    const strict = run(plan, new Set([2]), 0);
    const error = await strict.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepIncompleteError);
    expect((error as SweepIncompleteError).result).toMatchObject({ unfinishedSegments: [2], evaluated: 30, withinTolerance: false });
    expect(strict.attempts.get(2)).toBe(3);
    // The others' requests are still written: one segment failing does not cost the rest their orders. The health cells
    // are not set from sums missing a segment's positions.
    expect(strict.requested).toHaveLength(1);
    expect(strict.cells).toEqual([]);
    expect((error as SweepIncompleteError).result.healthCells).toBe(0);
    await expect(run(plan, new Set([2]), 25).result).resolves.toMatchObject({ unfinishedSegments: [2], withinTolerance: true });
  });
});
