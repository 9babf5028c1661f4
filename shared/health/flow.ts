// Alert flow for the overview: opened, acknowledged and resolved per day, time to acknowledge, and 有效预警率 — the share
// of alerts that were followed by an action or by a real shortage. Read from the alerts the table already keeps.
import type { Alert } from '../alerts/model.js';
import { addDays, daysBetween, toDay } from '../time.js';

export interface AlertFlow {
  days: { day: string; opened: number; acknowledged: number; resolved: number }[];
  opened: number;
  medianMinutesToAck: number | null;
  /** Acknowledged, resolved by a person, or followed by a stockout at the same position; null when none opened. */
  effectiveShare: number | null;
  effective: number;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** An alert counts as effective when someone acted on it or the shortage it warned of happened. */
export function isEffective(alert: Alert, stockoutsAt: ReadonlyMap<string, string[]>): boolean {
  if (alert.acknowledgedAt || alert.resolution === 'manual') return true;
  if (alert.type === 'STOCKOUT') return true;
  if (alert.type !== 'STOCKOUT_RISK' && alert.type !== 'LOW_STOCK') return false;
  return (stockoutsAt.get(`${alert.sku}@${alert.locationId}`) ?? []).some((at) => at >= alert.openedAt);
}

/** `alerts`: every alert occurrence opened in the last `days` days up to `now` (current and archived). Pure. */
export function alertFlow(alerts: readonly Alert[], now: Date, days = 14): AlertFlow {
  const today = toDay(now);
  const first = addDays(today, -(days - 1));
  const series = Array.from({ length: days }, (_, i) => ({ day: addDays(first, i), opened: 0, acknowledged: 0, resolved: 0 }));
  const bump = (iso: string | undefined, field: 'opened' | 'acknowledged' | 'resolved') => {
    if (!iso) return;
    const i = daysBetween(first, iso.slice(0, 10));
    if (i >= 0 && i < days) series[i]![field]++;
  };
  const stockoutsAt = new Map<string, string[]>();
  for (const a of alerts) if (a.type === 'STOCKOUT') stockoutsAt.set(`${a.sku}@${a.locationId}`, [...(stockoutsAt.get(`${a.sku}@${a.locationId}`) ?? []), a.openedAt]);
  const inWindow = alerts.filter((a) => a.openedAt.slice(0, 10) >= first);
  for (const a of alerts) {
    bump(a.openedAt, 'opened');
    bump(a.acknowledgedAt, 'acknowledged');
    bump(a.resolvedAt, 'resolved');
  }
  const waits = inWindow.filter((a) => a.acknowledgedAt).map((a) => (Date.parse(a.acknowledgedAt!) - Date.parse(a.openedAt)) / 60_000);
  const effective = inWindow.filter((a) => isEffective(a, stockoutsAt)).length;
  const m = median(waits);
  return {
    days: series, opened: inWindow.length, medianMinutesToAck: m === null ? null : Math.round(m * 10) / 10,
    effective, effectiveShare: inWindow.length ? Math.round((effective / inWindow.length) * 1e4) / 1e4 : null,
  };
}
