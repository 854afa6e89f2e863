/**
 * Latency rules: a significant regression against the rolling reference hour, a live optimized
 * variant slower than the baseline in the same window, and the absolute p95 limit.
 */
import { formatPValue } from "../../format";
import { mannWhitneyU } from "../stats/mann-whitney";
import { medianSorted, percentileSorted, sortedCopy } from "../stats/quantile";
import type { MonitorConfig } from "./config";
import { fingerprintOf, type Finding, type GuardRollback, type MonitorRule, type PhaseVerdict } from "./types";
import { isoWindow, type Windowed } from "./windows";

type LatencyRule = MonitorConfig["latencyRegression"];

const pct = (after: number, before: number) => (before > 0 ? ((after - before) / before) * 100 : after > 0 ? Infinity : 0);
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/**
 * Reference vs recent latencies: a finding when Mann–Whitney says the recent ones are larger
 * (p < alpha) AND the median or the p95 got worse by more than `minIncreasePct`. Both: the test
 * alone flags tiny but "significant" shifts on busy operations; the effect size alone flags noise
 * on quiet ones.
 */
function worse(reference: Float64Array, recent: Float64Array, rule: LatencyRule, minReference: number) {
  if (recent.length < rule.minSamples || reference.length < minReference) return null;
  const ref = sortedCopy(reference);
  const rec = sortedCopy(recent);
  const mw = mannWhitneyU(ref, rec);
  // z < 0: the reference values tend to be smaller than the recent ones, i.e. recent is slower.
  if (!(mw.pValue < rule.alpha && mw.z < 0)) return null;
  const m = { ref: medianSorted(ref), rec: medianSorted(rec) };
  const p95 = { ref: percentileSorted(ref, 95), rec: percentileSorted(rec, 95) };
  const incMedian = pct(m.rec, m.ref);
  const incP95 = pct(p95.rec, p95.ref);
  if (!(incMedian > rule.minIncreasePct || incP95 > rule.minIncreasePct)) return null;
  return { mw, m, p95, incMedian, incP95 };
}

function latencyFinding(
  w: Windowed,
  rule: MonitorRule,
  cfg: LatencyRule,
  referenceLabel: string,
  r: NonNullable<ReturnType<typeof worse>>,
  sizes: { recent: number; reference: number },
  referenceWindow: { from: number; to: number },
): Finding {
  const which = r.incMedian > cfg.minIncreasePct ? `median ${ms(r.m.rec)} ms vs ${ms(r.m.ref)} ms` : `p95 ${ms(r.p95.rec)} ms vs ${ms(r.p95.ref)} ms`;
  const inc = Math.max(r.incMedian, r.incP95);
  return {
    fingerprint: fingerprintOf(w.operation, w.variant, rule),
    operation: w.operation,
    variant: w.variant,
    rule,
    severity: "warning",
    summary: `${w.operation} (${w.variant}) is slower than ${referenceLabel}: ${which} (+${inc.toFixed(0)}%, Mann–Whitney ${formatPValue(r.mw.pValue)})`,
    evidence: {
      observed: {
        medianRecentMs: r.m.rec,
        medianReferenceMs: r.m.ref,
        medianIncreasePct: r.incMedian,
        p95RecentMs: r.p95.rec,
        p95ReferenceMs: r.p95.ref,
        p95IncreasePct: r.incP95,
      },
      threshold: { minIncreasePct: cfg.minIncreasePct, alpha: cfg.alpha, minSamples: cfg.minSamples },
      sampleSizes: sizes,
      test: { name: "Mann-Whitney U, two-sided, tie-corrected (recent slower)", statistic: r.mw.u, pValue: r.mw.pValue },
      window: { recent: isoWindow(w.recentFrom, w.now), reference: isoWindow(referenceWindow.from, referenceWindow.to) },
    },
  };
}

/**
 * The series' recent window vs its own previous hour (rolling baseline). A regression that lasts
 * longer than the reference hour becomes the new normal and its alert resolves: the rolling
 * baseline answers "did it just get worse?", the absolute rules answer "is it bad?".
 */
export function latencyRegression(w: Windowed, cfg: LatencyRule, minReferenceSamples: number): Finding | null {
  if (!cfg.enabled) return null;
  const r = worse(w.referenceDurations, w.recent.durationMs, cfg, Math.max(cfg.minSamples, minReferenceSamples));
  if (!r) return null;
  return latencyFinding(
    w,
    "latency_regression",
    cfg,
    "its previous hour",
    r,
    { recent: w.recent.length, reference: w.referenceDurations.length },
    { from: w.referenceFrom, to: w.recentFrom },
  );
}

/**
 * An optimization whose live analysis of its current phase says "slower" than the baseline: the
 * always-valid verdict itself (one analysis per phase), so the monitor raises the alert the moment
 * the product's own verdict turns against a canary — not a second, differently windowed test.
 */
export function slowerThanBaseline(a: PhaseVerdict, cfg: { enabled: boolean }, now: number): Finding | null {
  if (!cfg.enabled || a.verdict !== "slower") return null;
  const pct = (r: number | null) => (r === null ? "?" : `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)}%`);
  return {
    fingerprint: fingerprintOf(a.operation, a.strategy, "slower_than_baseline"),
    operation: a.operation,
    variant: a.strategy,
    rule: "slower_than_baseline",
    severity: "warning",
    summary: `${a.operation} (${a.strategy}) is slower than the baseline in phase ${a.phase}: ${pct(a.ratio)} [${pct(a.ratioLow)}, ${pct(a.ratioHigh)}]`,
    evidence: {
      observed: { ratio: a.ratio ?? NaN, ratioLow: a.ratioLow ?? NaN, ratioHigh: a.ratioHigh ?? NaN, z: a.z ?? NaN },
      threshold: { verdictZ: a.verdictThresholdZ ?? NaN },
      sampleSizes: { recent: a.nOptimized, reference: a.nBaseline },
      test: null,
      window: { recent: isoWindow(a.startedAt, now) },
    },
  };
}

/** An optimization the guard rolled back: an alert until someone acknowledges it or changes the optimization. */
export function guardRollback(g: GuardRollback): Finding {
  return {
    fingerprint: fingerprintOf(g.operation, g.strategy, "guard_rollback"),
    operation: g.operation,
    variant: g.strategy,
    rule: "guard_rollback",
    severity: "critical",
    summary: `The guard rolled back ${g.strategy} of ${g.operation} at ${new Date(g.at).toISOString()}: ${g.reason}`,
    evidence: {
      observed: g.observed,
      threshold: g.threshold,
      sampleSizes: { recent: g.sampleSizes.optimized, reference: g.sampleSizes.baseline },
      test: g.test,
      window: { recent: g.window },
    },
  };
}

/** The original design's absolute rule: p95 response time above the limit (5 s by default). */
export function responseTime(w: Windowed, cfg: MonitorConfig["responseTime"], limitMs: number): Finding | null {
  if (!cfg.enabled || w.recent.length < cfg.minSamples) return null;
  const p95 = percentileSorted(sortedCopy(w.recent.durationMs), 95);
  if (!(p95 > limitMs)) return null;
  return {
    fingerprint: fingerprintOf(w.operation, w.variant, "response_time"),
    operation: w.operation,
    variant: w.variant,
    rule: "response_time",
    severity: "critical",
    summary: `${w.operation} (${w.variant}) p95 response time ${(p95 / 1000).toFixed(2)} s is above ${(limitMs / 1000).toFixed(1)} s`,
    evidence: {
      observed: { p95Ms: p95 },
      threshold: { p95MaxMs: limitMs, minSamples: cfg.minSamples },
      sampleSizes: { recent: w.recent.length },
      test: null,
      window: { recent: isoWindow(w.recentFrom, w.now) },
    },
  };
}
