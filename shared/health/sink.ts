// The evaluation sink that keeps the stock-health cells current: the sweep and the stream path both evaluate through
// the same sinks, so every evaluated position updates its contribution once, whichever path (or worker) evaluated it.
// The stream adds a batch's differences to the cells at once; a sweep worker keeps them until flush(), so its cells are
// written once per invocation rather than once per page.
import type { DecisionSink, EvaluatedPosition } from '../evaluation/pipeline.js';
import { toDay } from '../time.js';
import { mergeDeltas, positionHealth, type CellDelta, type PositionHealth, type StoredHealth } from './model.js';

export interface HealthRecorder {
  /** Replaces changed contributions (`prev` as read with the position, when it was) and returns the differences owned. */
  replace(changes: readonly { next: PositionHealth; prev?: StoredHealth | null }[]): Promise<CellDelta[]>;
  addToCells(deltas: readonly CellDelta[]): Promise<number>;
}

export function healthOf(e: EvaluatedPosition, now: Date): PositionHealth {
  const daysOfCover = typeof e.decision.daysOfCover === 'number' ? e.decision.daysOfCover : null;
  return positionHealth({
    sku: e.position.sku, locationId: e.position.locationId, category: e.item?.category, day: toDay(now),
    onHand: e.position.onHand, unitCost: e.item?.unitCost ?? 0, lots: e.position.lots,
    forecastDaily: e.decision.forecastDaily, daysOfCover, findings: e.decision.alerts,
  });
}

export interface HealthSink<E> extends DecisionSink<E> {
  /** Adds the differences kept so far to the cells (deferred sinks; a no-op otherwise). */
  flush(): Promise<void>;
}

/** `deferred`: keep the differences until flush() (a sweep worker, before its last checkpoint). */
export function healthSink<E>(recorder: HealthRecorder, options: { deferred?: boolean } = {}): HealthSink<E> {
  let kept: CellDelta[] = [];
  return {
    async accept(evaluated, now) {
      if (evaluated.length === 0) return { events: [] };
      const deltas = await recorder.replace(evaluated.map((e) => ({ next: healthOf(e, now), ...(e.health !== undefined ? { prev: e.health } : {}) })));
      // Merged as they come, so a worker holds one delta per cell however many pages it works.
      if (options.deferred) kept = mergeDeltas([...kept, ...deltas]);
      else await recorder.addToCells(deltas);
      return { events: [] };
    },
    async flush() {
      const deltas = kept;
      kept = [];
      // Cell by cell, so a failed write keeps only its own cell's difference for the next flush (none is added twice).
      const results = await Promise.allSettled(deltas.map((d) => recorder.addToCells([d])));
      const failed = deltas.filter((_, i) => results[i]!.status === 'rejected');
      if (failed.length) {
        kept = mergeDeltas([...failed, ...kept]);
        throw (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
      }
    },
  };
}
