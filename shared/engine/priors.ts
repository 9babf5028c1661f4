// Category priors for new items: what established siblings in the same category and location sell per day.
import type { PositionSnapshot } from './snapshot.js';
import { dayNumber } from './calendar.js';
import { NEW_ITEM_MIN_DAYS } from './constants.js';

/**
 * Pure: for every snapshot with a category and under NEW_ITEM_MIN_DAYS of history, returns a copy with `demandPrior`
 * set from the median recent daily demand (last 28 days) of established siblings of the same category at the same location.
 * Snapshots that already carry a prior, or have no siblings, are returned unchanged.
 */
export function categoryPriors(snapshots: readonly PositionSnapshot[]): PositionSnapshot[] {
  const rates = new Map<string, number[]>();
  const key = (s: PositionSnapshot): string => `${s.item.category ?? ''}\u0000${s.location}`;
  for (const s of snapshots) {
    if (s.item.category === undefined) continue;
    const end = Math.min(s.demand.daily.length, dayNumber(s.asOf) - dayNumber(s.demand.start) + 1);
    if (end < NEW_ITEM_MIN_DAYS) continue;
    let sum = 0;
    for (let i = end - 28; i < end; i++) sum += s.demand.daily[i] as number;
    const list = rates.get(key(s));
    if (list) list.push(sum / 28); else rates.set(key(s), [sum / 28]);
  }
  return snapshots.map((s) => {
    if (s.item.category === undefined || s.demandPrior !== undefined || s.demand.daily.length >= NEW_ITEM_MIN_DAYS) return s;
    const siblings = rates.get(key(s));
    if (!siblings || siblings.length === 0) return s;
    const sorted = siblings.slice().sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1] as number;
    return { ...s, demandPrior: { forecastDaily: median, source: `median of ${sorted.length} ${s.item.category} siblings` } };
  });
}
