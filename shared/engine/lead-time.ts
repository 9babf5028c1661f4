// Observed lead times as the engine reads them: the supplier's newest receipts, sorted into distinct values with counts.
import { LEAD_TIME_WINDOW } from './constants.js';

export interface LeadTimeSample {
  /** Receipts read (the newest LEAD_TIME_WINDOW at most). */
  n: number;
  mean: number;
  /** Sample standard deviation (0 with fewer than two receipts). */
  sd: number;
  median: number;
  /** Distinct lead times, ascending, in value[0 … distinct), and how many receipts took each. */
  distinct: number;
  value: Float64Array;
  count: Float64Array;
}

// Scratch, reused: one position is evaluated at a time and nothing here escapes the call.
let sorted = new Float64Array(64);
const sample: LeadTimeSample = { n: 0, mean: 0, sd: 0, median: 0, distinct: 0, value: new Float64Array(64), count: new Float64Array(64) };

/**
 * The newest receipts of `observed` (oldest first, as the hub's supplier scorecard lists them): a supplier's whole
 * history can run to thousands of receipts; the newest window is what it does now and keeps the cost fixed.
 * The returned object is overwritten by the next call.
 */
export function readReceipts(observed: readonly number[]): LeadTimeSample {
  const n = Math.min(observed.length, LEAD_TIME_WINDOW);
  if (sorted.length < n) { sorted = new Float64Array(n * 2); sample.value = new Float64Array(n * 2); sample.count = new Float64Array(n * 2); }
  const from = observed.length - n;
  let sum = 0;
  for (let i = 0; i < n; i++) { const o = observed[from + i] as number; sorted[i] = o; sum += o; }
  const view = sorted.subarray(0, n).sort();
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const o = view[i] as number;
    ss += (o - mean) * (o - mean);
    if (distinct > 0 && sample.value[distinct - 1] === o) sample.count[distinct - 1] = (sample.count[distinct - 1] as number) + 1;
    else { sample.value[distinct] = o; sample.count[distinct] = 1; distinct++; }
  }
  sample.n = n;
  sample.mean = mean;
  sample.sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  sample.median = n === 0 ? 0 : n % 2 === 1 ? (view[n >> 1] as number) : ((view[(n >> 1) - 1] as number) + (view[n >> 1] as number)) / 2;
  sample.distinct = distinct;
  return sample;
}
