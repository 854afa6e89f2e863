/**
 * The guarded rollout state machine, pure: shadow → canary 5 % → 25 % → 50 % → on (watched),
 * advanced only on evidence, held when inconclusive, rolled back on harm.
 */
import { closedBlocks } from "../analysis/blocks";
import { DEFAULT_ANALYSIS, PhaseAnalysis, expectedInformation, type AnalysisResult } from "../analysis/phase-analysis";
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

function summarize(r: AnalysisResult) {
  return {
    verdict: r.verdict,
    promote: r.promote,
    rollback: r.rollback,
    ratio: r.ratio,
    interval: r.ratioLow === null ? null : { low: r.ratioLow, high: r.ratioHigh },
    nBaseline: r.nBaseline,
    nOptimized: r.nOptimized,
    blocks: r.blocks,
    alpha: r.alpha,
    z: r.z,
    threshold: r.threshold,
    method: "time-blocked rank test over the step (its phase), normal-mixture confidence sequence",
  };
}

/**
 * The step's analyses over its phase (both arms' primary runs since the step began, in closed
 * blocks): latency, and memory per call. The promotion test spends the autopilot's budget (2 %
 * of rollouts, split over its phases); the rollback test the guard's (1 %).
 */
function analyseStep(obs: RolloutObservations, stepSince: number, now: number, share: number) {
  const target = expectedInformation(Math.max(obs.callsBefore / 300, 0.2), share);
  const blockMs = DEFAULT_ANALYSIS.blockSeconds * 1000;
  const latency = new PhaseAnalysis(target);
  for (const b of closedBlocks(obs.samples, stepSince, now, blockMs, DEFAULT_ANALYSIS.minPerArmPerBlock)) latency.addBlock(b.baseline, b.optimized);
  const measured = obs.samples.filter((s) => !Number.isNaN(s.memoryBytes)).map((s) => ({ ...s, durationMs: s.memoryBytes, ok: true }));
  const memory = new PhaseAnalysis(target);
  for (const b of closedBlocks(measured, stepSince, now, blockMs, DEFAULT_ANALYSIS.minPerArmPerBlock)) memory.addBlock(b.baseline, b.optimized);
  return { latency: latency.result(), memory: memory.result() };
}

/** "×0.82 [0.78, 0.87]": the ratio optimized/baseline with its always-valid interval. */
function fmtRatio(r: AnalysisResult): string {
  if (r.ratio === null) return "no estimate yet";
  const f = (x: number | null) => (x === null ? "?" : x.toFixed(2));
  return `×${f(r.ratio)} [${f(r.ratioLow)}, ${f(r.ratioHigh)}], ${r.nOptimized} vs ${r.nBaseline} calls`;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(0)} min`;

/** Decides what to do with one active rollout now. */
export function decideRollout(r: Rollout, ctx: StepContext): StepDecision {
  const { now, config } = ctx;
  const elapsed = now - r.stepSince;
  const d = (
    action: StepDecision["action"],
    to: RolloutStep,
    reason: string,
    evidence: Record<string, unknown>,
    change: StateChange | null,
    terminal: RolloutState | null = null,
  ): StepDecision => ({
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
    const why = !o
      ? "the optimization no longer exists"
      : rolled
        ? `rolled back by ${o.updatedBy}: ${o.reason ?? "no reason given"}`
        : `set to ${o.state} by ${o.updatedBy}`;
    return d(
      "external",
      rolled ? "rolled_back" : "aborted",
      why,
      { optimization: o ? { state: o.state, percent: o.percent, updatedBy: o.updatedBy } : null },
      null,
      rolled ? "rolled_back" : "aborted",
    );
  }

  const harm = ctx.harmful[0];
  if (harm) {
    const reason = `${harm.rule} on ${harm.variant}: ${harm.summary}`;
    return d(
      "rollback",
      "rolled_back",
      reason,
      { finding: { rule: harm.rule, variant: harm.variant, evidence: harm.evidence } },
      { state: "rolled_back", reason: `autopilot: ${reason}` },
      "rolled_back",
    );
  }

  if (r.step === "on") {
    if (elapsed >= config.watchSeconds * 1000) return d("complete", "on", `no harm in ${minutes(elapsed)} at 100%`, {}, null, "completed");
    return d("hold", "on", `watching for harm (${minutes(elapsed)} of ${minutes(config.watchSeconds * 1000)})`, {}, null);
  }

  const steps = stepsOf(config, r.step === "shadow");
  const next = steps[steps.indexOf(r.step) + 1] ?? "on";
  const obs = ctx.observations;
  if (!obs) return d("hold", r.step, "no observations", {}, null);
  const giveUp = (why: string) =>
    d("abort", "aborted", `${why} after ${minutes(elapsed)}`, {}, { state: "off", reason: `autopilot gave up: ${why}` }, "aborted");

  if (r.step === "shadow") {
    const bad = obs.mismatches + obs.shadowFailures;
    const shadowEvidence = {
      shadow: {
        runs: obs.shadowRuns,
        mismatches: obs.mismatches,
        failures: obs.shadowFailures,
        minRuns: config.shadow.minRuns,
        maxMismatches: config.shadow.maxMismatches,
      },
    };
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

  const { latency, memory: mem } = analyseStep(obs, r.stepSince, now, changeFor(r.step).percent / 100);
  const memory = ctx.gain === "memory" ? mem : null;
  const evidence: Record<string, unknown> = { analysis: summarize(latency), ...(memory ? { memoryAnalysis: summarize(memory) } : {}) };
  if (latency.rollback || memory?.rollback) {
    const reason = latency.rollback ? `optimized is credibly slower (${fmtRatio(latency)})` : `optimized uses credibly more memory per call (${fmtRatio(mem)})`;
    return d("rollback", "rolled_back", reason, evidence, { state: "rolled_back", reason: `autopilot: ${reason}` }, "rolled_back");
  }
  if (elapsed < config.minStepSeconds * 1000)
    return d("hold", r.step, `soaking (${minutes(elapsed)} of ${minutes(config.minStepSeconds * 1000)})`, evidence, null);
  const gained = ctx.gain === "latency" ? latency.promote : ctx.gain === "memory" ? mem.promote : !ctx.findingActive;
  if (gained) {
    const what =
      ctx.gain === "latency"
        ? `optimized is credibly faster (${fmtRatio(latency)})`
        : ctx.gain === "memory"
          ? `optimized uses credibly less memory per call (${fmtRatio(mem)})`
          : `${r.rule} is no longer detected`;
    return d("advance", next, what, evidence, changeFor(next));
  }
  if (elapsed > config.maxStepSeconds * 1000) return giveUp(`no significant gain at ${changeFor(r.step).percent}%`);
  const verdict = ctx.gain === "memory" ? `memory ${mem.verdict}` : ctx.gain === "latency" ? latency.verdict : "finding still detected";
  return d("hold", r.step, `inconclusive (${verdict}); holding at ${changeFor(r.step).percent}%`, evidence, null);
}
