// The hook between evaluation and alerts: the evaluators hand every evaluated position's findings to the lifecycle.
import type { DecisionSink, EvaluatedPosition } from '../evaluation/pipeline.js';
import { reconcilePosition, type LifecycleDeps, type PositionFindings } from './lifecycle.js';
import type { AlertEvent } from './model.js';

/** Reconciles a batch of positions one after another (each position's alerts are independent). */
export async function reconcileFindings(positions: readonly PositionFindings[], deps: LifecycleDeps): Promise<AlertEvent[]> {
  const events: AlertEvent[] = [];
  for (const p of positions) events.push(...(await reconcilePosition(p, deps)));
  return events;
}

/** A DecisionSink for shared/evaluation/pipeline.ts: pass it in `sinks` and put the returned events on the bus. */
export function alertLifecycleSink(deps: LifecycleDeps): DecisionSink<AlertEvent> {
  return {
    accept: (evaluated: EvaluatedPosition[], now: Date) => reconcileFindings(evaluated.map(({ position, labels, decision }) => {
      const { location: _location, ...rest } = labels;
      return { sku: position.sku, locationId: position.locationId, labels: rest, findings: decision.alerts, now };
    }), deps),
  };
}
