/**
 * Tests on proportions (error rates, success rates) for guard rules and monitoring.
 */
import { logGamma } from "./chi-square";
import { normalCdf, normalSf } from "./normal";

export type Alternative = "two-sided" | "greater" | "less";

export interface TwoProportionZTest {
  p1: number;
  p2: number;
  /** p1 − p2. */
  diff: number;
  /** Pooled proportion (x1 + x2)/(n1 + n2) used for the standard error under H0: p1 = p2. */
  pooled: number;
  z: number;
  pValue: number;
}

function checkCount(x: number, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: trials must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(x) || x < 0 || x > n) throw new RangeError(`${what}: successes must be an integer in [0, ${n}], got ${x}`);
}

/**
 * Pooled two-proportion z-test of H0: p1 = p2 (same as statsmodels proportions_ztest with
 * value=0, and z² equals the uncorrected 2×2 chi-square). `greater` tests p1 > p2.
 * When both proportions are 0 or both 1 the standard error is 0; there is no evidence of a
 * difference, so z = 0 and p = 1 (two-sided) / 0.5 (one-sided) rather than NaN.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number, options: { alternative?: Alternative } = {}): TwoProportionZTest {
  checkCount(x1, n1, "twoProportionZTest");
  checkCount(x2, n2, "twoProportionZTest");
  if (n1 === 0 || n2 === 0) throw new RangeError("twoProportionZTest: both groups need at least one trial");
  const { alternative = "two-sided" } = options;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const diff = p1 - p2;
  const z = se > 0 ? diff / se : 0;
  let pValue: number;
  if (alternative === "greater") pValue = normalSf(z);
  else if (alternative === "less") pValue = normalCdf(z);
  else pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  return { p1, p2, diff, pooled, z, pValue };
}

// Numerical Recipes in C, 2nd ed., §6.4 `betacf`: continued fraction for the incomplete beta,
// modified Lentz. Needs O(√max(a, b)) iterations, so the cap scales with the arguments.
function betaContinuedFraction(a: number, b: number, x: number): number {
  const FPMIN = 1e-300;
  const EPS = 1e-15;
  const maxIter = 200 + 20 * Math.ceil(Math.sqrt(Math.max(a, b)));
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/** Regularized incomplete beta I_x(a, b) (Numerical Recipes in C, 2nd ed., §6.4 `betai`). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedBeta: a, b must be > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  // log1p keeps b·ln(1 − x) accurate for the small x (error-rate thresholds) we care about.
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  // Evaluate the CF on the side where it converges fast; the direct branch returns small values
  // with full relative accuracy, and the complemented branch is only used when the result is ≳ ½.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Exact binomial upper tail P(X ≥ k) for X ~ Binomial(n, p), via P(X ≥ k) = I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomialUpperTail: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k)) throw new RangeError(`binomialUpperTail: k must be an integer, got ${k}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialUpperTail: p must be in [0, 1], got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  return regularizedBeta(p, k, n - k + 1);
}

export interface ErrorRateTest {
  /** errors / total (0 when total is 0). */
  rate: number;
  threshold: number;
  /** One-sided p-value of H0: true rate ≤ threshold, i.e. P(X ≥ errors) at rate = threshold. */
  pValue: number;
  /** pValue < alpha: the error rate is significantly above the threshold. */
  exceeds: boolean;
}

/**
 * One-sided exact binomial test that the true error rate exceeds `threshold`
 * (same p-value as scipy.stats.binomtest(errors, total, threshold, alternative='greater')).
 * Why exact rather than the normal approximation: guard thresholds are small (0.1 %–5 %) and
 * windows often hold few errors, exactly where np(1−p) is small and the normal approximation
 * misstates the tail by large factors; the exact tail costs one incomplete-beta evaluation.
 */
export function errorRateExceeds(errors: number, total: number, threshold: number, options: { alpha?: number } = {}): ErrorRateTest {
  checkCount(errors, total, "errorRateExceeds");
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`errorRateExceeds: threshold must be in [0, 1], got ${threshold}`);
  const { alpha = 0.05 } = options;
  const rate = total > 0 ? errors / total : 0;
  const pValue = binomialUpperTail(errors, total, threshold);
  return { rate, threshold, pValue, exceeds: pValue < alpha };
}
