/**
 * The guard: continuous, always-valid checks of every live optimization (shadow, canary, on) that
 * roll it back when it does harm, storing the evidence. Every rule accumulates from the start of
 * the optimization's current phase (its state or percentage changed: a new phase) and compares
 * its running statistic with a one-sided normal-mixture boundary (lib/optimizer/stats/sequential),
 * so checking every few seconds does not inflate the false-rollback rate.
 *
 * Error budget: a false rollback in at most 1 % of rollouts, split by the union bound over the 4
 * analysed phases of a rollout and the 4 rules: α = 0.01 / 16 per rule and phase.
 */
import { PhaseAnalysis, expectedInformation, DEFAULT_ANALYSIS, type AnalysisSettings } from "./analysis/phase-analysis";
import type { PhaseSample } from "./analysis/blocks";
import type { Engine, OptimizationCounters } from "./engine";
import type { LiveWindow } from "./live-window";
import { FLAG_SHADOW, OUTCOMES } from "./sample-codes";
import { mixturePValue, oneSidedBoundary } from "./stats/sequential";
import type { Actor, OptimizationStore, GuardEvidence, OptimizationState } from "./types";

/** Guard thresholds; every rule has a minimum sample below which it never trips. */
export interface GuardRules {
  /** Share of rollouts that may see a false rollback (all rules, all phases). */
  falseRollbackBudget: number;
  /** Analysed phases per rollout (shadow, 5 %, 25 %, 50 %) and rules, for the union bound. */
  phases: number;
  rules: number;
  errorRate: { max: number; minSamples: number };
  mismatchRate: { max: number; minSamples: number };
  /** Slowdown tolerated before a rollback: 0.05 = the variant must be credibly > 5 % slower. */
  latency: { tolerance: number; minSamples: number };
  /** Extra memory per call tolerated: 0.5 = credibly > 50 % more. */
  memory: { tolerance: number; minSamples: number };
  blockSeconds: number;
}

export const DEFAULT_GUARD_RULES: GuardRules = {
  falseRollbackBudget: 0.01,
  phases: 4,
  rules: 4,
  errorRate: { max: 0.02, minSamples: 20 },
  mismatchRate: { max: 0.01, minSamples: 10 },
  latency: { tolerance: 0.05, minSamples: 50 },
  memory: { tolerance: 0.5, minSamples: 30 },
  blockSeconds: 30,
};

/** One measured run in the live window, with its memory figure (NaN when not measured). */
export interface GuardSample extends PhaseSample {
  memoryBytes: number;
}

/** Recent measured runs of an operation (the live window of the sample recorder). */
export interface LiveSamples {
  /**
   * Runs with sinceMs ≤ at < untilMs: the baseline's primary runs (optimized = false) and the
   * runs of variants that use `strategy` (optimized = true) — shadow runs when `shadow`, else
   * primary runs.
   */
  runs(operation: string, strategy: string, shadow: boolean, sinceMs: number, untilMs: number): GuardSample[];
}

/** The guard's view of a live window (the sample recorder's per-(operation, variant) rings). */
export function liveWindowSamples(source: { readonly live: LiveWindow | null }): LiveSamples {
  return {
    runs(operation, strategy, shadow, since, until) {
      const out: GuardSample[] = [];
      for (const ring of source.live?.rings() ?? []) {
        if (ring.operation !== operation) continue;
        const optimized = ring.variant !== "baseline";
        if (optimized && !ring.variant.split("+").includes(strategy)) continue;
        const s = ring.slice(since, until);
        for (let i = 0; i < s.length; i++) {
          const isShadow = (s.flags[i]! & FLAG_SHADOW) !== 0;
          // The baseline's primary runs; the optimized arm's shadow runs in shadow, else its primary runs.
          if (optimized ? isShadow !== shadow : isShadow) continue;
          out.push({ at: s.at[i]!, durationMs: s.durationMs[i]!, ok: OUTCOMES[s.outcome[i]!] === "ok", optimized, memoryBytes: s.memoryBytes[i]! });
        }
      }
      return out;
    },
  };
}

/** A rule as the guard watches it now: what it compares, its threshold and the current value. */
export interface GuardRuleStatus {
  rule: GuardEvidence["rule"];
  watches: string;
  /** Current z-score of the rule's statistic and the boundary it must reach (z units); null before data. */
  z: number | null;
  boundaryZ: number | null;
  /** The observed value in the rule's own unit (failure rate, ratio) and the limit. */
  observed: number | null;
  limit: number;
  samples: number;
  minSamples: number;
}

export interface GuardStatus {
  optimization: string;
  phase: number;
  phaseStartedAt: string;
  alphaPerRule: number;
  rules: GuardRuleStatus[];
}

interface Pending {
  baseline: number[];
  optimized: number[];
}

/** What the guard accumulates for one optimization in one phase. */
interface PhaseTrack {
  version: number;
  start: number;
  shadow: boolean;
  latency: PhaseAnalysis;
  memory: PhaseAnalysis;
  /** Index of the next block of the phase not yet read. */
  nextBlock: number;
  pendingLatency: Pending;
  pendingMemory: Pending;
  counters: OptimizationCounters;
  /** Calls per second of the optimized arm expected at the phase start (tunes the boundaries). */
  optimizedRate: number;
}

const MIN_PER_ARM = DEFAULT_ANALYSIS.minPerArmPerBlock;

/**
 * Evaluates the guard rules of every live optimization and rolls back the ones that trip, storing
 * the evidence. Called continuously (every few seconds) by the host.
 */
export class GuardEvaluator {
  private readonly tracks = new Map<string, PhaseTrack>();

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

  /** α per rule and phase (union bound over phases and rules). */
  get alphaPerRule(): number {
    const r = this.rules;
    return r.falseRollbackBudget / (r.phases * r.rules);
  }

  private settings(tolerance: number): AnalysisSettings {
    const r = this.rules;
    return {
      ...DEFAULT_ANALYSIS,
      blockSeconds: r.blockSeconds,
      guardTolerance: tolerance,
      // The analysis divides by its phases; give it this rule's whole per-phase share.
      budgets: { ...DEFAULT_ANALYSIS.budgets, rollback: this.alphaPerRule * DEFAULT_ANALYSIS.budgets.phases },
    };
  }

  /** The phase track of an optimization, restarted when its phase changed. */
  private track(st: OptimizationState): PhaseTrack {
    const old = this.tracks.get(st.id);
    if (old && old.version === st.version) return old;
    const start = Date.parse(st.updatedAt);
    const shadow = st.state === "shadow";
    // Traffic before the phase started tunes the boundaries (fixed for the phase: re-tuning on
    // the phase's own data would break the guarantee). Shadow runs happen on about half the calls.
    const before = this.deps.samples.runs(st.operation, st.strategy, false, start - 300_000, start);
    const rate = Math.max(before.length / 300, 0.2);
    const share = shadow ? 1 / 3 : st.state === "canary" ? st.percent / 100 : 0.5;
    const target = expectedInformation(rate, share);
    const r = this.rules;
    const t: PhaseTrack = {
      version: st.version,
      start,
      shadow,
      latency: new PhaseAnalysis(target, this.settings(r.latency.tolerance), false),
      memory: new PhaseAnalysis(target, this.settings(r.memory.tolerance), false),
      nextBlock: 0,
      pendingLatency: { baseline: [], optimized: [] },
      pendingMemory: { baseline: [], optimized: [] },
      counters: { calls: 0, failures: 0, shadowRuns: 0, mismatches: 0 },
      optimizedRate: Math.max(rate * share, 0.05),
    };
    this.tracks.set(st.id, t);
    return t;
  }

  /** Reads the blocks of the phase that closed since the last look into the running analyses. */
  private advance(st: OptimizationState, t: PhaseTrack, now: number): void {
    const c = this.deps.engine.takeCounters(st.id);
    t.counters.calls += c.calls;
    t.counters.failures += c.failures;
    t.counters.shadowRuns += c.shadowRuns;
    t.counters.mismatches += c.mismatches;
    const blockMs = this.rules.blockSeconds * 1000;
    const closed = Math.floor((now - t.start) / blockMs);
    if (closed <= t.nextBlock) return;
    const from = t.start + t.nextBlock * blockMs;
    const runs = this.deps.samples.runs(st.operation, st.strategy, t.shadow, from, t.start + closed * blockMs);
    const byBlock = new Map<number, GuardSample[]>();
    for (const s of runs) {
      const k = Math.floor((s.at - t.start) / blockMs);
      let list = byBlock.get(k);
      if (!list) byBlock.set(k, (list = []));
      list.push(s);
    }
    for (let k = t.nextBlock; k < closed; k++) {
      for (const s of byBlock.get(k) ?? []) {
        (s.optimized ? t.pendingLatency.optimized : t.pendingLatency.baseline).push(s.ok ? s.durationMs : Infinity);
        if (!Number.isNaN(s.memoryBytes)) (s.optimized ? t.pendingMemory.optimized : t.pendingMemory.baseline).push(s.memoryBytes);
      }
      // The merge rule on counts only (a block short of calls in an arm waits for the next).
      flush(t.pendingLatency, t.latency);
      flush(t.pendingMemory, t.memory);
    }
    t.nextBlock = closed;
  }

  /** Checks one optimization at `now`; returns the evidence of the first tripped rule, or null. */
  check(st: OptimizationState, now: number): GuardEvidence | null {
    const t = this.track(st);
    this.advance(st, t, now);
    const r = this.rules;
    const window = { from: new Date(t.start).toISOString(), to: new Date(now).toISOString() };
    const a = this.alphaPerRule;
    const test = (z: number, p: number) => ({
      name: "always-valid one-sided test (normal-mixture boundary), accumulated over the phase",
      statistic: z,
      pValue: p,
    });

    for (const rule of ["error_rate", "mismatch_rate"] as const) {
      const limit = rule === "error_rate" ? r.errorRate : r.mismatchRate;
      const runs = rule === "error_rate" ? (t.shadow ? t.counters.shadowRuns : t.counters.calls) : t.counters.shadowRuns;
      const bad = rule === "error_rate" ? t.counters.failures : t.counters.mismatches;
      const b = this.proportion(bad, runs, limit.max, t.optimizedRate);
      if (runs >= limit.minSamples && b.s >= b.bound) {
        const rate = bad / runs;
        return {
          rule,
          observed: rule === "error_rate" ? { failures: bad, runs, rate } : { mismatches: bad, shadowRuns: runs, rate },
          threshold: { maxRate: limit.max, alpha: a, minSamples: limit.minSamples, boundaryZ: b.bound / Math.sqrt(b.v) },
          sampleSizes: rule === "error_rate" ? { baseline: 0, optimized: runs } : { baseline: runs, optimized: runs },
          test: test(b.s / Math.sqrt(b.v), mixturePValue(b.s, b.v, a, b.vOpt)),
          window,
          summary:
            rule === "error_rate"
              ? `${bad} of ${runs} runs of the optimized variant failed this phase (${(rate * 100).toFixed(1)}%, credibly above ${limit.max * 100}%)`
              : `${bad} of ${runs} shadow comparisons returned a different result this phase (credibly above ${limit.max * 100}%)`,
        };
      }
    }
    // A shadow run of a writing operation discards its writes, so its duration and memory are not
    // comparable with the baseline's: in shadow such operations are judged on results only.
    const writesDiscarded = t.shadow && this.deps.engine.operation(st.operation)?.shadowWritesDiscarded === true;
    for (const [rule, an, limit] of [
      ["latency_regression", t.latency, r.latency],
      ["memory_regression", t.memory, r.memory],
    ] as const) {
      if (writesDiscarded) break;
      const s = an.statistics();
      if (s.nOptimized < limit.minSamples || !an.rollback()) continue;
      const z = s.sRollback / Math.sqrt(s.v);
      const bound = an.rollbackBoundary();
      return {
        rule,
        observed: { zAtTolerance: z, nBaseline: s.nBaseline, nOptimized: s.nOptimized, blocks: an.closedBlocks },
        threshold: { tolerance: limit.tolerance, alpha: a, boundaryZ: bound / Math.sqrt(s.v), minSamples: limit.minSamples },
        sampleSizes: { baseline: s.nBaseline, optimized: s.nOptimized },
        test: test(z, mixturePValue(s.sRollback, s.v, a, an.informationTarget)),
        window,
        summary:
          rule === "latency_regression"
            ? `${st.strategy} is credibly more than ${Math.round(limit.tolerance * 100)}% slower than the baseline this phase (time-blocked rank test, ${s.nOptimized} vs ${s.nBaseline} calls)`
            : `${st.strategy} uses credibly more than ${Math.round(limit.tolerance * 100)}% more memory per call than the baseline this phase (${s.nOptimized} vs ${s.nBaseline} measured calls)`,
      };
    }
    return null;
  }

  /** A failure or mismatch count against its allowed rate: S = bad − max·runs, V = max(1−max)·runs. */
  private proportion(bad: number, runs: number, max: number, optimizedRate: number): { s: number; v: number; bound: number; vOpt: number } {
    const v = Math.max(runs * max * (1 - max), 1e-9);
    const vOpt = Math.max(optimizedRate * 1_200 * max * (1 - max), 1);
    return { s: bad - max * runs, v, bound: oneSidedBoundary(v, this.alphaPerRule, vOpt), vOpt };
  }

  /** What the guard watches for one optimization now, with thresholds and current values (the API shows it). */
  status(st: OptimizationState): GuardStatus {
    const t = this.track(st);
    const r = this.rules;
    const runs = t.shadow ? t.counters.shadowRuns : t.counters.calls;
    const err = this.proportion(t.counters.failures, runs, r.errorRate.max, t.optimizedRate);
    const mis = this.proportion(t.counters.mismatches, t.counters.shadowRuns, r.mismatchRate.max, t.optimizedRate);
    const z = (s: number, v: number) => (v > 1e-9 ? s / Math.sqrt(v) : null);
    const lat = t.latency.statistics();
    const mem = t.memory.statistics();
    return {
      optimization: st.id,
      phase: st.version,
      phaseStartedAt: new Date(t.start).toISOString(),
      alphaPerRule: this.alphaPerRule,
      rules: [
        {
          rule: "error_rate",
          watches: "failed or timed-out runs of the optimized variant",
          z: z(err.s, err.v),
          boundaryZ: z(err.bound, err.v),
          observed: runs > 0 ? t.counters.failures / runs : null,
          limit: r.errorRate.max,
          samples: runs,
          minSamples: r.errorRate.minSamples,
        },
        {
          rule: "mismatch_rate",
          watches: "shadow runs whose result differed from the baseline's",
          z: z(mis.s, mis.v),
          boundaryZ: z(mis.bound, mis.v),
          observed: t.counters.shadowRuns > 0 ? t.counters.mismatches / t.counters.shadowRuns : null,
          limit: r.mismatchRate.max,
          samples: t.counters.shadowRuns,
          minSamples: r.mismatchRate.minSamples,
        },
        {
          rule: "latency_regression",
          watches: `duration of the optimized variant vs the baseline (rank test at a tolerated slowdown of ${Math.round(r.latency.tolerance * 100)}%)`,
          z: z(lat.sRollback, lat.v),
          boundaryZ: lat.v > 0 ? t.latency.rollbackBoundary() / Math.sqrt(lat.v) : null,
          observed: null,
          limit: 1 + r.latency.tolerance,
          samples: lat.nOptimized,
          minSamples: r.latency.minSamples,
        },
        {
          rule: "memory_regression",
          watches: `memory per call of the optimized variant vs the baseline (tolerated: +${Math.round(r.memory.tolerance * 100)}%)`,
          z: z(mem.sRollback, mem.v),
          boundaryZ: mem.v > 0 ? t.memory.rollbackBoundary() / Math.sqrt(mem.v) : null,
          observed: null,
          limit: 1 + r.memory.tolerance,
          samples: mem.nOptimized,
          minSamples: r.memory.minSamples,
        },
      ],
    };
  }

  /** One evaluation pass over every live optimization; returns the rollbacks it made. */
  async evaluate(actor: Actor = { name: "guard", role: "system" }): Promise<{ id: string; evidence: GuardEvidence }[]> {
    const now = (this.deps.wallNow ?? Date.now)();
    const rolled: { id: string; evidence: GuardEvidence }[] = [];
    for (const op of this.deps.engine.operations()) {
      for (const o of op.strategies ?? []) {
        const st = this.deps.engine.state(`${op.name}:${o.strategy}`);
        if (!st || (st.state !== "shadow" && st.state !== "canary" && st.state !== "on")) {
          if (st) this.tracks.delete(st.id);
          continue;
        }
        const evidence = this.check(st, now);
        if (!evidence) continue;
        const after = await this.deps.store.setState(st.id, { state: "rolled_back", reason: `${evidence.rule}: ${evidence.summary}` }, actor, evidence);
        this.tracks.delete(st.id);
        this.deps.onRollback?.(after, evidence);
        rolled.push({ id: st.id, evidence });
      }
    }
    return rolled;
  }
}

/** Adds the pending calls as one block once both arms have enough. */
function flush(p: Pending, an: PhaseAnalysis): void {
  if (p.baseline.length < MIN_PER_ARM || p.optimized.length < MIN_PER_ARM) return;
  an.addBlock(p.baseline, p.optimized);
  p.baseline = [];
  p.optimized = [];
}
