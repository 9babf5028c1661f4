// The hook between evaluation and alerts: the evaluators hand every evaluated position's findings to the lifecycle.
import type { DecisionSink, EvaluatedPosition } from '../evaluation/pipeline.js';
import { reconcilePositions, type LifecycleDeps, type PositionFindings } from './lifecycle.js';
import type { AlertEvent } from './model.js';

/** Reconciles a batch of positions together (each position's alerts are independent; reads and writes are batched). */
export async function reconcileFindings(positions: readonly PositionFindings[], deps: LifecycleDeps): Promise<AlertEvent[]> {
  return reconcilePositions(positions, deps);
}

/**
 * A DecisionSink for shared/evaluation/pipeline.ts. Each transition's events are kept in the position's digest until
 * they are published, and events a crashed run left there are published with this batch's: none is lost.
 */
export function alertLifecycleSink(deps: LifecycleDeps): DecisionSink<AlertEvent> {
  return {
    async accept(evaluated: EvaluatedPosition[], now: Date) {
      const recovered = evaluated.flatMap((e) => (e.alerts?.pending ?? []).map((event) => ({ e, event })));
      const events = await reconcilePositions(evaluated.map(({ position, labels, decision, alerts }) => {
        const { location: _location, ...rest } = labels;
        return { sku: position.sku, locationId: position.locationId, labels: rest, findings: decision.alerts, now, ...(alerts ? { digest: alerts } : {}) };
      }), deps, { durableEvents: true });
      const all = [...recovered.map((r) => r.event), ...events];
      const byPosition = new Map<string, { sku: string; locationId: string; eventIds: string[] }>();
      for (const event of all) {
        const { sku, locationId } = event.alert;
        const key = `${sku}@${locationId}`;
        const entry = byPosition.get(key) ?? { sku, locationId, eventIds: [] };
        entry.eventIds.push(event.id);
        byPosition.set(key, entry);
      }
      return { events: all, afterPublish: () => deps.store.clearPendingEvents([...byPosition.values()]) };
    },
  };
}
