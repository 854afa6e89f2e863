/**
 * Baseline-vs-optimized latency comparison: descriptive stats, effect size with a bootstrap CI,
 * a Mann–Whitney test, and the verdict the optimization engine acts on.
 */
import { bootstrapMedianImprovementCI } from "./bootstrap";
import { mannWhitneyU } from "./mann-whitney";
import { mean, medianSorted, percentileSorted, sortedCopy } from "./quantile";
import type { Rng } from "./rng";

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
  /** 100·(median(baseline) − median(optimized))/median(baseline); positive = faster. null if not computable. */
  improvementPct: number | null;
  /** 95 % percentile-bootstrap CI of improvementPct. null if not computable. */
  ci95: { low: number; high: number } | null;
  /** Mann–Whitney test of baseline vs optimized; z > 0 means baseline latencies tend to be larger. */
  mannWhitney: { u: number; z: number; pValue: number } | null;
  verdict: Verdict;
  alpha: number;
}

export interface CompareOptions {
  /** Significance level of the Mann–Whitney test (default 0.05). */
  alpha?: number;
  /** Fewer samples than this on either side ⇒ 'insufficient_data' (default 20). */
  minSamples?: number;
  /** Seeded PRNG for the bootstrap (default: fixed seed, reproducible). */
  rng?: Rng;
  /** Bootstrap resamples for ci95 (default 2000). */
  bootstrapIterations?: number;
}

function summarize(values: ArrayLike<number>): { summary: SampleSummary; sorted: Float64Array | null } {
  if (values.length === 0) return { summary: { n: 0, median: null, p95: null, mean: null }, sorted: null };
  const sorted = sortedCopy(values);
  return {
    summary: { n: sorted.length, median: medianSorted(sorted), p95: percentileSorted(sorted, 95), mean: mean(sorted) },
    sorted,
  };
}

/**
 * Compares two latency samples and decides a verdict.
 *
 * Decision rule: ONE pre-specified test, Mann–Whitney at `alpha`, decides whether there is a
 * difference; the direction comes from the medians. This keeps the false-verdict rate at alpha
 * (checked by bench/stats-calibration.ts).
 *
 * The bootstrap CI and the test can disagree, because they answer different questions: the CI is
 * about the difference of medians, the test about P(baseline > optimized) ≠ ½ over the whole
 * distribution. E.g. a change that speeds up the slow half but not the middle gives p < alpha
 * with a CI straddling 0; a lumpy (discretized) median can give a CI excluding 0 with p ≥ alpha,
 * and the percentile bootstrap of a median undercovers at small n. We do NOT combine them
 * (requiring both would cut power and leave the rule uncalibrated; accepting either would
 * inflate false verdicts to up to ~2·alpha). The CI is reported as the effect-size estimate only.
 *
 * If the test is significant but its direction (sign of z) and the medians' direction disagree,
 * or the medians are equal, the distributions differ in shape rather than by a shift; calling
 * that 'faster' or 'slower' would contradict either the reported improvement or the test, so we
 * return 'no_detectable_difference' (conservative: no promotion, no rollback on shape alone).
 */
export function compareSamples(
  baseline: ArrayLike<number>,
  optimized: ArrayLike<number>,
  options: CompareOptions = {},
): Comparison {
  const { alpha = 0.05, minSamples = 20, rng, bootstrapIterations = 2000 } = options;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareSamples: alpha must be in (0, 1), got ${alpha}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new RangeError(`compareSamples: minSamples must be a positive integer, got ${minSamples}`);
  }
  const base = summarize(baseline);
  const opt = summarize(optimized);

  let improvementPct: number | null = null;
  let ci95: Comparison["ci95"] = null;
  let mannWhitney: Comparison["mannWhitney"] = null;
  if (base.sorted && opt.sorted) {
    const mw = mannWhitneyU(base.sorted, opt.sorted);
    mannWhitney = { u: mw.u, z: mw.z, pValue: mw.pValue };
    // Improvement % is undefined for a non-positive baseline median (e.g. a 0 ms coarse timer).
    if (base.summary.median! > 0) {
      const ci = bootstrapMedianImprovementCI(base.sorted, opt.sorted, { iterations: bootstrapIterations, confidence: 0.95, rng });
      improvementPct = ci.estimate;
      ci95 = { low: ci.low, high: ci.high };
    }
  }

  let verdict: Verdict;
  if (base.summary.n < minSamples || opt.summary.n < minSamples || !mannWhitney) {
    verdict = "insufficient_data";
  } else if (mannWhitney.pValue >= alpha) {
    verdict = "no_detectable_difference";
  } else {
    const medianDelta = opt.summary.median! - base.summary.median!;
    if (medianDelta < 0 && mannWhitney.z > 0) verdict = "faster";
    else if (medianDelta > 0 && mannWhitney.z < 0) verdict = "slower";
    else verdict = "no_detectable_difference";
  }
  return { baseline: base.summary, optimized: opt.summary, improvementPct, ci95, mannWhitney, verdict, alpha };
}
