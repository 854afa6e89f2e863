/**
 * Simulated rollouts for the live analysis (lib/optimizer/analysis): error rates under repeated
 * looks and drifting load, and power — the targets of the verdicts issue, seeded and reproducible.
 *
 * Set-up per rollout: one canary phase of `hours` hours, 25 % of 10 calls/s on the optimized arm,
 * log-normal durations (σ = 0.4 on the log scale, median 100 ms), 1 % outliers ×10, durations
 * rounded to 1 µs, and a load multiplier common to both arms that drifts +50 % over the rollout.
 * Looks every minute (the live-analysis job's cadence) on 30 s blocks. A false verdict is any
 * "faster" or "slower" issued at any look while there is no true difference; a false promotion or
 * rollback is the autopilot's or the guard's one-sided test acting at any look.
 *
 * For contrast the first version's scheme runs on the same kind of data: a Mann–Whitney test every
 * minute on the last 15 minutes, capped at the 2,000 newest samples per side.
 *
 * Usage: node --import tsx bench/sequential.ts [runs] [seed]
 */
import { pathToFileURL } from "node:url";
import { DEFAULT_ANALYSIS, PhaseAnalysis, expectedInformation } from "../lib/optimizer/analysis/phase-analysis";
import { mannWhitneyU } from "../lib/optimizer/stats/mann-whitney";
import { createRng, standardNormal, type Rng } from "../lib/optimizer/stats/rng";

const RATE = 10;
const SHARE = 0.25;
const SIGMA = 0.4;
const LOG_MEDIAN = Math.log(100);
const OUTLIER_RATE = 0.01;
const BLOCK_S = 30;
const LOOK_S = 60;

interface Scenario {
  /** Slowdown factor of the optimized arm (1 = A/A), from `effectFrom` seconds on. */
  effect: number;
  /** Load multiplier growth over the whole horizon (0.5 = +50 %). */
  drift: number;
  horizonS: number;
}

/** Durations of one block of `seconds` starting at `t0` for both arms. */
function block(rng: Rng, sc: Scenario, t0: number, seconds: number): { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  // Poisson arrivals at RATE/s: exponential gaps.
  let t = t0 - Math.log(1 - rng()) / RATE;
  while (t < t0 + seconds) {
    const load = 1 + (sc.drift * t) / sc.horizonS;
    let d = Math.exp(LOG_MEDIAN + SIGMA * standardNormal(rng)) * load;
    if (rng() < OUTLIER_RATE) d *= 10;
    const optimized = rng() < SHARE;
    if (optimized) d *= sc.effect;
    d = Math.round(d * 1000) / 1000;
    (optimized ? b : a).push(d);
    t -= Math.log(1 - rng()) / RATE;
  }
  return { a, b };
}

interface RolloutOutcome {
  verdict: "faster" | "slower" | "none";
  verdictAtS: number | null;
  promoteAtS: number | null;
  rollbackAtS: number | null;
  coverageMiss: boolean;
}

/** One rollout through the sequential analysis, looking every minute. */
function sequentialRollout(rng: Rng, sc: Scenario, checkCoverage: boolean): RolloutOutcome {
  const an = new PhaseAnalysis(expectedInformation(RATE, SHARE), DEFAULT_ANALYSIS, checkCoverage);
  const out: RolloutOutcome = { verdict: "none", verdictAtS: null, promoteAtS: null, rollbackAtS: null, coverageMiss: false };
  const trueShift = Math.log(sc.effect);
  for (let t = 0; t < sc.horizonS; t += BLOCK_S) {
    const { a, b } = block(rng, sc, t, BLOCK_S);
    an.addBlock(a, b);
    const now = t + BLOCK_S;
    if (now % LOOK_S !== 0) continue;
    if (out.verdictAtS === null) {
      const v = an.verdict();
      if (v !== "none") {
        out.verdict = v;
        out.verdictAtS = now;
      }
    }
    if (out.promoteAtS === null && an.promote()) out.promoteAtS = now;
    if (out.rollbackAtS === null && an.rollback()) out.rollbackAtS = now;
    if (checkCoverage && !out.coverageMiss) {
      const iv = an.interval();
      if (iv && (trueShift < iv.low || trueShift > iv.high)) out.coverageMiss = true;
    }
  }
  return out;
}

/** The first version's scheme: Mann–Whitney every minute on the last 15 min, 2,000 newest per side. */
function slidingWindowRollout(rng: Rng, sc: Scenario): boolean {
  const a: { t: number; d: number }[] = [];
  const b: { t: number; d: number }[] = [];
  for (let t = 0; t < sc.horizonS; t += LOOK_S) {
    const blk = block(rng, sc, t, LOOK_S);
    for (const d of blk.a) a.push({ t, d });
    for (const d of blk.b) b.push({ t, d });
    const from = t + LOOK_S - 900;
    const win = (xs: { t: number; d: number }[]) =>
      xs
        .filter((x) => x.t >= from)
        .slice(-2_000)
        .map((x) => x.d);
    const wa = win(a);
    const wb = win(b);
    if (wa.length < 30 || wb.length < 30) continue;
    if (mannWhitneyU(wa, wb).pValue < 0.05) return true;
  }
  return false;
}

export interface SequentialBenchResult {
  runs: number;
  seed: number;
  setup: string;
  method: string;
  aa: { falseVerdictRate: number; falsePromotionRate: number; falseRollbackRate: number; coverageMissRate: number; runs: number };
  aaNoDrift: { falseVerdictRate: number; falsePromotionRate: number; falseRollbackRate: number };
  slowdown10: { detectedWithin30MinRate: number; medianDetectionMin: number | null; p90DetectionMin: number | null; rollbackWithin30MinRate: number };
  slowdown2x: { detectedWithin2MinRate: number; rollbackWithin2MinRate: number; medianDetectionMin: number | null };
  speedup10: { promotedWithin30MinRate: number; medianPromotionMin: number | null };
  firstVersion: { runs: number; anyFalseVerdictRate: number };
  elapsedMs: number;
}

function quantile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
}

/** Runs every scenario with `runs` seeded rollouts each. */
export function runSequentialBench(opts: { runs?: number; seed?: number; oldSchemeRuns?: number } = {}): SequentialBenchResult {
  const runs = opts.runs ?? 1_000;
  const seed = opts.seed ?? 20261130;
  const t0 = performance.now();
  const rate = (n: number) => n / runs;

  const twoHours: Scenario = { effect: 1, drift: 0.5, horizonS: 7_200 };
  let fv = 0;
  let fp = 0;
  let fr = 0;
  let miss = 0;
  const rng = createRng(seed);
  // Coverage needs the interval at every look (bisection over all blocks): checked on a subset.
  const coverageRuns = Math.min(runs, 100);
  for (let i = 0; i < runs; i++) {
    const o = sequentialRollout(rng, twoHours, i < coverageRuns);
    if (o.verdict !== "none") fv++;
    if (o.promoteAtS !== null) fp++;
    if (o.rollbackAtS !== null) fr++;
    if (o.coverageMiss) miss++;
  }

  const noDrift: Scenario = { effect: 1, drift: 0, horizonS: 7_200 };
  let nfv = 0;
  let nfp = 0;
  let nfr = 0;
  const rng0 = createRng(seed + 1);
  for (let i = 0; i < runs; i++) {
    const o = sequentialRollout(rng0, noDrift, false);
    if (o.verdict !== "none") nfv++;
    if (o.promoteAtS !== null) nfp++;
    if (o.rollbackAtS !== null) nfr++;
  }

  const power = (effect: number, horizonS: number, s: number) => {
    const r = createRng(s);
    const detect: number[] = [];
    const rollback: number[] = [];
    const promote: number[] = [];
    for (let i = 0; i < runs; i++) {
      const o = sequentialRollout(r, { effect, drift: 0.5 * (horizonS / 7_200), horizonS }, false);
      if (o.verdictAtS !== null && o.verdict === (effect > 1 ? "slower" : "faster")) detect.push(o.verdictAtS / 60);
      if (o.rollbackAtS !== null) rollback.push(o.rollbackAtS / 60);
      if (o.promoteAtS !== null) promote.push(o.promoteAtS / 60);
    }
    return { detect, rollback, promote };
  };
  const p10 = power(1.1, 1_800, seed + 2);
  const p2x = power(2, 120, seed + 3);
  const s10 = power(1 / 1.1, 1_800, seed + 4);

  const oldRuns = opts.oldSchemeRuns ?? Math.min(runs, 300);
  const rngOld = createRng(seed + 5);
  let oldFalse = 0;
  for (let i = 0; i < oldRuns; i++) if (slidingWindowRollout(rngOld, { effect: 1, drift: 0, horizonS: 3_600 })) oldFalse++;

  return {
    runs,
    seed,
    setup:
      "2-hour canary phase, 25 % of 10 calls/s (Poisson), log-normal σ 0.4 (median 100 ms), 1 % outliers ×10, 1 µs rounding, load +50 % over the rollout on both arms, a look every minute",
    method: `time-blocked (${DEFAULT_ANALYSIS.blockSeconds} s) van Elteren rank statistic on log durations + normal-mixture confidence sequence; per-phase α = budget / ${DEFAULT_ANALYSIS.budgets.phases} phases (verdict 5 %, promote 2 %, rollback 1 % per rollout)`,
    aa: { falseVerdictRate: rate(fv), falsePromotionRate: rate(fp), falseRollbackRate: rate(fr), coverageMissRate: miss / coverageRuns, runs },
    aaNoDrift: { falseVerdictRate: rate(nfv), falsePromotionRate: rate(nfp), falseRollbackRate: rate(nfr) },
    slowdown10: {
      detectedWithin30MinRate: rate(p10.detect.length),
      medianDetectionMin: quantile(p10.detect, 0.5),
      p90DetectionMin: quantile(p10.detect, 0.9),
      rollbackWithin30MinRate: rate(p10.rollback.length),
    },
    slowdown2x: {
      detectedWithin2MinRate: rate(p2x.detect.length),
      rollbackWithin2MinRate: rate(p2x.rollback.length),
      medianDetectionMin: quantile(p2x.detect, 0.5),
    },
    speedup10: { promotedWithin30MinRate: rate(s10.promote.length), medianPromotionMin: quantile(s10.promote, 0.5) },
    firstVersion: { runs: oldRuns, anyFalseVerdictRate: oldFalse / oldRuns },
    elapsedMs: Math.round(performance.now() - t0),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const runs = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? 20261130);
  console.log(JSON.stringify(runSequentialBench({ runs, seed }), null, 2));
}
