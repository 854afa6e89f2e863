import { describe, expect, it } from "vitest";
import { closedBlocks } from "../../lib/optimizer/analysis/blocks";
import { DEFAULT_ANALYSIS, PhaseAnalysis } from "../../lib/optimizer/analysis/phase-analysis";
import { createRng, standardNormal } from "../../lib/optimizer/stats/rng";
import { blockStatistic, oneSidedBoundary, rankBlock, shiftInterval, sumStatistic, twoSidedBoundary, uStatistic } from "../../lib/optimizer/stats/sequential";

const logs = (xs: number[]) => Float64Array.from(xs, Math.log).sort();

// A small block with ties (15, 22 appear in both arms).
const X = [12, 15, 15, 20, 22, 30, 31, 45, 50, 80];
const Y = [10, 14, 15, 18, 22, 22, 25, 40];

describe("block rank statistic", () => {
  it("U and its tie-corrected variance equal scipy's Mann–Whitney", () => {
    // scipy 1.17.1: mannwhitneyu(Y, X, method="asymptotic", use_continuity=False) → U = 27.0,
    // p = 0.24609841032204127, z = −1.1598781736594272, hence Var(U) = 125.62091503267986.
    const b = rankBlock(X, Y);
    expect(uStatistic(b.x, b.y, 0)).toBe(27);
    const N = X.length + Y.length;
    expect(b.variance * (N + 1) ** 2).toBeCloseTo(125.62091503267986, 9);
    expect(blockStatistic(b, 0) / Math.sqrt(b.variance)).toBeCloseTo(-1.1598781736594272, 9);
  });

  it("U at a hypothesised shift counts y − δ > x (numpy brute force: U(0.1) = 23)", () => {
    expect(uStatistic(logs(X), logs(Y), 0.1)).toBe(23);
  });

  it("the estimate of one block is the Hodges–Lehmann shift (numpy median of pairwise log differences)", () => {
    // numpy 2.4.6: np.median(np.subtract.outer(np.log(Y), np.log(X))) = −0.3101549283038394
    expect(shiftInterval([rankBlock(X, Y)], 1).estimate).toBeCloseTo(-0.3101549283038394, 3);
    // A larger sample (numpy default_rng(7) log-normal draws, rounded to µs): HL = 0.2613562531786129.
    const a = [
      99.533, 112.112, 89.152, 69.67, 82.941, 66.91, 101.907, 170.049, 81.705, 77.619, 121.018, 114.75, 103.769, 68.567, 98.327, 131.384, 58.109, 82.844,
      46.503, 59.394, 47.623, 90.556, 59.921, 110.886, 105.922, 92.317, 36.354, 80.2, 97.573, 104.097, 53.944, 82.179, 67.262, 71.986, 152.073, 72.023, 98.199,
      141.706, 78.772, 95.137,
    ];
    const b = [
      114.914, 112.788, 67.355, 113.347, 189.337, 59.213, 155.051, 115.324, 85.065, 244.733, 149.143, 68.053, 113.274, 138.473, 101.95, 144.483, 107.06,
      143.581, 195.47, 83.909, 119.254, 91.348, 115.689, 68.383, 87.207,
    ];
    const block = rankBlock(a, b);
    expect(shiftInterval([block], 1).estimate).toBeCloseTo(0.2613562531786129, 3);
    // scipy: mannwhitneyu(b, a).statistic = 727.0
    expect(uStatistic(block.x, block.y, 0)).toBe(727);
  });
});

describe("normal-mixture boundaries", () => {
  // z-thresholds c = B/√V at V/V_opt = 0.1, 1, 4: the closed forms computed with numpy 2.4.6
  // (they match the design note's table, shared/research/sequential-latency.md §5); the exact
  // one-sided mixture (confseq's OneSidedNormalMixture, solved with scipy.optimize.brentq) is
  // 4.128 / 3.353 / 3.439 at α = 0.01 — the closed form is slightly conservative, as it should be.
  const vOpt = 187.5;
  const c = (f: (v: number) => number, r: number) => f(r * vOpt) / Math.sqrt(r * vOpt);
  it.each([
    [0.05, [3.855, 3.035, 3.127], [3.679, 2.779, 2.868]],
    [0.02, [4.127, 3.353, 3.439], [3.94, 3.121, 3.209]],
    [0.01, [4.316, 3.572, 3.653], [4.134, 3.355, 3.44]],
    [0.0025, [4.662, 3.967, 4.042], [4.495, 3.776, 3.854]],
  ])("α = %s", (alpha, two, one) => {
    [0.1, 1, 4].forEach((r, i) => {
      expect(c((v) => twoSidedBoundary(v, alpha, vOpt), r)).toBeCloseTo(two[i]!, 3);
      expect(c((v) => oneSidedBoundary(v, alpha, vOpt), r)).toBeCloseTo(one[i]!, 3);
    });
    const exact = alpha === 0.01 ? [4.128, 3.353, 3.439] : null;
    if (exact) [0.1, 1, 4].forEach((r, i) => expect(c((v) => oneSidedBoundary(v, alpha, vOpt), r)).toBeGreaterThanOrEqual(exact[i]! - 5e-4));
  });

  it("an action implies the matching verdict: the one-sided boundaries lie above the two-sided one", () => {
    for (let r = 1e-4; r <= 1e4; r *= 1.5) {
      const b2 = twoSidedBoundary(r * vOpt, 0.05 / 4, vOpt);
      expect(oneSidedBoundary(r * vOpt, 0.01 / 4, vOpt)).toBeGreaterThanOrEqual(b2);
      expect(oneSidedBoundary(r * vOpt, 0.02 / 4, vOpt)).toBeGreaterThanOrEqual(b2);
    }
  });
});

describe("estimate, interval and verdict from one statistic", () => {
  const rng = createRng(42);
  const draw = (n: number, shift: number) => Array.from({ length: n }, () => Math.exp(4.6 + shift + 0.5 * standardNormal(rng)));

  it("S(δ) never increases with δ", () => {
    const blocks = Array.from({ length: 5 }, () => rankBlock(draw(60, 0), draw(20, 0.05)));
    let prev = Infinity;
    for (let d = -1; d <= 1; d += 0.01) {
      const s = sumStatistic(blocks, d);
      expect(s).toBeLessThanOrEqual(prev);
      prev = s;
    }
  });

  it("the verdict is 'faster' or 'slower' exactly when the interval excludes no change, on random data", () => {
    for (let trial = 0; trial < 200; trial++) {
      const shift = (rng() - 0.5) * 0.4;
      const an = new PhaseAnalysis(50, DEFAULT_ANALYSIS);
      const blocks = 2 + Math.floor(rng() * 6);
      for (let k = 0; k < blocks; k++) an.addBlock(draw(30 + Math.floor(rng() * 40), 0), draw(30, shift));
      const r = an.result();
      expect(r.ratioLow).not.toBeNull();
      if (r.verdict === "slower") expect(r.ratioLow!).toBeGreaterThanOrEqual(1);
      else if (r.verdict === "faster") expect(r.ratioHigh!).toBeLessThanOrEqual(1);
      else {
        expect(r.ratioLow!).toBeLessThan(1);
        expect(r.ratioHigh!).toBeGreaterThan(1);
      }
      expect(r.ratio!).toBeGreaterThanOrEqual(r.ratioLow!);
      expect(r.ratio!).toBeLessThanOrEqual(r.ratioHigh!);
      if (r.rollback) expect(r.verdict).toBe("slower");
      if (r.promote) expect(r.verdict).toBe("faster");
    }
  });

  it("gives no verdict before two closed blocks and 50 optimized calls", () => {
    const an = new PhaseAnalysis(50, DEFAULT_ANALYSIS);
    an.addBlock(draw(200, 0), draw(200, 1));
    expect(an.verdict()).toBe("none");
    an.addBlock(draw(200, 0), draw(200, 1));
    expect(an.verdict()).toBe("slower");
  });
});

describe("time blocks", () => {
  it("keeps only closed blocks and merges a block with too few calls in an arm into the next", () => {
    const t0 = 1_000_000;
    const s = (sec: number, optimized: boolean) => ({ at: t0 + sec * 1000, durationMs: 10, ok: true, optimized });
    const samples = [
      ...Array.from({ length: 12 }, (_, i) => s(i, false)),
      ...Array.from({ length: 5 }, (_, i) => s(i, true)), // block 0: only 5 optimized → merged with block 1
      ...Array.from({ length: 12 }, (_, i) => s(30 + i, false)),
      ...Array.from({ length: 6 }, (_, i) => s(30 + i, true)),
      ...Array.from({ length: 20 }, (_, i) => s(60 + i, true)), // block 2: no baseline yet, and not closed at 89 s
      { at: t0 + 70_000, durationMs: 5, ok: false, optimized: false },
    ];
    const blocks = closedBlocks(samples, t0, t0 + 89_000, 30_000, 10);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ from: t0, to: t0 + 60_000 });
    expect(blocks[0]!.baseline).toHaveLength(24);
    expect(blocks[0]!.optimized).toHaveLength(11);
    const later = closedBlocks(samples, t0, t0 + 95_000, 30_000, 10);
    expect(later).toHaveLength(1); // block 2 has 1 baseline call (a failure, ranked +∞): still open
  });
});
