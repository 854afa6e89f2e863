/**
 * Two-sided Mann–Whitney U test, normal approximation with tie and continuity correction.
 * Matches scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic',
 * use_continuity=True) (scipy ≥ 1.7 semantics: the reported statistic is U1, the U of `a`).
 */
import { normalSf } from "./normal";

export interface MannWhitneyResult {
  /** U statistic of `a`: number of pairs (x ∈ a, y ∈ b) with x > y, ties counting ½ (= scipy's statistic). */
  u1: number;
  /** U statistic of `b` (n1·n2 − u1). */
  u2: number;
  /** Same as u1, the statistic scipy reports. */
  u: number;
  /**
   * Signed standardized statistic with continuity correction: sign(u1 − μ)·max(0, |u1 − μ| − ½)/σ.
   * Positive ⇒ `a` tends to be larger than `b`. pValue = min(1, 2·Φ(−|z|)). 0 when σ = 0.
   */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  n1: number;
  n2: number;
  /** Variance factor for ties, 1 − Σ(t³ − t)/(n³ − n) (scipy.stats.tiecorrect); 1 = no ties. */
  tieCorrection: number;
}

function checkSample(x: ArrayLike<number>, name: string): void {
  if (x.length === 0) throw new RangeError(`mannWhitneyU: sample '${name}' is empty; the test needs at least one value per side`);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!)) throw new RangeError(`mannWhitneyU: sample '${name}' contains NaN at index ${i}`);
  }
}

/** Two-sided Mann–Whitney U test (asymptotic, tie- and continuity-corrected), O(n log n). */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitneyResult {
  checkSample(a, "a");
  checkSample(b, "b");
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;

  // One sort of the pooled sample (by index, so we know which side each value came from).
  const values = new Float64Array(n);
  for (let i = 0; i < n1; i++) values[i] = a[i]!;
  for (let i = 0; i < n2; i++) values[n1 + i] = b[i]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => values[i]! - values[j]! || i - j);

  // Walk tie groups: every member of a group gets the average rank; accumulate a's rank sum
  // and the tie term Σ(t³ − t).
  let rankSumA = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    const v = values[order[start]!]!;
    let end = start + 1;
    while (end < n && values[order[end]!]! === v) end++;
    const t = end - start;
    const avgRank = (start + 1 + end) / 2; // ranks start+1 … end
    let fromA = 0;
    for (let k = start; k < end; k++) if (order[k]! < n1) fromA++;
    rankSumA += fromA * avgRank;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }

  const u1 = rankSumA - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  // Same expression as scipy's _get_mwu_z; both sides are non-empty so n ≥ 2 and n·(n−1) > 0.
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const sigma = Math.sqrt(Math.max(variance, 0));
  const tieCorrection = 1 - tieTerm / (n * n * n - n);

  // scipy: z = (max(U1, U2) − μ − ½)/σ, p = 2·sf(z) clipped to [0, 1]. Since max(U1,U2) − μ = |U1 − μ|,
  // a deviation under ½ (or σ = 0, all values identical) gives z ≤ 0 and p clipped to 1; we report
  // z = 0 there instead of scipy's −∞/negative value, which yields the identical p-value.
  const dev = Math.abs(u1 - mu) - 0.5;
  let z = 0;
  let pValue = 1;
  if (sigma > 0 && dev > 0) {
    const zAbs = dev / sigma;
    pValue = Math.min(1, 2 * normalSf(zAbs));
    z = u1 >= mu ? zAbs : -zAbs;
  }
  return { u1, u2, u: u1, z, pValue, n1, n2, tieCorrection };
}
