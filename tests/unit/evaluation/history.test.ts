// The rolling demand history beside each position: merging sales, packing, and the engine's series from it.
import { describe, expect, it } from 'vitest';
import { historyFromMonths, historyMonths, historySeries, mergeSales, packHistory, unpackHistory, type DemandHistory } from '../../../shared/evaluation/history.js';
import { demandSeries } from '../../../shared/evaluation/snapshot-builder.js';
import type { DemandMonth } from '../../../shared/model.js';
import { seededRandom } from '../../../shared/random.js';
import { addDays } from '../../../shared/time.js';

const sale = (day: string, qty: number, outOfStock?: boolean) => ({ sku: 'A', locationId: 'wh', day, qty, ...(outOfStock ? { outOfStock } : {}) });

describe('mergeSales', () => {
  it('starts at the first of the month of the first sale, sets (not adds) a day on re-read, and reports no change then', () => {
    const h = mergeSales(undefined, [sale('2026-04-29', 3), sale('2026-04-30', 0, true), sale('2026-05-01', 4)], 365)!;
    expect(h).toEqual({ sku: 'A', locationId: 'wh', start: '2026-04-01', daily: [...Array(28).fill(0), 3, 0, 4], outOfStock: [29] });
    expect(mergeSales(h, [sale('2026-04-29', 3), sale('2026-05-01', 4)], 365)).toBeUndefined();
    const corrected = mergeSales(h, [sale('2026-04-30', 2)], 365)!;
    expect(corrected.daily.slice(28)).toEqual([3, 2, 4]);
    expect(corrected.outOfStock).toEqual([]);
  });

  it('adds pushed sales to the day a pull set (returns subtract, never below zero), leaving its out-of-stock mark', () => {
    const pulled = mergeSales(undefined, [sale('2026-05-01', 2, true)], 365)!;
    const pushed = mergeSales(pulled, [sale('2026-05-01', 1.5), sale('2026-05-01', 1), sale('2026-05-02', 3)], 365, 'add')!;
    expect(pushed.daily.slice(0, 2)).toEqual([4.5, 3]);
    expect(pushed.outOfStock).toEqual([0]);
    expect(mergeSales(pushed, [sale('2026-05-02', -5)], 365, 'add')!.daily).toEqual([4.5]);
    expect(mergeSales(pushed, [sale('2026-05-01', 2)], 365)!.daily).toEqual([2, 3]);
    expect(mergeSales(pushed, [sale('2026-05-01', 0)], 365, 'add')).toBeUndefined();
  });

  it('keeps only the last keepDays days ending at the latest sale, dropping older ones', () => {
    const h = mergeSales(undefined, [sale('2026-01-10', 1), sale('2026-01-20', 2)], 10)!;
    expect(h.start).toBe('2026-01-11');
    expect(h.daily).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(mergeSales(h, [sale('2025-12-01', 9)], 10)).toBeUndefined();
  });

  it('packs to short text and back without loss (zeros as empty fields)', () => {
    const h: DemandHistory = { sku: 'A', locationId: 'wh', start: '2026-04-01', daily: [0, 1.5, 0, 12, 0], outOfStock: [2, 4] };
    expect(packHistory(h)).toEqual({ start: '2026-04-01', daily: ',1.5,,12,', oos: '2,4' });
    expect(unpackHistory('A', 'wh', packHistory(h))).toEqual(h);
    expect(unpackHistory('A', 'wh', packHistory({ ...h, daily: [], outOfStock: [] }))).toEqual({ ...h, daily: [], outOfStock: [] });
  });
});

describe('the engine series from a history', () => {
  it('equals the series month buckets gave, for random months, windows and as-of days', () => {
    const rng = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const first = rng.int(0, 30);
      const months: DemandMonth[] = [];
      for (let m = first; m < first + rng.int(1, 14); m++) {
        if (rng.next() < 0.2) continue;
        const month = `20${24 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
        const days = rng.int(1, 28);
        months.push({ sku: 'A', locationId: 'wh', month, daily: Array.from({ length: days }, () => (rng.next() < 0.4 ? 0 : rng.int(1, 9))), outOfStockDays: rng.next() < 0.3 ? [rng.int(1, days)] : [] });
      }
      const last = months.at(-1)?.month ?? '2026-01';
      const asOf = addDays(`${last}-01`, rng.int(0, 60));
      const historyDays = rng.pick([7, 30, 90, 365]);
      const expected = legacySeries(months, asOf, historyDays);
      expect(historySeries(historyFromMonths(months), asOf, historyDays)).toEqual(expected);
      expect(demandSeries(months, asOf, historyDays)).toEqual(expected);
    }
  });

  it('answers month buckets for getDemand, only months with sales or stockouts', () => {
    const h = mergeSales(undefined, [sale('2026-03-31', 5), sale('2026-05-02', 1)], 365)!;
    expect(historyMonths(h, '2026-03-01', '2026-05-31').map((m) => [m.month, m.daily.length])).toEqual([['2026-03', 31], ['2026-05', 2]]);
    expect(historyMonths(h, '2026-05-01', '2026-05-01').map((m) => m.month)).toEqual(['2026-05']);
  });
});

/** The series as it was computed from month buckets before histories (kept here as the reference). */
function legacySeries(months: DemandMonth[], asOf: string, historyDays: number) {
  const earliest = addDays(asOf, -(historyDays - 1));
  const sorted = [...months].sort((a, b) => a.month.localeCompare(b.month));
  const firstMonth = sorted[0]?.month;
  const start = firstMonth && `${firstMonth}-01` > earliest ? `${firstMonth}-01` : earliest;
  const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
  const length = days(start, asOf) + 1;
  const daily = new Array<number>(Math.max(0, length)).fill(0);
  const outOfStock: number[] = [];
  for (const m of sorted) {
    m.daily.forEach((qty, i) => { const idx = days(start, addDays(`${m.month}-01`, i)); if (idx >= 0 && idx < length) daily[idx] = qty; });
    for (const d of m.outOfStockDays) { const idx = days(start, addDays(`${m.month}-01`, d - 1)); if (idx >= 0 && idx < length) outOfStock.push(idx); }
  }
  return { start, daily, ...(outOfStock.length ? { outOfStock: outOfStock.sort((a, b) => a - b) } : {}) };
}
