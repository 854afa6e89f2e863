/**
 * Baseline-vs-optimized comparison at one look with a fixed sample (an on-demand benchmark, a
 * memory comparison): the same rank statistic as the live analysis (lib/optimizer/stats/sequential),
 * here with its fixed-sample boundary z₁₋α/₂·√V. The estimate is the Hodges–Lehmann shift of the
 * log values, the interval inverts the Mann–Whitney test, and the verdict is that test — so the
 * verdict is "faster" exactly when the whole interval lies on the faster side.
 */
import { mean, medianSorted, percentileSorted, sortedCopy } from "./quantile";
import { normalQuantile, normalSf } from "./normal";
import { blockStatistic, rankBlock, shiftInterval } from "./sequential";

export type Verdict = "faster" | "no_detectable_difference" | "slower" | "insufficient_data";

export interface SampleSummary {
  n: number;
  /** null when n = 0. */
  median: number | null;
  p95: number | null;
  mean: number | null;
}

export interface Comparison {
  baseline: SampleSummary;
  optimized: SampleSummary;
  /**
   * 100·(1 − r), r = optimized / baseline typical value (exp of the Hodges–Lehmann shift of the
   * logs); positive = faster / smaller. null when a side is empty.
   */
  improvementPct: number | null;
  /** Interval of improvementPct at 1 − alpha from inverting the test. null when a side is empty. */
  ci95: { low: number; high: number } | null;
  /** The test: z > 0 means baseline values tend to be larger (tie-corrected normal approximation). */
  mannWhitney: { u: number; z: number; pValue: number } | null;
  verdict: Verdict;
  alpha: number;
  /** The method, for people who recompute it. */
  method: string;
}

export interface CompareOptions {
  /** Significance level (default 0.05); the interval is at 1 − alpha. */
  alpha?: number;
  /** Fewer samples than this on either side ⇒ 'insufficient_data' (default 20). */
  minSamples?: number;
}

export const FIXED_SAMPLE_METHOD =
  "Hodges–Lehmann shift of log values; interval and verdict by inverting the two-sided Mann–Whitney test (tie-corrected normal approximation)";

function summarize(values: ArrayLike<number>): { summary: SampleSummary; sorted: Float64Array | null } {
  if (values.length === 0) return { summary: { n: 0, median: null, p95: null, mean: null }, sorted: null };
  const sorted = sortedCopy(values);
  return {
    summary: { n: sorted.length, median: medianSorted(sorted), p95: percentileSorted(sorted, 95), mean: mean(sorted) },
    sorted,
  };
}

/** Compares two samples (durations or bytes) at one look and decides a verdict. */
export function compareSamples(baseline: ArrayLike<number>, optimized: ArrayLike<number>, options: CompareOptions = {}): Comparison {
  const { alpha = 0.05, minSamples = 20 } = options;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareSamples: alpha must be in (0, 1), got ${alpha}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new RangeError(`compareSamples: minSamples must be a positive integer, got ${minSamples}`);
  }
  const base = summarize(baseline);
  const opt = summarize(optimized);
  const empty = { baseline: base.summary, optimized: opt.summary, improvementPct: null, ci95: null, mannWhitney: null, alpha, method: FIXED_SAMPLE_METHOD };
  if (!base.sorted || !opt.sorted) return { ...empty, verdict: "insufficient_data" };

  const block = rankBlock(base.sorted, opt.sorted);
  const sd = Math.sqrt(block.variance);
  const t0 = blockStatistic(block, 0);
  const m = base.sorted.length;
  const n = opt.sorted.length;
  // T > 0: the optimized side tends to be larger (slower). Reported z keeps the old sign convention.
  const z = sd > 0 ? -t0 / sd : 0;
  const bound = normalQuantile(1 - alpha / 2) * sd;
  const iv = shiftInterval([block], bound);
  const pct = (logShift: number) => 100 * (1 - Math.exp(logShift));
  const mannWhitney = { u: t0 * (m + n + 1) + (m * n) / 2, z, pValue: sd > 0 ? Math.min(1, 2 * normalSf(Math.abs(z))) : 1 };
  const result = { ...empty, improvementPct: pct(iv.estimate), ci95: { low: pct(iv.high), high: pct(iv.low) }, mannWhitney };
  let verdict: Verdict;
  if (m < minSamples || n < minSamples) verdict = "insufficient_data";
  else if (sd > 0 && t0 >= bound) verdict = "slower";
  else if (sd > 0 && t0 <= -bound) verdict = "faster";
  else verdict = "no_detectable_difference";
  return { ...result, verdict };
}
