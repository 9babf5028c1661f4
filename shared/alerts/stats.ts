// Whether alerts are worth sending: time to acknowledge, share acted on, alerts per position-month.
import type { AlertType } from '../model.js';
import { isSupplierAlert, type Alert } from './model.js';

export interface AlertStats {
  from: string;
  to: string;
  opened: number;
  acknowledged: number;
  /** Acknowledged, or resolved by a person, out of all opened. */
  actedOnShare: number;
  timeToAckMinutes: { median: number; p90: number } | null;
  positions: number;
  months: number;
  alertsPerPositionMonth: number;
  byType: Partial<Record<AlertType, number>>;
}

const quantile = (sorted: number[], q: number): number => {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
};

const DAYS_PER_MONTH = 30.4375;

const monthsBetween = (from: string, to: string): number => {
  const a = new Date(from);
  const b = new Date(to);
  // At least a day, so a just-started period does not divide by zero.
  return Math.max(1, (b.getTime() - a.getTime()) / 86_400_000) / DAYS_PER_MONTH;
};

/**
 * `positionCount` is how many positions the hub watches; without it the positions that had alerts are counted,
 * which overstates the rate.
 */
export function computeAlertStats(alerts: readonly Alert[], period: { from: Date; to: Date }, positionCount?: number): AlertStats {
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const opened = alerts.filter((a) => a.openedAt >= from && a.openedAt < to);
  const acked = opened.filter((a) => a.acknowledgedAt);
  const actedOn = opened.filter((a) => a.acknowledgedAt || a.resolution === 'manual');
  const waits = acked.map((a) => (Date.parse(a.acknowledgedAt!) - Date.parse(a.openedAt)) / 60_000).sort((x, y) => x - y);
  // A supplier alert is about no position, so it counts as an alert but adds no position.
  const positions = positionCount ?? new Set(opened.filter((a) => !isSupplierAlert(a)).map((a) => `${a.sku}@${a.locationId}`)).size;
  const months = monthsBetween(from, to);
  const byType: Partial<Record<AlertType, number>> = {};
  for (const a of opened) byType[a.type] = (byType[a.type] ?? 0) + 1;
  return {
    from, to,
    opened: opened.length,
    acknowledged: acked.length,
    actedOnShare: opened.length ? actedOn.length / opened.length : 0,
    timeToAckMinutes: waits.length ? { median: quantile(waits, 0.5), p90: quantile(waits, 0.9) } : null,
    positions,
    months,
    alertsPerPositionMonth: positions ? opened.length / positions / months : 0,
    byType,
  };
}
