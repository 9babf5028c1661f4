// Distribution helpers for safety stock and stockout risk: the normal CDF and quantile, and a count-demand quantile.

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 on erf, absolute error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a1 = -39.69683028665376, a2 = 220.9460984245205, a3 = -275.9285104469687, a4 = 138.357751867269, a5 = -30.66479806614716, a6 = 2.506628274631;
  const b1 = -54.47609879822406, b2 = 161.5858368580409, b3 = -155.6989798598866, b4 = 66.80131188771972, b5 = -13.28068155288572;
  const c1 = -0.007784894002430293, c2 = -0.3223964580411365, c3 = -2.400758277161838, c4 = -2.549732539343734, c5 = 4.374664141464968, c6 = 2.938163982698783;
  const d1 = 0.007784695709041462, d2 = 0.3224671290700398, d3 = 2.445134137142996, d4 = 3.754408661907416;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) / (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
}

/** Above this mean the count quantile switches to the normal approximation (the pmf walk gets long). */
const COUNT_QUANTILE_MAX_MEAN = 200;

/**
 * Smallest whole quantity q with P(D ≤ q) ≥ p for lead-time demand D with the given mean and variance:
 * negative binomial when over-dispersed (variance > mean), Poisson otherwise.
 */
export function countQuantile(mean: number, variance: number, p: number): number {
  if (mean <= 0) return 0;
  if (mean > COUNT_QUANTILE_MAX_MEAN) return mean + normalQuantile(p) * Math.sqrt(Math.max(variance, mean));
  let pmf: number;
  let next: (k: number, pmf: number) => number;
  if (variance > mean * 1.000001) {
    // NB(r, s) with mean r(1−s)/s and variance r(1−s)/s²: s = mean/variance, r = mean·s/(1−s).
    const s = mean / variance;
    const r = (mean * s) / (1 - s);
    pmf = Math.pow(s, r);
    next = (k, prev) => (prev * (k - 1 + r) * (1 - s)) / k;
  } else {
    pmf = Math.exp(-mean);
    next = (k, prev) => (prev * mean) / k;
  }
  let cdf = pmf;
  let k = 0;
  const limit = mean * 20 + 50;
  while (cdf < p && k < limit) {
    k += 1;
    pmf = next(k, pmf);
    cdf += pmf;
  }
  return k;
}
