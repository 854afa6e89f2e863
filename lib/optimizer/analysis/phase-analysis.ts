/**
 * One analysis per rollout phase: the sequential comparison of an optimization's variant with the
 * baseline over the samples of the current phase, in closed time blocks. The live comparison, the
 * guard, the monitor's variant rule and the autopilot all read it, each with its own error budget.
 */
import { blockStatistic, oneSidedBoundary, rankBlock, shiftInterval, twoSidedBoundary, type RankBlock, type ShiftInterval } from "../stats/sequential";

/** Error budgets per whole rollout, split over its phases (union bound; design note §4). */
export interface AnalysisBudgets {
  /** Any false faster/slower verdict during a rollout (two-sided). */
  verdict: number;
  /** A false promotion by the autopilot (one-sided, faster). */
  promote: number;
  /** A false rollback by the guard (one-sided, slower). */
  rollback: number;
  /** The phases of a rollout that are analysed (shadow, 5 %, 25 %, 50 %: 100 % has no baseline). */
  phases: number;
}

export const DEFAULT_BUDGETS: AnalysisBudgets = { verdict: 0.05, promote: 0.02, rollback: 0.01, phases: 4 };

export interface AnalysisSettings {
  budgets: AnalysisBudgets;
  /** Slowdown the guard tolerates before it acts (0.1 = 10 %; 0 = any significant slowdown). */
  guardTolerance: number;
  /** Smallest gain worth promoting (0.05 = 5 % faster). */
  promoteTolerance: number;
  /** Wall-clock block length (seconds). */
  blockSeconds: number;
  /** A block with fewer calls in either arm is merged with the next (a rule on counts only). */
  minPerArmPerBlock: number;
  /** No verdict or action before this many closed blocks… */
  minBlocks: number;
  /** …and this many optimized calls. */
  minOptimized: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = {
  budgets: DEFAULT_BUDGETS,
  guardTolerance: 0,
  promoteTolerance: 0,
  blockSeconds: 30,
  minPerArmPerBlock: 10,
  minBlocks: 2,
  minOptimized: 50,
};

/**
 * The information V expected after 20 minutes of this traffic, which tunes the mixture so the
 * boundary is tightest there: Var(T_b) ≈ m n / (12 N) per block, i.e. rate · p (1 − p) / 12 per
 * second for a split p of `callsPerSecond`. Fixed for a phase (re-tuning on the data breaks validity).
 */
export function expectedInformation(callsPerSecond: number, optimizedShare: number, horizonSeconds = 1_200): number {
  const p = Math.min(Math.max(optimizedShare, 0.01), 0.99);
  return Math.max(1, (callsPerSecond * p * (1 - p) * horizonSeconds) / 12);
}

export type Verdict = "faster" | "slower" | "none";

/** What an analysis says now. */
export interface AnalysisResult {
  verdict: Verdict;
  /** Optimized / baseline typical duration (exp of the log-shift estimate), null before any block. */
  ratio: number | null;
  /** Interval of that ratio (always-valid at the verdict's level), null before any block. */
  ratioLow: number | null;
  ratioHigh: number | null;
  /** The guard's one-sided test at its tolerance and budget: roll back. */
  rollback: boolean;
  /** The autopilot's one-sided test at its tolerance and budget: promote. */
  promote: boolean;
  blocks: number;
  nBaseline: number;
  nOptimized: number;
  /** Information so far and the tuning point of the boundary. */
  information: number;
  informationTarget: number;
  /** Per-phase error levels in force. */
  alpha: { verdict: number; promote: number; rollback: number };
  /** The z-score S/√V at no change and the boundaries it is compared with, in z units. */
  z: number | null;
  threshold: { verdict: number; rollback: number; promote: number } | null;
  /** The smallest slowdown (ratio) this n could still call "slower" now: sensitivity at this n. */
  detectableRatio: number | null;
}

/**
 * Accumulates closed blocks of one phase and answers the verdict, the guard and the autopilot from
 * the same statistic. Running sums at the three fixed shifts keep each look O(1); the interval
 * (bisection over all blocks) is computed only when asked.
 */
export class PhaseAnalysis {
  private readonly blocks: RankBlock[] = [];
  private v = 0;
  private s0 = 0;
  private sRollback = 0;
  private sPromote = 0;
  private nA = 0;
  private nB = 0;
  private blockCount = 0;
  private readonly deltaRollback: number;
  private readonly deltaPromote: number;
  readonly alpha: { verdict: number; promote: number; rollback: number };

  constructor(
    /** The information expected after ~20 minutes (see `expectedInformation`). */
    readonly informationTarget: number,
    private readonly settings: AnalysisSettings = DEFAULT_ANALYSIS,
    /** Keep the blocks for the interval (the simulation drops them to stay fast). */
    private readonly keepBlocks = true,
  ) {
    const b = settings.budgets;
    this.alpha = { verdict: b.verdict / b.phases, promote: b.promote / b.phases, rollback: b.rollback / b.phases };
    this.deltaRollback = Math.log(1 + settings.guardTolerance);
    this.deltaPromote = -Math.log(1 + settings.promoteTolerance);
  }

  /** Adds one closed block (durations in ms; failures as NaN or Infinity: the largest rank). */
  addBlock(baselineMs: ArrayLike<number>, optimizedMs: ArrayLike<number>): void {
    if (baselineMs.length === 0 || optimizedMs.length === 0) return;
    const b = rankBlock(baselineMs, optimizedMs);
    this.v += b.variance;
    this.s0 += blockStatistic(b, 0);
    this.sRollback += this.deltaRollback === 0 ? blockStatistic(b, 0) : blockStatistic(b, this.deltaRollback);
    this.sPromote += this.deltaPromote === 0 ? blockStatistic(b, 0) : blockStatistic(b, this.deltaPromote);
    this.nA += b.x.length;
    this.nB += b.y.length;
    this.blockCount++;
    if (this.keepBlocks) this.blocks.push(b);
  }

  get closedBlocks(): number {
    return this.blockCount;
  }

  private enough(): boolean {
    return this.closedBlocks >= this.settings.minBlocks && this.nB >= this.settings.minOptimized;
  }

  /** The two-sided verdict at this look (not sticky: the caller keeps the first one issued). */
  verdict(): Verdict {
    if (!this.enough()) return "none";
    const b2 = twoSidedBoundary(this.v, this.alpha.verdict, this.informationTarget);
    return this.s0 >= b2 ? "slower" : this.s0 <= -b2 ? "faster" : "none";
  }

  /** The guard: significantly slower than the tolerance allows (one-sided, its own budget). */
  rollback(): boolean {
    return this.enough() && this.sRollback >= oneSidedBoundary(this.v, this.alpha.rollback, this.informationTarget);
  }

  /** The autopilot: significantly faster by at least the tolerance (one-sided, its own budget). */
  promote(): boolean {
    return this.enough() && this.sPromote <= -oneSidedBoundary(this.v, this.alpha.promote, this.informationTarget);
  }

  /** The running statistics: S at no change and at the two tolerances, and the information V. */
  statistics(): { s0: number; sRollback: number; sPromote: number; v: number; nBaseline: number; nOptimized: number } {
    return { s0: this.s0, sRollback: this.sRollback, sPromote: this.sPromote, v: this.v, nBaseline: this.nA, nOptimized: this.nB };
  }

  /** The guard's boundary for S at its tolerance (one-sided, its budget). */
  rollbackBoundary(): number {
    return oneSidedBoundary(this.v, this.alpha.rollback, this.informationTarget);
  }

  /** The always-valid interval of the log-shift at the verdict's level (needs the kept blocks). */
  interval(): ShiftInterval | null {
    if (this.blocks.length === 0) return null;
    return shiftInterval(this.blocks, twoSidedBoundary(this.v, this.alpha.verdict, this.informationTarget));
  }

  result(): AnalysisResult {
    const iv = this.interval();
    const sd = Math.sqrt(this.v);
    const b2 = twoSidedBoundary(this.v, this.alpha.verdict, this.informationTarget);
    const b1g = oneSidedBoundary(this.v, this.alpha.rollback, this.informationTarget);
    const b1a = oneSidedBoundary(this.v, this.alpha.promote, this.informationTarget);
    return {
      verdict: this.verdict(),
      ratio: iv ? Math.exp(iv.estimate) : null,
      ratioLow: iv ? Math.exp(iv.low) : null,
      ratioHigh: iv ? Math.exp(iv.high) : null,
      rollback: this.rollback(),
      promote: this.promote(),
      blocks: this.closedBlocks,
      nBaseline: this.nA,
      nOptimized: this.nB,
      information: this.v,
      informationTarget: this.informationTarget,
      alpha: this.alpha,
      z: sd > 0 ? this.s0 / sd : null,
      threshold: sd > 0 ? { verdict: b2 / sd, rollback: b1g / sd, promote: b1a / sd } : null,
      detectableRatio: sd > 0 ? detectableRatio(this.v, b2, this.blocks) : null,
    };
  }
}

/**
 * The slowdown that would just reach the verdict's boundary at the information gathered so far: a
 * sensitivity guide for people ("at this n, only changes beyond ×1.08 can show"), never used in a
 * decision. For a location shift δ of log durations with spread σ, P(Y − X > 0) ≈ ½ + δ / (2σ√π),
 * so E[S(0)] ≈ 12 V δ / (2σ√π) (each block: E[T_b] = m n (P − ½) / (N+1) = 12 v_b (P − ½));
 * setting it equal to B₂ gives δ. σ is the robust spread (MAD) of the baseline's log durations
 * within their blocks.
 */
function detectableRatio(v: number, bound: number, blocks: readonly RankBlock[]): number | null {
  const sigma = withinBlockSpread(blocks);
  if (v <= 0 || sigma === null) return null;
  return Math.exp((bound * 2 * sigma * Math.sqrt(Math.PI)) / (12 * v));
}

function withinBlockSpread(blocks: readonly RankBlock[]): number | null {
  const dev: number[] = [];
  for (const b of blocks) {
    let finite = b.x.length;
    while (finite > 0 && !Number.isFinite(b.x[finite - 1]!)) finite--;
    if (finite < 2) continue;
    const med = b.x[finite >> 1]!;
    for (let i = 0; i < finite; i++) dev.push(Math.abs(b.x[i]! - med));
  }
  if (dev.length < 10) return null;
  dev.sort((p, q) => p - q);
  return 1.4826 * dev[dev.length >> 1]!;
}
