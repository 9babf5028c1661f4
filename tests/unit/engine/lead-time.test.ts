import { describe, expect, it } from 'vitest';
import { evaluatePosition } from '../../../shared/engine/index.js';
import { LEAD_TIME_WINDOW } from '../../../shared/engine/constants.js';
import { readReceipts } from '../../../shared/engine/lead-time.js';
import { defaultRules, snapshot } from './fixtures.js';

describe('observed lead times as the engine reads them', () => {
  it('gives the mean, sample deviation, median and the distinct values with their counts', () => {
    const r = readReceipts([9, 7, 7, 12, 7, 9.5]);
    expect(r.n).toBe(6);
    expect(r.mean).toBeCloseTo(51.5 / 6, 9);
    const mean = 51.5 / 6;
    expect(r.sd).toBeCloseTo(Math.sqrt([9, 7, 7, 12, 7, 9.5].reduce((s, o) => s + (o - mean) ** 2, 0) / 5), 9);
    expect(r.median).toBe(8);
    expect([...r.value.subarray(0, r.distinct)]).toEqual([7, 9, 9.5, 12]);
    expect([...r.count.subarray(0, r.distinct)]).toEqual([3, 1, 1, 1]);
    expect(readReceipts([])).toMatchObject({ n: 0, mean: 0, sd: 0, median: 0, distinct: 0 });
  });

  it('reads only the newest receipts of a long supplier history (oldest first, as the hub lists them)', () => {
    // A supplier that used to take 20 days and for its last LEAD_TIME_WINDOW receipts took 6 or 8.
    const history = [...new Array<number>(2000).fill(20), ...Array.from({ length: LEAD_TIME_WINDOW }, (_, i) => (i % 2 === 0 ? 6 : 8))];
    const r = readReceipts(history);
    expect(r.n).toBe(LEAD_TIME_WINDOW);
    expect(r.mean).toBe(7);
    expect([...r.value.subarray(0, r.distinct)]).toEqual([6, 8]);
    const d = evaluatePosition(snapshot({ supplier: { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: history } }), defaultRules);
    expect(d.explain.leadTimeObservations).toBe(LEAD_TIME_WINDOW);
    expect(d.leadTimeDays).toBe(7);
    expect(d.explain.leadTimeSdDays).toBeCloseTo(Math.sqrt(LEAD_TIME_WINDOW / (LEAD_TIME_WINDOW - 1)), 4);
  });
});
