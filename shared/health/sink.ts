// The evaluation sink that keeps each position's stock-health contribution current: the sweep and the stream path both
// evaluate through it, so every evaluated position replaces its contribution when its state changed, whichever path (or
// worker) evaluated it. The stream also adds a batch's differences to the cells at once; the sweep does not: its
// workers sum what they evaluated per cell (sweepSums, kept with their checkpoints) and its finish step sets the cells.
import type { DecisionSink, EvaluatedPosition, LoadedPosition } from '../evaluation/pipeline.js';
import { positionKey } from '../model.js';
import { toDay } from '../time.js';
import { addToSums, contributionOf, positionHealth, type CellDelta, type CellSums, type Contribution, type PositionHealth, type StoredHealth } from './model.js';

export interface HealthRecorder {
  /** Replaces changed contributions (`prev` as read with the position, when it was) and returns the differences owned. */
  replace(changes: readonly { next: Contribution; prev?: StoredHealth | null }[]): Promise<CellDelta[]>;
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

/** `cells: false` for the sweep, whose finish step sets the cells from its workers' sums. */
export function healthSink<E>(recorder: HealthRecorder, options: { cells: boolean }): DecisionSink<E> {
  return {
    async accept(evaluated, now) {
      if (evaluated.length === 0) return { events: [] };
      const deltas = await recorder.replace(evaluated.map((e) => ({ next: contributionOf(healthOf(e, now)), ...(e.health !== undefined ? { prev: e.health } : {}) })));
      if (options.cells) await recorder.addToCells(deltas);
      return { events: [] };
    },
  };
}

/** A sweep page's sums per cell: the health of the positions evaluated, the stored contribution of those read only. */
export function sweepSums(page: readonly LoadedPosition[], evaluated: readonly EvaluatedPosition[], now: Date): CellSums[] {
  const done = new Set(evaluated.map((e) => positionKey(e.position.sku, e.position.locationId)));
  const unevaluated = page.flatMap((l) => (l.health && !done.has(positionKey(l.position.sku, l.position.locationId)) ? [l.health] : []));
  return [...addToSums(new Map(), [...evaluated.map((e) => healthOf(e, now)), ...unevaluated]).values()];
}
