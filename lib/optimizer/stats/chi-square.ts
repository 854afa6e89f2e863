/**
 * Chi-square goodness of fit and the sample-ratio-mismatch (SRM) check on assignment counts,
 * plus the gamma-function machinery they need.
 */

// Lanczos approximation, g = 7, n = 9 (coefficients by P. Godfrey, as tabulated in
// "Lanczos approximation", Wikipedia; relative error ≲ 1e-15 for x > 0).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; reflection formula below ½). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xm1 = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (xm1 + i);
  const t = xm1 + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (xm1 + 0.5) * Math.log(t) - t + Math.log(sum);
}

// Relative convergence tolerance: a few ulps (1e-16 could stall the CF on a ±1-ulp oscillation).
const EPS = 1e-15;
const FPMIN = 1e-300;
const MAX_ITER = 100_000; // series / CF need O(√a) terms near x ≈ a; this covers a up to ~10^8

/** P(a, x) by its power series; converges fast for x < a + 1 (Numerical Recipes §6.2 `gser`). */
function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  throw new Error(`regularizedGamma: series did not converge (a=${a}, x=${x})`);
}

/** Q(a, x) by Legendre's continued fraction, modified Lentz; for x ≥ a + 1 (Numerical Recipes §6.2 `gcf`). */
function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }
  throw new Error(`regularizedGamma: continued fraction did not converge (a=${a}, x=${x})`);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a) (Numerical Recipes in C, 2nd ed.,
 * §6.2 `gammq`: series for x < a + 1, continued fraction otherwise). The continued fraction
 * returns Q directly, so tiny upper-tail p-values (1e-30 and below) keep full relative accuracy.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaQ: a must be > 0, got ${a}`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQContinuedFraction(a, x);
}

/** Chi-square survival function P(X ≥ x) for df degrees of freedom: Q(df/2, x/2). */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chiSquareSf: df must be > 0, got ${df}`);
  return regularizedGammaQ(df / 2, x / 2);
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  pValue: number;
}

/**
 * Pearson chi-square goodness-of-fit test (as scipy.stats.chisquare with f_exp = total·proportions).
 * Proportions are normalized by their sum, so weights like [30, 70] are accepted. Categories with
 * a zero expected proportion are left out of the statistic and of df when their count is 0; a
 * positive count in such a category is an impossible outcome, so the statistic is +∞ and p = 0.
 * With no observations there is no evidence of misfit: statistic 0, p = 1.
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], expectedProportions: readonly number[]): ChiSquareResult {
  if (observed.length !== expectedProportions.length) {
    throw new RangeError(`chiSquareGoodnessOfFit: ${observed.length} counts but ${expectedProportions.length} proportions`);
  }
  if (observed.length < 2) throw new RangeError("chiSquareGoodnessOfFit: need at least 2 categories");
  let total = 0;
  let weight = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!;
    const p = expectedProportions[i]!;
    if (!(o >= 0 && Number.isFinite(o))) throw new RangeError(`chiSquareGoodnessOfFit: invalid count ${o} at ${i}`);
    if (!(p >= 0 && Number.isFinite(p))) throw new RangeError(`chiSquareGoodnessOfFit: invalid proportion ${p} at ${i}`);
    total += o;
    weight += p;
  }
  if (!(weight > 0)) throw new RangeError("chiSquareGoodnessOfFit: proportions sum to 0");

  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!;
    const expected = (total * expectedProportions[i]!) / weight;
    if (expectedProportions[i] === 0) {
      if (o > 0) statistic = Infinity;
      continue;
    }
    categories++;
    if (total > 0) statistic += ((o - expected) * (o - expected)) / expected;
  }
  const df = Math.max(categories - 1, 0);
  let pValue: number;
  if (statistic === Infinity) pValue = 0;
  else if (df === 0 || total === 0) pValue = 1;
  else pValue = chiSquareSf(statistic, df);
  return { statistic, df, pValue };
}

export interface SampleRatioMismatch {
  mismatch: boolean;
  pValue: number;
  statistic: number;
}

/**
 * Sample ratio mismatch check: flags when the observed split is too unlikely under the configured
 * split. The default threshold 0.001 (not 0.05) follows common SRM practice (Fabijan et al., KDD 2019,
 * "Diagnosing Sample Ratio Mismatch"): the check runs continuously on every experiment, and a real
 * assignment bug gives p-values many orders of magnitude smaller, so a strict cut-off costs little
 * power and avoids halting healthy rollouts on false alarms.
 */
export function sampleRatioMismatch(
  observedCounts: readonly number[],
  expectedProportions: readonly number[],
  options: { threshold?: number } = {},
): SampleRatioMismatch {
  const { threshold = 0.001 } = options;
  const { statistic, pValue } = chiSquareGoodnessOfFit(observedCounts, expectedProportions);
  return { mismatch: pValue < threshold, pValue, statistic };
}
