import type { Engine, OptimizationCounters } from "./engine";
import { mannWhitneyU } from "./stats/mann-whitney";
import { errorRateExceeds } from "./stats/proportions";
import { mean, median } from "./stats/quantile";
import type { Actor, OptimizationStore, GuardEvidence, OptimizationState } from "./types";

/** Guard thresholds; every rule has a minimum sample below which it never trips. */
export interface GuardRules {
  windowMs: number;
  errorRate: { max: number; minSamples: number; alpha: number };
  mismatchRate: { max: number; minSamples: number; alpha: number };
  latency: { maxRegressionPct: number; minSamples: number; alpha: number };
  memory: { maxRegressionPct: number; minSamples: number; alpha: number };
}

export const DEFAULT_GUARD_RULES: GuardRules = {
  windowMs: 5 * 60_000,
  // Significance at 1% rather than 5%: a rollback is cheap but a flapping one erodes trust.
  errorRate: { max: 0.02, minSamples: 20, alpha: 0.01 },
  mismatchRate: { max: 0.01, minSamples: 10, alpha: 0.01 },
  latency: { maxRegressionPct: 20, minSamples: 30, alpha: 0.01 },
  memory: { maxRegressionPct: 50, minSamples: 30, alpha: 0.01 },
};

/** Recent measured runs of an operation's variants (the live window of the sample recorder). */
export interface LiveSamples {
  /** Durations (ms) of non-shadow and shadow runs whose variant satisfies `match`, since `sinceMs`. */
  durations(operation: string, match: (variant: string) => boolean, sinceMs: number): Float64Array;
  /** Measured memory deltas (bytes) of the same runs (only the sampled ones). */
  memory(operation: string, match: (variant: string) => boolean, sinceMs: number): Float64Array;
}

interface Bucket {
  at: number;
  c: OptimizationCounters;
}

const hasStrategy = (strategy: string) => (variant: string) => variant.split("+").includes(strategy);
const isBaseline = (variant: string) => variant === "baseline";

/**
 * Evaluates the guard rules of every live optimization (shadow, canary, on) and rolls back the
 * first that trips, storing the evidence. Called continuously (every few seconds) by the host.
 */
export class GuardEvaluator {
  private readonly windows = new Map<string, Bucket[]>();

  constructor(
    private readonly deps: {
      engine: Engine;
      store: OptimizationStore;
      samples: LiveSamples;
      wallNow?: () => number;
      rules?: GuardRules;
      onRollback?: (state: OptimizationState, evidence: GuardEvidence) => void;
    },
  ) {}

  private get rules(): GuardRules {
    return this.deps.rules ?? DEFAULT_GUARD_RULES;
  }

  private windowCounters(id: string, now: number): OptimizationCounters {
    const buckets = this.windows.get(id) ?? [];
    buckets.push({ at: now, c: this.deps.engine.takeCounters(id) });
    const from = now - this.rules.windowMs;
    const kept = buckets.filter((b) => b.at >= from);
    this.windows.set(id, kept);
    return kept.reduce(
      (s, b) => ({
        calls: s.calls + b.c.calls,
        failures: s.failures + b.c.failures,
        shadowRuns: s.shadowRuns + b.c.shadowRuns,
        mismatches: s.mismatches + b.c.mismatches,
      }),
      { calls: 0, failures: 0, shadowRuns: 0, mismatches: 0 },
    );
  }

  /** Checks one optimization; returns the evidence of the first tripped rule, or null. */
  check(st: OptimizationState, now: number): GuardEvidence | null {
    const r = this.rules;
    const c = this.windowCounters(st.id, now);
    const window = { from: new Date(now - r.windowMs).toISOString(), to: new Date(now).toISOString() };
    const runs = st.state === "shadow" ? c.shadowRuns : c.calls;

    if (runs >= r.errorRate.minSamples) {
      const t = errorRateExceeds(c.failures, runs, r.errorRate.max, { alpha: r.errorRate.alpha });
      if (t.exceeds) {
        return {
          rule: "error_rate",
          observed: { failures: c.failures, runs, rate: t.rate },
          threshold: { maxRate: r.errorRate.max, alpha: r.errorRate.alpha, minSamples: r.errorRate.minSamples },
          sampleSizes: { baseline: 0, optimized: runs },
          test: { name: "exact binomial, one-sided", statistic: c.failures, pValue: t.pValue },
          window,
          summary: `${c.failures} of ${runs} runs of the optimized variant failed (${(t.rate * 100).toFixed(1)}% > ${r.errorRate.max * 100}%, p = ${t.pValue.toExponential(2)})`,
        };
      }
    }
    if (c.shadowRuns >= r.mismatchRate.minSamples) {
      const t = errorRateExceeds(c.mismatches, c.shadowRuns, r.mismatchRate.max, { alpha: r.mismatchRate.alpha });
      if (t.exceeds) {
        return {
          rule: "mismatch_rate",
          observed: { mismatches: c.mismatches, shadowRuns: c.shadowRuns, rate: t.rate },
          threshold: { maxRate: r.mismatchRate.max, alpha: r.mismatchRate.alpha, minSamples: r.mismatchRate.minSamples },
          sampleSizes: { baseline: c.shadowRuns, optimized: c.shadowRuns },
          test: { name: "exact binomial, one-sided", statistic: c.mismatches, pValue: t.pValue },
          window,
          summary: `${c.mismatches} of ${c.shadowRuns} shadow comparisons returned a different result`,
        };
      }
    }
    const since = now - r.windowMs;
    const opt = this.deps.samples.durations(st.operation, hasStrategy(st.strategy), since);
    const base = this.deps.samples.durations(st.operation, isBaseline, since);
    if (opt.length >= r.latency.minSamples && base.length >= r.latency.minSamples) {
      const mb = median(base);
      const mo = median(opt);
      const regression = mb > 0 ? ((mo - mb) / mb) * 100 : 0;
      if (regression > r.latency.maxRegressionPct) {
        const mw = mannWhitneyU(base, opt);
        // z < 0: the optimized latencies tend to be larger than the baseline's.
        if (mw.pValue < r.latency.alpha && mw.z < 0) {
          return {
            rule: "latency_regression",
            observed: { medianBaselineMs: mb, medianOptimizedMs: mo, regressionPct: regression },
            threshold: { maxRegressionPct: r.latency.maxRegressionPct, alpha: r.latency.alpha, minSamples: r.latency.minSamples },
            sampleSizes: { baseline: base.length, optimized: opt.length },
            test: { name: "Mann-Whitney U, two-sided, tie-corrected", statistic: mw.u, pValue: mw.pValue },
            window,
            summary: `median latency ${mo.toFixed(2)} ms vs baseline ${mb.toFixed(2)} ms (+${regression.toFixed(0)}%, p = ${mw.pValue.toExponential(2)})`,
          };
        }
      }
    }
    const memOpt = this.deps.samples.memory(st.operation, hasStrategy(st.strategy), since);
    const memBase = this.deps.samples.memory(st.operation, isBaseline, since);
    if (memOpt.length >= r.memory.minSamples && memBase.length >= r.memory.minSamples) {
      const a = mean(memBase);
      const b = mean(memOpt);
      const regression = a > 0 ? ((b - a) / a) * 100 : 0;
      if (regression > r.memory.maxRegressionPct) {
        const mw = mannWhitneyU(memBase, memOpt);
        if (mw.pValue < r.memory.alpha && mw.z < 0) {
          return {
            rule: "memory_regression",
            observed: { meanBaselineBytes: a, meanOptimizedBytes: b, regressionPct: regression },
            threshold: { maxRegressionPct: r.memory.maxRegressionPct, alpha: r.memory.alpha, minSamples: r.memory.minSamples },
            sampleSizes: { baseline: memBase.length, optimized: memOpt.length },
            test: { name: "Mann-Whitney U, two-sided, tie-corrected", statistic: mw.u, pValue: mw.pValue },
            window,
            summary: `memory per call ${(b / 1048576).toFixed(2)} MB vs baseline ${(a / 1048576).toFixed(2)} MB (+${regression.toFixed(0)}%)`,
          };
        }
      }
    }
    return null;
  }

  /** One evaluation pass over every live optimization; returns the rollbacks it made. */
  async evaluate(actor: Actor = { name: "guard", role: "system" }): Promise<{ id: string; evidence: GuardEvidence }[]> {
    const now = (this.deps.wallNow ?? Date.now)();
    const rolled: { id: string; evidence: GuardEvidence }[] = [];
    for (const op of this.deps.engine.operations()) {
      for (const o of op.strategies ?? []) {
        const st = this.deps.engine.state(`${op.name}:${o.strategy}`);
        if (!st || (st.state !== "shadow" && st.state !== "canary" && st.state !== "on")) continue;
        const evidence = this.check(st, now);
        if (!evidence) continue;
        const after = await this.deps.store.setState(st.id, { state: "rolled_back", reason: `${evidence.rule}: ${evidence.summary}` }, actor, evidence);
        this.windows.delete(st.id);
        this.deps.onRollback?.(after, evidence);
        rolled.push({ id: st.id, evidence });
      }
    }
    return rolled;
  }
}
