import { existsSync } from "node:fs";
import path from "node:path";
import { ATR, AverageGain, AverageLoss, BollingerBands, EMA, MACD, RSI, SMA, Stochastic } from "technicalindicators";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBarsBySymbol } from "../../lib/market/data/read-csv";
import { computeFiveIndicatorsBaseline, computeIndicatorsBaseline } from "../../lib/market/indicators/baseline";
import { allocateFiveIndicatorSet, computeFiveIndicatorsCompact, computeIndicatorsCompact, toBarColumns } from "../../lib/market/indicators/compact";
import {
  DEFAULT_INDICATOR_PARAMS,
  indicatorParamsKey,
  indicatorParamsSchema,
  parseIndicatorParams,
  type IndicatorParams,
} from "../../lib/market/indicators/params";
import { fiveIndicatorSetsEquivalent, indicatorSetsEquivalent, latestIndicators, type IndicatorSet } from "../../lib/market/indicators/result";
import type { Bar } from "../../lib/market/types";

const DATA_FILE_NAME = "sp500-daily-2015-2019.csv.gz";
/** The project's committed copy first, then the shared folder beside the project. */
const DATA_FILE_CANDIDATES = [
  path.resolve(import.meta.dirname, "../../data", DATA_FILE_NAME),
  path.resolve(import.meta.dirname, "../../../shared/data", DATA_FILE_NAME),
];

const params = DEFAULT_INDICATOR_PARAMS as IndicatorParams;

/** Runs both variants; they must agree before either is compared with anything else. */
function computeBoth(bars: Bar[], p: IndicatorParams = params): { baseline: IndicatorSet; compact: IndicatorSet } {
  const baseline = computeIndicatorsBaseline(bars, p);
  const compact = computeIndicatorsCompact(toBarColumns(bars), p);
  const eq = indicatorSetsEquivalent(baseline, compact);
  expect(eq.firstDifference).toBeUndefined();
  expect(eq.equal).toBe(true);
  return { baseline, compact };
}

/**
 * technicalindicators returns only the defined values (shorter arrays); ours are full length with
 * NaN warm-up. Align to the end: the warm-up must be exactly `n - theirs.length` NaNs and the rest
 * must match within `relTol` (relative to the larger magnitude, with an `absTol` floor for values
 * near zero such as the MACD histogram).
 */
function expectAlignedToEnd(label: string, ours: Float64Array, theirs: ReadonlyArray<number | undefined>, { relTol = 1e-6, absTol = 1e-9 } = {}): void {
  const warmUp = ours.length - theirs.length;
  expect(warmUp, `${label}: reference longer than ours`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    if (i < warmUp) {
      if (!Number.isNaN(a)) expect.fail(`${label}[${i}] = ${a}, expected NaN (warm-up ${warmUp})`);
      continue;
    }
    const b = theirs[i - warmUp];
    if (b === undefined) {
      if (!Number.isNaN(a)) expect.fail(`${label}[${i}] = ${a}, reference has no value`);
      continue;
    }
    const diff = Math.abs(a - b);
    if (!(diff <= absTol || diff <= relTol * Math.max(Math.abs(a), Math.abs(b)))) {
      expect.fail(`${label}[${i}]: ours ${a} vs technicalindicators ${b}`);
    }
  }
}

function nanCount(series: Float64Array): number {
  return series.reduce((count, v) => count + (Number.isNaN(v) ? 1 : 0), 0);
}

function bar(i: number, close: number, high = close, low = close): Bar {
  const date = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  return { symbol: "TEST", date, open: close, high, low, close, adjClose: close, volume: 1000 };
}

function barsFromCloses(closes: number[], spread = 0): Bar[] {
  return closes.map((c, i) => bar(i, c, c + spread, c - spread));
}

let bySymbol: Map<string, Bar[]>;
const skipped: string[] = [];

beforeAll(async () => {
  const file = DATA_FILE_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`data file not found; looked in:\n${DATA_FILE_CANDIDATES.join("\n")}`);
  bySymbol = await loadBarsBySymbol(file, { onSkip: (r, reason) => skipped.push(`${r.symbol},${r.date} ${reason}`) });
});

describe("data set", () => {
  it("has 482 symbols and the documented anomalies are handled", () => {
    expect(bySymbol.size).toBe(482);
    expect(bySymbol.get("SNI")).toHaveLength(2);
    // The all-zero CBS row is a second 2019-12-04 line after the real one; only it is dropped.
    expect(skipped).toEqual(["CBS,2019-12-04 non-positive-price"]);
    expect(bySymbol.get("CBS")!.filter((b) => b.date === "2019-12-04")).toHaveLength(1);
    // STI 2019-12-06 and VIAB 2019-12-04 also appear twice (near-identical rows). Deduplicating is
    // the importer's job; these tests keep the file as is (both variants see the same bars).
    // Close below low is kept: the loader repairs nothing.
    const dxc = bySymbol.get("DXC")!.find((b) => b.date === "2018-06-01")!;
    expect(dxc.close).toBeLessThan(dxc.low);
  });
});

describe("indicators vs technicalindicators on real data", () => {
  // AAPL/MSFT: full 1,257 bars; DXC: listed inside the window and has the close-below-low row;
  // SNI: 2 bars, so every reference output is empty and every series of ours is all NaN.
  const SYMBOLS = ["AAPL", "MSFT", "DXC", "SNI"];

  it.each(SYMBOLS)("%s", (symbol) => {
    const bars = bySymbol.get(symbol)!;
    expect(bars.length).toBeGreaterThan(0);
    const close = bars.map((b) => b.close);
    const high = bars.map((b) => b.high);
    const low = bars.map((b) => b.low);
    const { baseline, compact } = computeBoth(bars);

    for (const set of [baseline, compact]) {
      for (const period of params.sma) {
        expectAlignedToEnd(`sma${period}`, set.sma[period]!, SMA.calculate({ period, values: close }));
      }
      for (const period of params.ema) {
        expectAlignedToEnd(`ema${period}`, set.ema[period]!, EMA.calculate({ period, values: close }));
      }

      // technicalindicators rounds RSI to 2 decimals (toFixed(2)), so compare that within 0.005…
      expectAlignedToEnd("rsi(rounded)", set.rsi, RSI.calculate({ period: params.rsi, values: close }), {
        relTol: 0,
        absTol: 0.005 + 1e-9,
      });
      // …and the unrounded RSI rebuilt from its own Wilder average gain/loss within 1e-6.
      const gains = AverageGain.calculate({ period: params.rsi, values: close });
      const losses = AverageLoss.calculate({ period: params.rsi, values: close });
      const rsiExact = gains.map((g, i) => {
        const l = losses[i]!;
        return l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
      });
      expectAlignedToEnd("rsi", set.rsi, rsiExact);

      const { fast, slow, signal } = params.macd;
      // EMA-based oscillator and signal, i.e. SMA-seeded EMAs, the convention both our variants use.
      const macd = MACD.calculate({
        values: close,
        fastPeriod: fast,
        slowPeriod: slow,
        signalPeriod: signal,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      });
      expectAlignedToEnd(
        "macd",
        set.macd.macd,
        macd.map((m) => m.MACD),
      );
      expectAlignedToEnd(
        "macd.signal",
        set.macd.signal,
        macd.map((m) => m.signal),
      );
      expectAlignedToEnd(
        "macd.histogram",
        set.macd.histogram,
        macd.map((m) => m.histogram),
      );

      const bb = BollingerBands.calculate({ period: params.bollinger.period, stdDev: params.bollinger.k, values: close });
      expectAlignedToEnd(
        "bb.middle",
        set.bollinger.middle,
        bb.map((b) => b.middle),
      );
      expectAlignedToEnd(
        "bb.upper",
        set.bollinger.upper,
        bb.map((b) => b.upper),
      );
      expectAlignedToEnd(
        "bb.lower",
        set.bollinger.lower,
        bb.map((b) => b.lower),
      );

      expectAlignedToEnd("atr", set.atr, ATR.calculate({ period: params.atr, high, low, close }));

      const stoch = Stochastic.calculate({
        period: params.stochastic.k,
        signalPeriod: params.stochastic.d,
        high,
        low,
        close,
      });
      expectAlignedToEnd(
        "stoch.k",
        set.stochastic.k,
        stoch.map((s) => s.k),
      );
      expectAlignedToEnd(
        "stoch.d",
        set.stochastic.d,
        stoch.map((s) => s.d),
      );
    }

    if (bars.length >= 200) {
      // Guard against a vacuous pass: the long-history symbols really have defined values.
      expect(nanCount(compact.sma[200]!)).toBe(199);
      expect(nanCount(compact.macd.signal)).toBe(params.macd.slow - 1 + params.macd.signal - 1);
    } else if (bars.length < 3) {
      expect(nanCount(compact.rsi)).toBe(bars.length);
    }
  });
});

describe("baseline vs compact on every symbol of the data set", () => {
  it("default params agree on all 482 symbols", () => {
    let compared = 0;
    for (const [symbol, bars] of bySymbol) {
      const baseline = computeIndicatorsBaseline(bars, params);
      const compact = computeIndicatorsCompact(toBarColumns(bars), params);
      const eq = indicatorSetsEquivalent(baseline, compact);
      if (!eq.equal) expect.fail(`${symbol}: ${JSON.stringify(eq.firstDifference)}`);
      compared++;
    }
    expect(compared).toBe(482);
  });

  it("extreme periods agree on a deterministic sample (every 16th symbol)", () => {
    // Period 1 (window of one bar, MACD 1/2/1) and 500 (the upper bound; short-history symbols
    // stay all NaN) exercise the window boundaries; `odd` mixes unusual periods and a large k.
    const extreme = parseIndicatorParams({
      sma: [1, 2, 500],
      ema: [1, 500],
      rsi: 1,
      macd: { fast: 1, slow: 2, signal: 1 },
      bollinger: { period: 1, k: 0.5 },
      atr: 1,
      stochastic: { k: 1, d: 1 },
    });
    const odd = parseIndicatorParams({
      sma: [7],
      ema: [3],
      rsi: 5,
      macd: { fast: 5, slow: 35, signal: 5 },
      bollinger: { period: 60, k: 3.5 },
      atr: 30,
      stochastic: { k: 100, d: 7 },
    });
    const symbols = [...bySymbol.keys()].filter((_, i) => i % 16 === 0);
    for (const symbol of symbols) {
      for (const p of [extreme, odd]) computeBoth(bySymbol.get(symbol)!, p);
    }
  });

  it("the five-indicator benchmark kernels agree with the baseline and with the full set", () => {
    const bars = bySymbol.get("AAPL")!;
    const close = Float64Array.from(bars, (b) => b.close);
    const out = allocateFiveIndicatorSet(close.length);
    out.sma20.fill(123); // stale contents must be overwritten, warm-up included
    const compact = computeFiveIndicatorsCompact(close, out);
    expect(compact).toBe(out);
    expect(Number.isNaN(out.sma20[0]!)).toBe(true);
    expect(fiveIndicatorSetsEquivalent(computeFiveIndicatorsBaseline(bars), compact).equal).toBe(true);
    const full = computeIndicatorsCompact(toBarColumns(bars), params);
    expect(Array.from(compact.sma20)).toEqual(Array.from(full.sma[20]!));
    expect(Array.from(compact.bollinger.upper)).toEqual(Array.from(full.bollinger.upper));
    expect(() => computeFiveIndicatorsCompact(close, allocateFiveIndicatorSet(3))).toThrow();
  });
});

describe("hand-computed example", () => {
  /*
   * closes 10, 12, 11, 13, 15, 14; high = close + 1, low = close − 1.
   *
   * SMA(3): [2] (10+12+11)/3 = 11, [3] (12+11+13)/3 = 12, [4] (11+13+15)/3 = 13, [5] (13+15+14)/3 = 14.
   * EMA(3), α = 2/(3+1) = 0.5, seeded with SMA at [2] = 11:
   *   [3] 11 + 0.5·(13−11) = 12, [4] 12 + 0.5·(15−12) = 13.5, [5] 13.5 + 0.5·(14−13.5) = 13.75.
   * RSI(3): changes +2, −1, +2, +2, −1.
   *   [3] avgGain (2+0+2)/3 = 4/3, avgLoss (0+1+0)/3 = 1/3, RS = 4, RSI = 100 − 100/5 = 80.
   *   [4] change +2: avgGain (4/3·2 + 2)/3 = 14/9, avgLoss (1/3·2 + 0)/3 = 2/9, RS = 7, RSI = 87.5.
   *   [5] change −1: avgGain (14/9·2)/3 = 28/27, avgLoss (2/9·2 + 1)/3 = 13/27, RS = 28/13,
   *       RSI = 100 − 100·13/41 = 2800/41.
   * MACD(2, 3, 2): EMA(2) α = 2/3 seeded at [1] = 11: [2] 11, [3] 37/3, [4] 127/9, [5] 379/27;
   *   EMA(3) as above. MACD = EMA2 − EMA3: [2] 0, [3] 1/3, [4] 11/18, [5] 31/108.
   *   Signal EMA(2) seeded at [3] = (0 + 1/3)/2 = 1/6; [4] 1/6 + 2/3·(11/18 − 1/6) = 25/54;
   *   [5] 25/54 + 2/3·(31/108 − 25/54) = 28/81. Histogram [3] 1/6, [4] 4/27, [5] −19/324.
   * Bollinger(3, 2), population σ: [2] mean 11, deviations −1, 1, 0 → σ² = 2/3;
   *   [3] mean 12, σ² = 2/3; [4] mean 13, deviations −2, 0, 2 → σ² = 8/3; [5] mean 14, σ² = 2/3.
   * ATR(3): TR [1] max(13−11, |13−10|, |11−10|) = 3, [2] max(2, |12−12|, |10−12|) = 2, [3] 3, [4] 3,
   *   [5] max(2, |15−15|, |13−15|) = 2. ATR [3] (3+2+3)/3 = 8/3, [4] (8/3·2 + 3)/3 = 25/9,
   *   [5] (25/9·2 + 2)/3 = 68/27.
   * Stochastic(3, 2): %K [2] HH 13, LL 9, (11−9)/(13−9) = 50; [3] HH 14, LL 10 → 75;
   *   [4] HH 16, LL 10 → 500/6; [5] HH 16, LL 12 → 50. %D [3] 62.5, [4] (75 + 500/6)/2, [5] (500/6 + 50)/2.
   */
  const bars = barsFromCloses([10, 12, 11, 13, 15, 14], 1);
  const p = parseIndicatorParams({
    sma: [3],
    ema: [3],
    rsi: 3,
    macd: { fast: 2, slow: 3, signal: 2 },
    bollinger: { period: 3, k: 2 },
    atr: 3,
    stochastic: { k: 3, d: 2 },
  });
  const N = NaN;
  const r2 = Math.sqrt(2 / 3);
  const r8 = Math.sqrt(8 / 3);
  const expected: Record<string, number[]> = {
    "sma.3": [N, N, 11, 12, 13, 14],
    "ema.3": [N, N, 11, 12, 13.5, 13.75],
    rsi: [N, N, N, 80, 87.5, 2800 / 41],
    "macd.macd": [N, N, 0, 1 / 3, 11 / 18, 31 / 108],
    "macd.signal": [N, N, N, 1 / 6, 25 / 54, 28 / 81],
    "macd.histogram": [N, N, N, 1 / 6, 4 / 27, -19 / 324],
    "bollinger.middle": [N, N, 11, 12, 13, 14],
    "bollinger.upper": [N, N, 11 + 2 * r2, 12 + 2 * r2, 13 + 2 * r8, 14 + 2 * r2],
    "bollinger.lower": [N, N, 11 - 2 * r2, 12 - 2 * r2, 13 - 2 * r8, 14 - 2 * r2],
    atr: [N, N, N, 8 / 3, 25 / 9, 68 / 27],
    "stochastic.k": [N, N, 50, 75, 500 / 6, 50],
    "stochastic.d": [N, N, N, 62.5, (75 + 500 / 6) / 2, (500 / 6 + 50) / 2],
  };

  function pick(set: IndicatorSet, key: string): Float64Array {
    const [group, name] = key.split(".") as [string, string | undefined];
    const value = (set as unknown as Record<string, unknown>)[group];
    return (name === undefined ? value : (value as Record<string, Float64Array>)[name]) as Float64Array;
  }

  it.each(["baseline", "compact"] as const)("%s matches the worked numbers", (variant) => {
    const set = variant === "baseline" ? computeIndicatorsBaseline(bars, p) : computeIndicatorsCompact(toBarColumns(bars), p);
    for (const [key, values] of Object.entries(expected)) {
      const actual = Array.from(pick(set, key));
      expect(actual, key).toHaveLength(values.length);
      values.forEach((v, i) => {
        if (Number.isNaN(v)) expect(actual[i], `${key}[${i}]`).toBeNaN();
        else expect(actual[i], `${key}[${i}]`).toBeCloseTo(v, 12);
      });
    }
  });
});

describe("edge cases (both variants)", () => {
  const small = parseIndicatorParams({
    sma: [5],
    ema: [5],
    rsi: 5,
    macd: { fast: 3, slow: 5, signal: 2 },
    bollinger: { period: 5, k: 2 },
    atr: 5,
    stochastic: { k: 5, d: 3 },
  });
  const allSeries = (set: IndicatorSet): Array<[string, Float64Array]> => [
    ["sma5", set.sma[5]!],
    ["ema5", set.ema[5]!],
    ["rsi", set.rsi],
    ["macd", set.macd.macd],
    ["signal", set.macd.signal],
    ["histogram", set.macd.histogram],
    ["middle", set.bollinger.middle],
    ["upper", set.bollinger.upper],
    ["lower", set.bollinger.lower],
    ["atr", set.atr],
    ["k", set.stochastic.k],
    ["d", set.stochastic.d],
  ];

  it("empty input gives empty series and a null latest snapshot", () => {
    for (const set of Object.values(computeBoth([], small))) {
      expect(set.length).toBe(0);
      for (const [name, s] of allSeries(set)) expect(s.length, name).toBe(0);
      const latest = latestIndicators(set);
      expect(latest.index).toBeNull();
      expect(latest.rsi).toBeNull();
      expect(latest.sma).toEqual({ 5: null });
    }
  });

  it("a single bar and fewer bars than the period give all-NaN series of the input length", () => {
    for (const n of [1, 4]) {
      const bars = barsFromCloses([100, 101, 102, 103].slice(0, n), 0.5);
      for (const set of Object.values(computeBoth(bars, small))) {
        for (const [name, s] of allSeries(set)) {
          expect(s.length, name).toBe(n);
          expect(nanCount(s), `${name} with ${n} bars`).toBe(n);
        }
      }
    }
  });

  it("exactly `period` bars gives one SMA/EMA/Bollinger/%K value and no RSI/ATR yet", () => {
    const bars = barsFromCloses([1, 2, 3, 4, 5], 0.5);
    for (const set of Object.values(computeBoth(bars, small))) {
      expect(Array.from(set.sma[5]!).slice(0, 4).every(Number.isNaN)).toBe(true);
      expect(set.sma[5]![4]).toBeCloseTo(3, 12);
      expect(set.ema[5]![4]).toBeCloseTo(3, 12); // the SMA seed
      expect(set.bollinger.middle[4]).toBeCloseTo(3, 12);
      expect(set.bollinger.upper[4]).toBeCloseTo(3 + 2 * Math.SQRT2, 12); // σ² = (4+1+0+1+4)/5 = 2
      expect(set.stochastic.k[4]).toBeCloseTo((100 * (5 - 0.5)) / (5.5 - 0.5), 12);
      // RSI and ATR need period + 1 bars (period changes / true ranges); MACD slow = 5 gives one value.
      expect(nanCount(set.rsi)).toBe(5);
      expect(nanCount(set.atr)).toBe(5);
      expect(nanCount(set.macd.macd)).toBe(4);
      expect(nanCount(set.macd.signal)).toBe(5);
    }
  });

  it("flat prices: RSI 50, Bollinger width 0, %K 50, ATR 0, MACD 0", () => {
    const bars = barsFromCloses(Array.from({ length: 40 }, () => 100));
    for (const set of Object.values(computeBoth(bars, small))) {
      const last = latestIndicators(set);
      // No gains and no losses: RS is 0/0; we define RSI = 50 (neutral). Losses only → 0, gains only → 100.
      expect(last.rsi).toBe(50);
      expect(last.bollinger).toEqual({ middle: 100, upper: 100, lower: 100 });
      // highest high == lowest low: %K = 50 by our convention (technicalindicators gives 0).
      expect(last.stochastic).toEqual({ k: 50, d: 50 });
      expect(last.atr).toBe(0);
      expect(last.macd).toEqual({ macd: 0, signal: 0, histogram: 0 });
    }
  });

  it("RSI is 100 on gains only and 0 on losses only", () => {
    const up = computeBoth(barsFromCloses([1, 2, 3, 4, 5, 6, 7]), small).compact;
    const down = computeBoth(barsFromCloses([7, 6, 5, 4, 3, 2, 1]), small).compact;
    expect(latestIndicators(up).rsi).toBe(100);
    expect(latestIndicators(down).rsi).toBe(0);
  });

  it("toBarColumns keeps the values and rejects mixed symbols and bad dates", () => {
    const bars = barsFromCloses([10, 11], 1);
    const cols = toBarColumns(bars);
    expect(cols.symbol).toBe("TEST");
    expect(cols.length).toBe(2);
    expect(Array.from(cols.high)).toEqual([11, 12]);
    expect(cols.day[0]).toBe(Date.UTC(2020, 0, 1) / 86_400_000);
    expect(cols.day[1]! - cols.day[0]!).toBe(1);
    expect(() => toBarColumns([bars[0]!, { ...bars[1]!, symbol: "OTHER" }])).toThrow(/OTHER/);
    for (const date of ["not a date", "2015/01/12", "2015-02-30", "2015-1-2"]) {
      expect(() => toBarColumns([{ ...bars[0]!, date }]), date).toThrow(/bad date/);
    }
    expect(toBarColumns([{ ...bars[0]!, date: "1970-01-02" }]).day[0]).toBe(1);
  });
});

describe("result helpers", () => {
  const bars = barsFromCloses([10, 12, 11, 13, 15, 14, 16, 15], 1);
  const p = parseIndicatorParams({ sma: [2, 3], ema: [2], rsi: 2, macd: { fast: 2, slow: 3, signal: 2 } });

  it("latestIndicators returns JSON-safe last values (NaN → null)", () => {
    const set = computeIndicatorsCompact(toBarColumns(bars), p);
    const latest = latestIndicators(set);
    expect(latest.index).toBe(7);
    expect(latest.sma["2"]).toBeCloseTo(15.5, 12);
    expect(latest.sma["3"]).toBeCloseTo(15, 12);
    expect(latest.ema["2"]).toBe(set.ema[2]![7]);
    expect(latest.atr).toBeNull(); // ATR(14) needs 15 bars
    expect(latest.bollinger.middle).toBeNull(); // BB(20)
    expect(JSON.parse(JSON.stringify(latest))).toEqual(latest);
  });

  it("indicatorSetsEquivalent reports the first difference and treats NaN as equal to NaN", () => {
    const a = computeIndicatorsCompact(toBarColumns(bars), p);
    const b = computeIndicatorsCompact(toBarColumns(bars), p);
    expect(indicatorSetsEquivalent(a, b)).toEqual({ equal: true });

    b.rsi[5] = b.rsi[5]! * (1 + 1e-12); // within relTol 1e-9
    expect(indicatorSetsEquivalent(a, b).equal).toBe(true);
    b.rsi[5] = b.rsi[5]! + 1e-3;
    expect(indicatorSetsEquivalent(a, b).firstDifference).toEqual({ path: "rsi", index: 5, a: a.rsi[5], b: b.rsi[5] });
    expect(indicatorSetsEquivalent(a, b, { relTol: 1e-3 }).equal).toBe(true);

    const c = computeIndicatorsCompact(toBarColumns(bars), p);
    c.sma[2]![0] = 10; // a value where the other has a NaN (warm-up)
    expect(indicatorSetsEquivalent(a, c).firstDifference).toMatchObject({ path: "sma.2", index: 0 });

    const d = computeIndicatorsCompact(toBarColumns(bars), { ...p, sma: [2] });
    expect(indicatorSetsEquivalent(a, d).firstDifference).toMatchObject({ path: "sma.3", index: -1 });

    const e = computeIndicatorsCompact(toBarColumns(bars.slice(1)), p);
    expect(indicatorSetsEquivalent(a, e).firstDifference).toMatchObject({ path: "length", a: 8, b: 7 });
  });
});

describe("indicator params", () => {
  it("defaults", () => {
    expect(parseIndicatorParams({})).toEqual({
      sma: [20, 50, 200],
      ema: [12, 20, 26],
      rsi: 14,
      macd: { fast: 12, slow: 26, signal: 9 },
      bollinger: { period: 20, k: 2 },
      atr: 14,
      stochastic: { k: 14, d: 3 },
    });
    expect(parseIndicatorParams({ macd: { fast: 5 } }).macd).toEqual({ fast: 5, slow: 26, signal: 9 });
    // Defaults are fresh arrays: mutating one result must not leak into the next parse.
    parseIndicatorParams({}).sma.push(7);
    expect(parseIndicatorParams({}).sma).toEqual([20, 50, 200]);
  });

  it.each([
    ["period 0", { rsi: 0 }],
    ["period 501", { atr: 501 }],
    ["non-integer period", { sma: [20.5] }],
    ["9 sma periods", { sma: [1, 2, 3, 4, 5, 6, 7, 8, 9] }],
    ["9 ema periods", { ema: [1, 2, 3, 4, 5, 6, 7, 8, 9] }],
    ["k = 0", { bollinger: { k: 0 } }],
    ["k > 10", { bollinger: { k: 10.5 } }],
    ["fast ≥ slow", { macd: { fast: 26, slow: 26 } }],
    ["unknown field", { smaa: [20] }],
  ])("rejects %s", (_, input) => {
    expect(indicatorParamsSchema.safeParse(input).success).toBe(false);
  });

  it("accepts the bounds", () => {
    expect(() => parseIndicatorParams({ sma: [1, 500], bollinger: { k: 10 }, stochastic: { k: 500, d: 1 } })).not.toThrow();
  });

  it("indicatorParamsKey is canonical: order and duplicates of periods do not matter, values do", () => {
    const key = indicatorParamsKey(parseIndicatorParams({}));
    expect(key).toBe("sma=20,50,200;ema=12,20,26;rsi=14;macd=12,26,9;bb=20,2;atr=14;stoch=14,3");
    expect(indicatorParamsKey(parseIndicatorParams({ sma: [200, 20, 50, 20] }))).toBe(key);
    expect(indicatorParamsKey({ ...parseIndicatorParams({}), sma: [200, 50, 20] })).toBe(key);
    expect(indicatorParamsKey(parseIndicatorParams({ bollinger: { k: 2.5 } }))).not.toBe(key);
    expect(indicatorParamsKey(parseIndicatorParams({ stochastic: { d: 5 } }))).not.toBe(key);
  });
});
