/**
 * The live comparison of one optimization in its current phase: pure, so the job that runs it
 * every minute (lib/server/domains/comparisons/live-analyses.ts) only reads samples and stores
 * the result, and tests drive it without Postgres.
 */
import { closedBlocks, type PhaseSample } from "./blocks";
import { DEFAULT_ANALYSIS, PhaseAnalysis, expectedInformation, type AnalysisResult, type AnalysisSettings, type Verdict } from "./phase-analysis";

export const LIVE_ANALYSIS_METHOD =
  "time-blocked (30 s) van Elteren rank statistic of log durations, Hodges–Lehmann shift, normal-mixture confidence sequence (always valid); verdict at 5 %, autopilot promotion at 2 %, guard rollback at 1 % per rollout, split over 4 phases";

/** An optimization in a phase that can be analysed (both arms run: shadow or canary). */
export interface AnalysedPhase {
  optimizationId: string;
  operation: string;
  strategy: string;
  state: "shadow" | "canary";
  percent: number;
  /** The phase number (the optimization's version) and when it started. */
  phase: number;
  startedAt: number;
}

/** What is stored per optimization per phase (`phase_analysis`). */
export interface StoredAnalysis extends AnalysedPhase {
  informationTarget: number;
  verdict: Verdict;
  /** When the verdict was first issued; the first verdict of a phase is final. */
  verdictAt: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  nBaseline: number;
  nOptimized: number;
  blocks: number;
  windowFrom: number;
  windowTo: number;
  method: string;
  result: AnalysisResult;
  /** Sample-ratio check of a canary split (distinct keys per arm vs the percentage), when made. */
  split?: SplitCheck | null;
}

export interface SplitCheck {
  keys: number;
  expectedPercent: number;
  checked: boolean;
  optimizedKeys?: number;
  mismatch?: boolean;
  pValue?: number;
  statistic?: number;
}

/**
 * The information target of a phase from the traffic before it started (fixed for the phase:
 * tuning on the phase's own data would break the guarantee). Shadow runs happen on about half the
 * calls (1 optimized run per 2 baseline runs).
 */
export function phaseInformationTarget(p: AnalysedPhase, callsInFiveMinutesBefore: number): number {
  const rate = Math.max(callsInFiveMinutesBefore / 300, 0.2);
  const share = p.state === "shadow" ? 1 / 3 : p.percent / 100;
  return expectedInformation(rate, share);
}

/**
 * Analyses a phase from its samples at `now`. `previous` is the stored analysis of the same phase,
 * if any: its information target is kept, and once it issued a verdict the phase's test has
 * stopped — the verdict, its estimate and interval stay as they were when it was issued, so they
 * never disagree later.
 */
export function analysePhase(
  p: AnalysedPhase,
  samples: Iterable<PhaseSample>,
  now: number,
  opts: { previous: StoredAnalysis | null; callsInFiveMinutesBefore: number; settings?: AnalysisSettings },
): StoredAnalysis {
  if (opts.previous && opts.previous.verdict !== "none") return opts.previous;
  const settings = opts.settings ?? DEFAULT_ANALYSIS;
  const target = opts.previous?.informationTarget ?? phaseInformationTarget(p, opts.callsInFiveMinutesBefore);
  const an = new PhaseAnalysis(target, settings);
  const blocks = closedBlocks(samples, p.startedAt, now, settings.blockSeconds * 1000, settings.minPerArmPerBlock);
  for (const b of blocks) an.addBlock(b.baseline, b.optimized);
  const result = an.result();
  return {
    ...p,
    informationTarget: target,
    verdict: result.verdict,
    verdictAt: result.verdict !== "none" ? now : null,
    ratio: result.ratio,
    ratioLow: result.ratioLow,
    ratioHigh: result.ratioHigh,
    nBaseline: result.nBaseline,
    nOptimized: result.nOptimized,
    blocks: result.blocks,
    windowFrom: p.startedAt,
    windowTo: blocks.at(-1)?.to ?? p.startedAt,
    method: LIVE_ANALYSIS_METHOD,
    result,
  };
}
