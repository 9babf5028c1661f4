// Alert events on the bus: detail-types and detail schemas. The domain type is shared/alerts/model.ts's AlertEvent.
import { z } from 'zod';
import { alertSchema, type AlertEvent } from '../shared/alerts/model.js';

export const ALERTS_SOURCE = 'stocksentry.alerts';

const base = { id: z.string().min(1), at: z.iso.datetime({ offset: true }), alert: alertSchema };

export const alertRaised = z.object({ ...base, reopened: z.boolean() });
export const alertAcknowledged = z.object({ ...base, by: z.string().min(1), note: z.string().optional() });
export const alertEscalated = z.object({ ...base, step: z.number().int().positive(), receivers: z.array(z.string()).min(1) });
export const alertResolved = z.object({ ...base, reason: z.enum(['cleared', 'superseded', 'manual']), by: z.string().optional() });

export const ALERT_DETAIL_SCHEMAS = {
  AlertRaised: alertRaised,
  AlertAcknowledged: alertAcknowledged,
  AlertEscalated: alertEscalated,
  AlertResolved: alertResolved,
} as const;

// Compile-time check that the bus schemas and the domain events describe the same shapes.
type Detail<T extends AlertEvent['type']> = Omit<Extract<AlertEvent, { type: T }>, 'type'>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const shapesAgree: { [K in keyof typeof ALERT_DETAIL_SCHEMAS]: Same<z.infer<(typeof ALERT_DETAIL_SCHEMAS)[K]>, Detail<K>> } = {
  AlertRaised: true, AlertAcknowledged: true, AlertEscalated: true, AlertResolved: true,
};
void shapesAgree;

/** What goes on the bus for a domain event. */
export function toBusEntry(event: AlertEvent): { source: string; detailType: AlertEvent['type']; detail: Record<string, unknown> } {
  const { type, ...detail } = event;
  return { source: ALERTS_SOURCE, detailType: type, detail };
}
