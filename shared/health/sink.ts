// The evaluation sink that keeps the stock-health cells current: the sweep and the stream path both evaluate through
// the same sinks, so every evaluated position updates its contribution once, whichever path (or worker) evaluated it.
import type { DecisionSink, EvaluatedPosition } from '../evaluation/pipeline.js';
import { toDay } from '../time.js';
import { positionHealth, type PositionHealth } from './model.js';

export interface HealthRecorder { record(healths: readonly PositionHealth[]): Promise<number> }

export function healthOf(e: EvaluatedPosition, now: Date): PositionHealth {
  const daysOfCover = typeof e.decision.daysOfCover === 'number' ? e.decision.daysOfCover : null;
  return positionHealth({
    sku: e.position.sku, locationId: e.position.locationId, category: e.item?.category, day: toDay(now),
    onHand: e.position.onHand, unitCost: e.item?.unitCost ?? 0, lots: e.position.lots,
    forecastDaily: e.decision.forecastDaily, daysOfCover, findings: e.decision.alerts,
  });
}

export function healthSink<E>(recorder: HealthRecorder): DecisionSink<E> {
  return {
    async accept(evaluated, now) {
      if (evaluated.length) await recorder.record(evaluated.map((e) => healthOf(e, now)));
      return [];
    },
  };
}
