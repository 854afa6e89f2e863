/**
 * Calibration of compareSamples' verdicts by simulation. Runs exactly two experiments:
 *  1. A/A: baseline and optimized drawn from the same latency distribution — any 'faster' or
 *     'slower' verdict is false; the rate should be ≈ alpha (acceptance: ≤ 6 % at alpha = 0.05).
 *  2. Power: optimized latencies are the baseline distribution × 1.10 (a true 10 % median
 *     slowdown); the 'slower' rate is the power (acceptance: ≥ 90 % at 500 per side).
 * Latency model: log-normal, σ = 0.4 in log space, median 100 ms, plus 1 % outliers at 10×.
 *
 * Usage: node --import tsx bench/stats-calibration.ts [runs] [perSide] [seed]
 */
import { pathToFileURL } from "node:url";
import { compareSamples } from "../lib/optimizer/stats/compare";
import { createRng, standardNormal, type Rng } from "../lib/optimizer/stats/rng";

export interface StatsCalibrationOptions {
  /** Simulated comparisons per experiment (default 1000). */
  runs?: number;
  /** Samples per side (default 500). */
  perSide?: number;
  /** Seed for the data and bootstrap PRNGs (default 20240601). */
  seed?: number;
}

export interface StatsCalibrationResult {
  runs: number;
  perSide: number;
  seed: number;
  alpha: number;
  /** A/A experiment. */
  aa: { falseFaster: number; falseSlower: number; falseVerdictRate: number; ciExcludesZeroRate: number };
  /** True 10 % median slowdown. */
  slowdown: { factor: number; slowerRate: number; fasterRate: number; ciExcludesZeroRate: number };
  elapsedMs: number;
}

const SIGMA = 0.4;
const LOG_MEDIAN = Math.log(100);
const OUTLIER_RATE = 0.01;
const OUTLIER_FACTOR = 10;
const SLOWDOWN = 1.1;
const ALPHA = 0.05;

/** Draws n latencies: log-normal(ln 100, 0.4) with 1 % of draws multiplied by 10, all scaled by `scale`. */
function drawLatencies(rng: Rng, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.exp(LOG_MEDIAN + SIGMA * standardNormal(rng));
    if (rng() < OUTLIER_RATE) x *= OUTLIER_FACTOR;
    out[i] = x * scale;
  }
  return out;
}

/** Runs the A/A and the 10 %-slowdown simulations and returns the verdict rates. */
export function runStatsCalibration(options: StatsCalibrationOptions = {}): StatsCalibrationResult {
  const { runs = 1000, perSide = 500, seed = 20240601 } = options;
  const started = performance.now();
  const dataRng = createRng(seed);
  const compare = (b: Float64Array, o: Float64Array) => compareSamples(b, o, { alpha: ALPHA });
  const ciExcludesZero = (c: ReturnType<typeof compare>) => c.ci95 !== null && (c.ci95.low > 0 || c.ci95.high < 0);

  let falseFaster = 0;
  let falseSlower = 0;
  let aaCi = 0;
  for (let r = 0; r < runs; r++) {
    const c = compare(drawLatencies(dataRng, perSide, 1), drawLatencies(dataRng, perSide, 1));
    if (c.verdict === "faster") falseFaster++;
    if (c.verdict === "slower") falseSlower++;
    if (ciExcludesZero(c)) aaCi++;
  }

  let slower = 0;
  let faster = 0;
  let slowCi = 0;
  for (let r = 0; r < runs; r++) {
    const c = compare(drawLatencies(dataRng, perSide, 1), drawLatencies(dataRng, perSide, SLOWDOWN));
    if (c.verdict === "slower") slower++;
    if (c.verdict === "faster") faster++;
    if (ciExcludesZero(c)) slowCi++;
  }

  return {
    runs,
    perSide,
    seed,
    alpha: ALPHA,
    aa: {
      falseFaster: falseFaster / runs,
      falseSlower: falseSlower / runs,
      falseVerdictRate: (falseFaster + falseSlower) / runs,
      ciExcludesZeroRate: aaCi / runs,
    },
    slowdown: { factor: SLOWDOWN, slowerRate: slower / runs, fasterRate: faster / runs, ciExcludesZeroRate: slowCi / runs },
    elapsedMs: performance.now() - started,
  };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const [runs, perSide, seed] = process.argv.slice(2).map(Number);
  const res = runStatsCalibration({ runs: runs || undefined, perSide: perSide || undefined, seed: seed || undefined });
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(`stats calibration: ${res.runs} runs × ${res.perSide} per side, seed ${res.seed}, alpha ${res.alpha}`);
  console.log(`A/A false verdicts: ${pct(res.aa.falseVerdictRate)} (faster ${pct(res.aa.falseFaster)}, slower ${pct(res.aa.falseSlower)}) — target ≤ 6 %`);
  console.log(`10 % slowdown detected as 'slower': ${pct(res.slowdown.slowerRate)} (wrong 'faster' ${pct(res.slowdown.fasterRate)}) — target ≥ 90 %`);
  console.log(
    `(the interval excludes 0 exactly when the verdict says so: A/A ${pct(res.aa.ciExcludesZeroRate)}, slowdown ${pct(res.slowdown.ciExcludesZeroRate)})`,
  );
  console.log(`elapsed ${(res.elapsedMs / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(res));
}
