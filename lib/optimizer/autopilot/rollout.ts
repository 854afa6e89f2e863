/**
 * The guarded rollout state machine, pure: shadow → canary 5 % → 25 % → 50 % → on (watched),
 * advanced only on evidence, held when inconclusive, rolled back on harm.
 */
import { compareSamples, type Comparison } from "../stats/compare";
import type { OptimizationState, StateChange } from "../types";
import type { AutopilotConfig, Gain } from "./config";
import type { DetectedFinding, Rollout, RolloutDecision, RolloutObservations, RolloutState, RolloutStep } from "./types";

/** The steps of a rollout, in order. */
export function stepsOf(config: AutopilotConfig, withShadow: boolean): RolloutStep[] {
  return [...(withShadow ? ["shadow"] : []), ...config.canaryPercents.map((p) => `canary_${p}`), "on"];
}

/** The optimization state a step stands for. */
export function changeFor(step: RolloutStep): StateChange & { percent: number } {
  if (step === "shadow") return { state: "shadow", percent: 0 };
  if (step === "on") return { state: "on", percent: 100 };
  const m = /^canary_(\d+(?:\.\d+)?)$/.exec(step);
  if (!m) throw new Error(`not an active rollout step: ${step}`);
  return { state: "canary", percent: Number(m[1]) };
}

export interface StepContext {
  now: number;
  config: AutopilotConfig;
  gain: Gain;
  optimization: OptimizationState | undefined;
  /** Samples of the current step's window (null at `on`: nothing left to compare with). */
  observations: RolloutObservations | null;
  /** Harmful findings on a variant that uses the strategy. */
  harmful: DetectedFinding[];
  /** Whether the condition that started the rollout is still detected. */
  findingActive: boolean;
}

export interface StepDecision extends RolloutDecision {
  /** The optimization state change to make (through the optimization store), if any. */
  change: StateChange | null;
  /** The rollout's new terminal state, if it ends. */
  terminal: RolloutState | null;
}

function summarize(c: Comparison) {
  return {
    verdict: c.verdict,
    alpha: c.alpha,
    improvementPct: c.improvementPct,
    ci95: c.ci95,
    test: c.mannWhitney ? { name: "Mann-Whitney U, two-sided, tie-corrected", statistic: c.mannWhitney.u, z: c.mannWhitney.z, pValue: c.mannWhitney.pValue } : null,
    baseline: c.baseline,
    optimized: c.optimized,
  };
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(0)} min`;

/** Decides what to do with one active rollout now. */
export function decideRollout(r: Rollout, ctx: StepContext): StepDecision {
  const { now, config } = ctx;
  const elapsed = now - r.stepSince;
  const d = (action: StepDecision["action"], to: RolloutStep, reason: string, evidence: Record<string, unknown>, change: StateChange | null, terminal: RolloutState | null = null): StepDecision => ({
    at: now,
    action,
    from: r.step,
    to,
    reason,
    evidence: { rollout: r.id, rule: r.rule, window: { from: new Date(r.stepSince).toISOString(), to: new Date(now).toISOString() }, ...evidence },
    change,
    terminal,
  });

  const o = ctx.optimization;
  const expected = changeFor(r.step);
  if (!o || o.state !== expected.state || (expected.state === "canary" && o.percent !== expected.percent)) {
    // Someone else (a guard, an engineer) changed the optimization: the autopilot steps aside.
    const rolled = o?.state === "rolled_back";
    const why = !o ? "the optimization no longer exists" : rolled ? `rolled back by ${o.updatedBy}: ${o.reason ?? "no reason given"}` : `set to ${o.state} by ${o.updatedBy}`;
    return d("external", rolled ? "rolled_back" : "aborted", why, { optimization: o ? { state: o.state, percent: o.percent, updatedBy: o.updatedBy } : null }, null, rolled ? "rolled_back" : "aborted");
  }

  const harm = ctx.harmful[0];
  if (harm) {
    const reason = `${harm.rule} on ${harm.variant}: ${harm.summary}`;
    return d("rollback", "rolled_back", reason, { finding: { rule: harm.rule, variant: harm.variant, evidence: harm.evidence } }, { state: "rolled_back", reason: `autopilot: ${reason}` }, "rolled_back");
  }

  if (r.step === "on") {
    if (elapsed >= config.watchSeconds * 1000) return d("complete", "on", `no harm in ${minutes(elapsed)} at 100%`, {}, null, "completed");
    return d("hold", "on", `watching for harm (${minutes(elapsed)} of ${minutes(config.watchSeconds * 1000)})`, {}, null);
  }

  const steps = stepsOf(config, r.step === "shadow");
  const next = steps[steps.indexOf(r.step) + 1] ?? "on";
  const obs = ctx.observations;
  if (!obs) return d("hold", r.step, "no observations", {}, null);
  const giveUp = (why: string) => d("abort", "aborted", `${why} after ${minutes(elapsed)}`, {}, { state: "off", reason: `autopilot gave up: ${why}` }, "aborted");

  if (r.step === "shadow") {
    const bad = obs.mismatches + obs.shadowFailures;
    const shadowEvidence = { shadow: { runs: obs.shadowRuns, mismatches: obs.mismatches, failures: obs.shadowFailures, minRuns: config.shadow.minRuns, maxMismatches: config.shadow.maxMismatches } };
    if (bad > config.shadow.maxMismatches) {
      const reason = `${obs.mismatches} mismatches and ${obs.shadowFailures} failures in ${obs.shadowRuns} shadow runs`;
      return d("rollback", "rolled_back", reason, shadowEvidence, { state: "rolled_back", reason: `autopilot: ${reason}` }, "rolled_back");
    }
    if (elapsed >= config.minStepSeconds * 1000 && obs.shadowRuns >= config.shadow.minRuns) {
      return d("advance", next, `${obs.shadowRuns} shadow runs returned identical results`, shadowEvidence, changeFor(next));
    }
    if (elapsed > config.maxStepSeconds * 1000) return giveUp(`only ${obs.shadowRuns} shadow runs`);
    return d("hold", r.step, `shadow: ${obs.shadowRuns}/${config.shadow.minRuns} runs, soaking ${minutes(elapsed)}`, shadowEvidence, null);
  }

  // The CI is evidence only, so 1,000 bootstrap resamples are plenty; the verdict is the test's.
  const opts = { alpha: config.comparison.alpha, minSamples: config.comparison.minSamples, bootstrapIterations: 1_000 };
  const cap = (a: Float64Array) => (a.length > config.comparison.maxSamplesPerSide ? a.subarray(a.length - config.comparison.maxSamplesPerSide) : a);
  const latency = compareSamples(cap(obs.baseline), cap(obs.optimized), opts);
  const memory = ctx.gain === "memory" ? compareSamples(cap(obs.baselineMemory), cap(obs.optimizedMemory), opts) : null;
  const evidence: Record<string, unknown> = { comparison: summarize(latency), ...(memory ? { memoryComparison: summarize(memory) } : {}) };
  if (latency.verdict === "slower" || memory?.verdict === "slower") {
    const reason = latency.verdict === "slower" ? `optimized is significantly slower (p = ${latency.mannWhitney?.pValue.toExponential(2)})` : "optimized uses significantly more memory per call";
    return d("rollback", "rolled_back", reason, evidence, { state: "rolled_back", reason: `autopilot: ${reason}` }, "rolled_back");
  }
  if (elapsed < config.minStepSeconds * 1000) return d("hold", r.step, `soaking (${minutes(elapsed)} of ${minutes(config.minStepSeconds * 1000)})`, evidence, null);
  const gained =
    ctx.gain === "latency" ? latency.verdict === "faster" : ctx.gain === "memory" ? memory?.verdict === "faster" : !ctx.findingActive;
  if (gained) {
    const what =
      ctx.gain === "latency"
        ? `optimized is significantly faster (${latency.improvementPct?.toFixed(0)}%, p = ${latency.mannWhitney?.pValue.toExponential(2)})`
        : ctx.gain === "memory"
          ? `optimized uses significantly less memory per call (p = ${memory?.mannWhitney?.pValue.toExponential(2)})`
          : `${r.rule} is no longer detected`;
    return d("advance", next, what, evidence, changeFor(next));
  }
  if (elapsed > config.maxStepSeconds * 1000) return giveUp(`no significant gain at ${changeFor(r.step).percent}%`);
  const verdict = ctx.gain === "memory" ? memory!.verdict : ctx.gain === "latency" ? latency.verdict : "finding still detected";
  return d("hold", r.step, `inconclusive (${verdict}); holding at ${changeFor(r.step).percent}%`, evidence, null);
}
