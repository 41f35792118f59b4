// The statistics behind the balance reports: shares with their uncertainty, the comparison of two
// shares and the stratified (Cochran-Mantel-Haenszel) test. Plain functions of counts, no I/O.

/** The 97.5 % quantile of the standard normal distribution: 95 % two-sided intervals. */
export const Z_95 = 1.959963984540054;

/** Significance level used to flag differences in the reports. */
export const ALPHA = 0.05;

const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density. */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * P(Z > x) for x >= 0. Near the centre Marsaglia's Taylor series (absolute error ~1e-16); in the
 * tail the Laplace continued fraction of the Mills ratio, which keeps small p-values relatively
 * accurate instead of rounding them to 0.
 */
function upperTail(x: number): number {
  if (x < 3) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 3; Math.abs(term) > 1e-17 * Math.abs(sum); k += 2) {
      term *= x2 / k;
      sum += term;
    }
    return 0.5 - normalPdf(x) * sum;
  }
  let fraction = x;
  for (let k = 200; k >= 1; k--) fraction = x + k / fraction;
  return normalPdf(x) / fraction;
}

/** Standard normal cumulative distribution function Φ(x). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/** The error function, erf(x) = 2Φ(x√2) - 1. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Math.sign(x);
  const tail = upperTail(Math.abs(x) * Math.SQRT2);
  return Math.sign(x) * (1 - 2 * tail);
}

/** Two-sided p-value of a standard normal statistic: P(|Z| >= |z|). */
export function twoSidedPValue(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? NaN : 0;
  return Math.min(1, 2 * upperTail(Math.abs(z)));
}

/** P(X >= x) for a chi-square variable with one degree of freedom (X = Z²). */
export function chiSquare1PValue(x: number): number {
  if (x <= 0) return 1;
  return twoSidedPValue(Math.sqrt(x));
}

/** count/total, or null for an empty population (a share of nothing is not 0). */
export function share(count: number, total: number): number | null {
  return total > 0 ? count / total : null;
}

/** Binomial standard error of a share: sqrt(p(1-p)/n). */
export function standardError(count: number, total: number): number | null {
  if (total <= 0) return null;
  const p = count / total;
  return Math.sqrt((p * (1 - p)) / total);
}

/**
 * Wilson score interval for a binomial proportion. Unlike p ± z·stderr it stays inside [0, 1] and
 * does not collapse to a point at 0 or n successes, which matters for the small groups we report.
 */
export function wilsonInterval(count: number, total: number, z = Z_95): [number, number] | null {
  if (total <= 0) return null;
  const p = count / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  // Exact at the ends (0 and n successes), whatever the floating-point rounding.
  const lo = count === 0 ? 0 : Math.max(0, centre - halfWidth);
  const hi = count === total ? 1 : Math.min(1, centre + halfWidth);
  return [lo, hi];
}

export interface ProportionEstimate {
  share: number | null;
  stderr: number | null;
  ci95: [number, number] | null;
}

/** Share, its standard error and the Wilson 95 % interval, as a report cell shows them. */
export function estimateProportion(count: number, total: number): ProportionEstimate {
  return { share: share(count, total), stderr: standardError(count, total), ci95: wilsonInterval(count, total) };
}

export const TWO_PROPORTION_TEST = 'two-proportion score test (pooled z test), two-sided';

export interface TwoProportionTest {
  z: number;
  pValue: number;
}

/**
 * Score test of p1 = p2 for two independent binomial samples, with the variance pooled under the
 * null hypothesis: z = (p1 - p2) / sqrt(p̄(1-p̄)(1/n1 + 1/n2)). z² equals Pearson's chi-square of
 * the 2×2 table. When both samples are all successes or all failures the shares are identical and
 * the test reports no difference (z = 0, p = 1). Null if either sample is empty.
 */
export function twoProportionScoreTest(x1: number, n1: number, x2: number, n2: number): TwoProportionTest | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance <= 0) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance);
  return { z, pValue: twoSidedPValue(z) };
}

/**
 * One stratum's 2×2 table. Rows: the group of interest (e.g. women) and the reference group (men);
 * columns: with the outcome (allocated) and without (nominated, not allocated).
 */
export interface Stratum2x2 {
  a: number; // group of interest, outcome
  b: number; // group of interest, no outcome
  c: number; // reference group, outcome
  d: number; // reference group, no outcome
}

export interface MantelHaenszelResult {
  /** Strata that carry information (at least two observations). */
  strata: number;
  /** Mantel-Haenszel common odds ratio; null when it is 0/0 or infinite. */
  oddsRatio: number | null;
  /** 95 % interval from the Robins-Breslow-Greenland variance of log(OR). */
  ci95: [number, number] | null;
  /** Standard error of log(OR) (Robins-Breslow-Greenland). */
  logOddsRatioStderr: number | null;
  /** Cochran-Mantel-Haenszel chi-square statistic, 1 degree of freedom. */
  chiSquare: number | null;
  pValue: number | null;
  continuityCorrection: boolean;
  observed: number;
  expected: number;
  variance: number;
}

/**
 * Cochran-Mantel-Haenszel test of conditional independence across strata, and the Mantel-Haenszel
 * common odds ratio with the Robins-Breslow-Greenland (1986) interval. The continuity correction
 * (|O - E| - 1/2, applied only when |O - E| >= 1/2, as R's mantelhaen.test does) is on by default.
 */
export function cochranMantelHaenszel(strata: Stratum2x2[], options: { continuityCorrection?: boolean } = {}): MantelHaenszelResult {
  const continuityCorrection = options.continuityCorrection ?? true;
  let observed = 0,
    expected = 0,
    variance = 0,
    used = 0;
  let sumR = 0,
    sumS = 0,
    sumPR = 0,
    sumPSQR = 0,
    sumQS = 0;
  for (const { a, b, c, d } of strata) {
    const n = a + b + c + d;
    if (n < 2) continue;
    used += 1;
    observed += a;
    expected += ((a + b) * (a + c)) / n;
    variance += ((a + b) * (c + d) * (a + c) * (b + d)) / (n * n * (n - 1));
    const r = (a * d) / n,
      s = (b * c) / n,
      p = (a + d) / n,
      q = (b + c) / n;
    sumR += r;
    sumS += s;
    sumPR += p * r;
    sumPSQR += p * s + q * r;
    sumQS += q * s;
  }
  const delta = Math.abs(observed - expected);
  const correction = continuityCorrection && delta >= 0.5 ? 0.5 : 0;
  const chiSquare = variance > 0 ? (delta - correction) ** 2 / variance : null;
  const oddsRatio = sumR > 0 && sumS > 0 ? sumR / sumS : null;
  let ci95: [number, number] | null = null;
  let logOddsRatioStderr: number | null = null;
  if (oddsRatio !== null) {
    logOddsRatioStderr = Math.sqrt(sumPR / (2 * sumR * sumR) + sumPSQR / (2 * sumR * sumS) + sumQS / (2 * sumS * sumS));
    ci95 = [oddsRatio * Math.exp(-Z_95 * logOddsRatioStderr), oddsRatio * Math.exp(Z_95 * logOddsRatioStderr)];
  }
  return {
    strata: used,
    oddsRatio,
    ci95,
    logOddsRatioStderr,
    chiSquare,
    pValue: chiSquare === null ? null : chiSquare1PValue(chiSquare),
    continuityCorrection,
    observed,
    expected,
    variance,
  };
}

export const HOLM = 'Holm-Bonferroni step-down correction over every test in the answer (family-wise error rate 5 %)';

/**
 * Holm's step-down adjusted p-values, in the order given: sort ascending, multiply the i-th smallest
 * (0-based) by (m - i), keep them non-decreasing, cap at 1. Rejecting where the adjusted p < alpha
 * keeps the chance of any false alarm among the m tests at most alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** A p-value as people read it: three significant digits, or "< 0.001". */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

/** A share as a percentage with one decimal. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
