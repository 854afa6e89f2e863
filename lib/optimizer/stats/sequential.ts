/**
 * Always-valid, drift-robust comparison of two latency distributions (baseline A, optimized B).
 *
 * Method (design note shared/research/sequential-latency.md §4, checked by simulation in
 * bench/sequential.ts): durations are compared on the log scale within closed wall-clock blocks
 * of a phase, so load that drifts between blocks never enters the statistic (van Elteren 1960:
 * block Wilcoxon statistics weighted 1/(N_b + 1), locally most powerful against a common shift).
 * The block statistics are summed into S_t(δ) with variance process V_t; under "no shift δ" the
 * sum over closed blocks is a martingale, and Robbins' normal-mixture boundary turns it into a
 * confidence sequence valid at every look (Howard, Ramdas, McAuliffe & Sekhon, Ann. Statist.
 * 2021; Waudby-Smith et al., Ann. Statist. 2024, arXiv:2103.06476 — the closed forms GrowthBook
 * implements in gbstats `sequential_interval_halfwidth[_one_sided]`). The estimate (a stratified
 * Hodges–Lehmann shift), the interval and the verdict all come from inverting this one statistic,
 * so they cannot disagree: "slower" ⇔ S_t(0) ≥ B₂ ⇔ the whole interval lies above no change.
 */

/** One closed block: sorted log durations of each arm, and its permutation variance. */
export interface RankBlock {
  /** Baseline log durations, ascending (failures as +Infinity: the largest rank). */
  x: Float64Array;
  /** Optimized log durations, ascending. */
  y: Float64Array;
  /** Var(T_b) under H0 with the tie correction at δ = 0: m n / (12 (N+1)) · [1 − Σ(t³−t)/(N³−N)]. */
  variance: number;
}

/**
 * Mann–Whitney U of the block for a hypothesised shift δ: #{(i, j): y_j − δ > x_i} + ½·#{y_j − δ = x_i},
 * by one merge over the sorted arrays, O(m + n).
 */
export function uStatistic(x: Float64Array, y: Float64Array, delta: number): number {
  let below = 0; // x[0..below) < v
  let upTo = 0; // x[0..upTo) ≤ v
  let u = 0;
  for (let j = 0; j < y.length; j++) {
    const v = y[j]! - delta;
    while (below < x.length && x[below]! < v) below++;
    if (upTo < below) upTo = below;
    while (upTo < x.length && x[upTo]! <= v) upTo++;
    u += below + 0.5 * (upTo - below);
  }
  return u;
}

/**
 * Builds a block from raw values (durations in ms, or bytes): NaN or +Infinity marks a failed call
 * and ranks above everything; 0 (a coarse timer, a call that allocated nothing) ranks below every
 * positive value.
 */
export function rankBlock(baselineMs: ArrayLike<number>, optimizedMs: ArrayLike<number>): RankBlock {
  const x = toSortedLogs(baselineMs);
  const y = toSortedLogs(optimizedMs);
  return { x, y, variance: blockVariance(x, y) };
}

function toSortedLogs(ms: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ms.length);
  for (let i = 0; i < ms.length; i++) {
    const d = ms[i]!;
    out[i] = Number.isNaN(d) ? Infinity : d > 0 ? Math.log(d) : -Infinity;
  }
  return out.sort();
}

function blockVariance(x: Float64Array, y: Float64Array): number {
  const m = x.length;
  const n = y.length;
  const N = m + n;
  if (m === 0 || n === 0) return 0;
  // Tie groups of the pooled sample (merge of two sorted arrays).
  let ties = 0;
  let i = 0;
  let j = 0;
  let prev = NaN;
  let run = 0;
  while (i < m || j < n) {
    const v = j >= n || (i < m && x[i]! <= y[j]!) ? x[i++]! : y[j++]!;
    if (v === prev) run++;
    else {
      if (run > 1) ties += run * run * run - run;
      prev = v;
      run = 1;
    }
  }
  if (run > 1) ties += run * run * run - run;
  const correction = N > 1 ? 1 - ties / (N * N * N - N) : 1;
  return ((m * n) / (12 * (N + 1))) * correction;
}

/** The block's centred, van Elteren-weighted statistic T_b(δ) = (U_b(δ) − m n / 2) / (N_b + 1). */
export function blockStatistic(b: RankBlock, delta: number): number {
  const m = b.x.length;
  const n = b.y.length;
  return (uStatistic(b.x, b.y, delta) - (m * n) / 2) / (m + n + 1);
}

/** S_t(δ): the sum of the block statistics (non-increasing in δ). */
export function sumStatistic(blocks: readonly RankBlock[], delta: number): number {
  let s = 0;
  for (const b of blocks) s += blockStatistic(b, delta);
  return s;
}

/**
 * Mixture parameter ρ tuned so the boundary is tightest at V = vOpt (confseq `best_rho`):
 * ρ = vOpt / (2 ln(1/a) + ln(1 + 2 ln(1/a))), with a = α two-sided and a = 2α one-sided.
 */
export function mixtureRho(vOpt: number, a: number): number {
  const l = 2 * Math.log(1 / a);
  return vOpt / (l + Math.log(1 + l));
}

/** Two-sided normal-mixture boundary B₂(V) = √((V+ρ)(2 ln(1/α) + ln(1 + V/ρ))). */
export function twoSidedBoundary(v: number, alpha: number, vOpt: number): number {
  const rho = mixtureRho(vOpt, alpha);
  return Math.sqrt((v + rho) * (2 * Math.log(1 / alpha) + Math.log(1 + v / rho)));
}

/**
 * One-sided boundary B₁(V; α) = √(2 (V+ρ) ln(1 + √(1 + V/ρ) / (2α))) (Waudby-Smith et al. eq. 134,
 * GrowthBook's one-sided halfwidth; slightly conservative against the exact one-sided mixture).
 */
export function oneSidedBoundary(v: number, alpha: number, vOpt: number): number {
  const rho = mixtureRho(vOpt, 2 * alpha);
  return Math.sqrt(2 * (v + rho) * Math.log(1 + Math.sqrt(1 + v / rho) / (2 * alpha)));
}

/** The interval for the log-shift δ and its point estimate, from the blocks. */
export interface ShiftInterval {
  /** Stratified Hodges–Lehmann estimate: the zero crossing of S_t(δ). */
  estimate: number;
  /** Lower end: the largest δ with S_t(δ) ≥ B₂ found by bisection (conservative). */
  low: number;
  /** Upper end: the smallest δ with S_t(δ) ≤ −B₂ found by bisection (conservative). */
  high: number;
}

/** Log-shifts beyond ±ln 100 (100× faster or slower) are reported as unbounded. */
export const SHIFT_LIMIT = Math.log(100);
const TOLERANCE = 1e-4;

/**
 * Inverts S_t(δ) against ±B: the set {δ : −B < S_t(δ) < B}. S_t is non-increasing in δ, so each end
 * is found by bisection. The invariants make the interval agree exactly with the test at δ = 0:
 * if S_t(0) ≥ B the search for the lower end starts at 0 and its reported end is ≥ 0, and so on.
 */
export function shiftInterval(blocks: readonly RankBlock[], bound: number): ShiftInterval {
  const s = (d: number) => sumStatistic(blocks, d);
  const s0 = s(0);
  // Lower end: lo with S(lo) ≥ B (or −limit), hi with S(hi) < B.
  let lo: number;
  let hi: number;
  if (s0 >= bound) {
    lo = 0;
    hi = SHIFT_LIMIT;
    if (s(hi) >= bound) lo = hi;
  } else {
    lo = -SHIFT_LIMIT;
    hi = 0;
  }
  if (lo < hi && s(lo) >= bound) {
    while (hi - lo > TOLERANCE) {
      const mid = (lo + hi) / 2;
      if (s(mid) >= bound) lo = mid;
      else hi = mid;
    }
  }
  const low = lo;
  // Upper end: hi2 with S(hi2) ≤ −B (or +limit), lo2 with S(lo2) > −B.
  let lo2: number;
  let hi2: number;
  if (s0 <= -bound) {
    lo2 = -SHIFT_LIMIT;
    hi2 = 0;
    if (s(lo2) <= -bound) hi2 = lo2;
  } else {
    lo2 = 0;
    hi2 = SHIFT_LIMIT;
  }
  if (lo2 < hi2 && s(hi2) <= -bound) {
    while (hi2 - lo2 > TOLERANCE) {
      const mid = (lo2 + hi2) / 2;
      if (s(mid) > -bound) lo2 = mid;
      else hi2 = mid;
    }
  }
  const high = hi2;
  // Estimate: the midpoint of the zero crossing (S may be exactly 0 on a flat stretch between two
  // pairwise differences, as the median of an even count): the last δ with S > 0 and the first with S < 0.
  const from = Math.max(low, -SHIFT_LIMIT);
  const to = Math.min(high, SHIFT_LIMIT);
  const crossing = (positive: (v: number) => boolean) => {
    let a = from;
    let b = to;
    while (b - a > TOLERANCE) {
      const mid = (a + b) / 2;
      if (positive(s(mid))) a = mid;
      else b = mid;
    }
    return (a + b) / 2;
  };
  const left = crossing((v) => v > 0);
  const right = crossing((v) => v >= 0);
  return { estimate: (left + right) / 2, low, high };
}

/**
 * Always-valid p-value of the two-sided mixture tuned at `alpha`: 1/Λ with
 * Λ = √(ρ/(V+ρ))·exp(S²/(2(V+ρ))) (Λ ≥ 1/α exactly when |S| ≥ B₂), never below 0.
 */
export function mixturePValue(s: number, v: number, alpha: number, vOpt: number): number {
  const rho = mixtureRho(vOpt, alpha);
  const logLambda = 0.5 * Math.log(rho / (v + rho)) + (s * s) / (2 * (v + rho));
  return Math.min(1, Math.exp(-logLambda));
}
