import { describe, expect, it } from "vitest";
import { computeIndicatorsBaseline } from "../../lib/market/indicators/baseline";
import { computeIndicatorsCompact, toBarColumns } from "../../lib/market/indicators/compact";
import { DEFAULT_INDICATOR_PARAMS, type IndicatorParams } from "../../lib/market/indicators/params";
import type { IndicatorSet } from "../../lib/market/indicators/result";
import { SIGNAL_KINDS, detectSignals, type SignalKind } from "../../lib/market/signals/detect";
import type { Bar } from "../../lib/market/types";

const N = 10;
/** Every scenario below crosses between bar 5 and bar 6. */
const CROSS_AT = 6;

function nanSeries(n = N): Float64Array {
  return new Float64Array(n).fill(NaN);
}

/** A set with every series in warm-up (NaN), SMA 50 and 200 present. */
function warmUpSet(n = N): IndicatorSet {
  return {
    length: n,
    sma: { 50: nanSeries(n), 200: nanSeries(n) },
    ema: {},
    rsi: nanSeries(n),
    macd: { macd: nanSeries(n), signal: nanSeries(n), histogram: nanSeries(n) },
    bollinger: { middle: nanSeries(n), upper: nanSeries(n), lower: nanSeries(n) },
    atr: nanSeries(n),
    stochastic: { k: nanSeries(n), d: nanSeries(n) },
  };
}

const f64 = (values: number[]) => Float64Array.from(values);
const constant = (v: number) => new Float64Array(N).fill(v);

interface Scenario {
  set: IndicatorSet;
  close: Float64Array;
  /** The series whose previous-bar value is blanked in the NaN test. */
  blank: (set: IndicatorSet, close: Float64Array) => Float64Array;
  value: number;
}

/** One constructed series per kind that crosses exactly once, at CROSS_AT. */
function scenario(kind: SignalKind): Scenario {
  const set = warmUpSet();
  let close = constant(100);
  let blank: Scenario["blank"];
  switch (kind) {
    case "golden_cross":
    case "death_cross": {
      // SMA50 sits below (above) SMA200, touches it at bar 5, crosses at bar 6 and stays.
      const below = [1, 1.2, 1.5, 1.8, 1.9, 2, 2.5, 3, 3.2, 3.1];
      set.sma[50] = f64(kind === "golden_cross" ? below : below.map((v) => 4 - v));
      set.sma[200] = constant(2);
      blank = (s) => s.sma[200]!;
      break;
    }
    case "rsi_oversold":
      set.rsi = f64([50, 45, 40, 35, 31, 30, 29, 25, 28, 35]); // back above 30 is no signal
      blank = (s) => s.rsi;
      break;
    case "rsi_overbought":
      set.rsi = f64([50, 55, 60, 65, 69, 70, 71, 75, 72, 60]);
      blank = (s) => s.rsi;
      break;
    case "macd_bullish":
    case "macd_bearish": {
      const rising = [-3, -2, -1, -0.5, -0.2, -0.1, 0.2, 0.5, 0.7, 0.6];
      set.macd.macd = f64(kind === "macd_bullish" ? rising : rising.map((v) => -v));
      set.macd.signal = constant(0);
      set.macd.histogram = f64(Array.from(set.macd.macd));
      blank = (s) => s.macd.signal;
      break;
    }
    case "bollinger_upper_breakout":
      set.bollinger.upper = constant(110);
      set.bollinger.middle = constant(100);
      set.bollinger.lower = constant(90);
      close = f64([100, 104, 108, 109, 110, 110, 111, 112, 105, 100]); // touching the band is not a breakout
      blank = (s) => s.bollinger.upper;
      break;
    case "bollinger_lower_breakout":
      set.bollinger.upper = constant(110);
      set.bollinger.middle = constant(100);
      set.bollinger.lower = constant(90);
      close = f64([100, 96, 92, 91, 90, 90, 89, 88, 95, 100]);
      blank = (s) => s.bollinger.lower;
      break;
  }
  const values: Record<SignalKind, number> = {
    golden_cross: set.sma[50]![CROSS_AT]!,
    death_cross: set.sma[50]![CROSS_AT]!,
    rsi_oversold: 29,
    rsi_overbought: 71,
    macd_bullish: 0.2,
    macd_bearish: -0.2,
    bollinger_upper_breakout: 110,
    bollinger_lower_breakout: 90,
  };
  return { set, close, blank, value: values[kind] };
}

/** Every (index, kind) the detector reports when the clock walks over the whole series. */
function scan(set: IndicatorSet, close: ArrayLike<number>): Array<{ index: number; kind: SignalKind }> {
  const found: Array<{ index: number; kind: SignalKind }> = [];
  for (let i = 0; i < set.length; i++) for (const s of detectSignals(set, close, i)) found.push({ index: i, kind: s.kind });
  return found;
}

describe("detectSignals on constructed series", () => {
  it("knows exactly the eight kinds", () => {
    expect([...SIGNAL_KINDS].sort()).toEqual(
      [
        "bollinger_lower_breakout",
        "bollinger_upper_breakout",
        "death_cross",
        "golden_cross",
        "macd_bearish",
        "macd_bullish",
        "rsi_overbought",
        "rsi_oversold",
      ].sort(),
    );
  });

  it.each(SIGNAL_KINDS)("%s fires exactly once, at the crossing bar, with its value", (kind) => {
    const { set, close, value } = scenario(kind);
    expect(scan(set, close)).toEqual([{ index: CROSS_AT, kind }]);
    const [signal] = detectSignals(set, close, CROSS_AT);
    expect(signal!.value).toBeCloseTo(value, 12);
    expect(signal!.detail.length).toBeGreaterThan(0);
    expect(signal!.detail.length).toBeLessThan(100);
  });

  it.each(SIGNAL_KINDS)("%s does not fire when the previous or current bar is NaN", (kind) => {
    for (const at of [CROSS_AT - 1, CROSS_AT]) {
      const { set, close, blank } = scenario(kind);
      blank(set, close)[at] = NaN;
      expect(scan(set, close), `NaN at ${at}`).toEqual([]);
    }
  });

  it("a Bollinger breakout does not fire when the close is NaN", () => {
    const { set, close } = scenario("bollinger_upper_breakout");
    close[CROSS_AT - 1] = NaN;
    expect(scan(set, close)).toEqual([]);
  });

  it("nothing fires during warm-up, at index 0 or outside the series", () => {
    const set = warmUpSet();
    expect(scan(set, constant(100))).toEqual([]);
    const { set: golden, close } = scenario("golden_cross");
    expect(detectSignals(golden, close, 0)).toEqual([]);
    expect(detectSignals(golden, close, N)).toEqual([]);
    expect(detectSignals(golden, close, -1)).toEqual([]);
    expect(detectSignals(golden, close, 2.5)).toEqual([]);
  });

  it("the SMA cross uses the configured periods and needs them in the set", () => {
    const { set, close } = scenario("golden_cross");
    set.sma = { 10: set.sma[50]!, 30: set.sma[200]! };
    expect(scan(set, close)).toEqual([]);
    expect(detectSignals(set, close, CROSS_AT, { fastSma: 10, slowSma: 30 }).map((s) => s.kind)).toEqual(["golden_cross"]);
  });

  it("RSI thresholds are configurable", () => {
    const { set, close } = scenario("rsi_oversold");
    expect(detectSignals(set, close, 3, { oversold: 40 }).map((s) => s.kind)).toEqual(["rsi_oversold"]);
  });
});

describe("detectSignals on computed indicators", () => {
  /** 260 flat bars at 100, then 40 bars rising 1 % a day (high/low ±0.5 %). */
  function rallyBars(): Bar[] {
    const bars: Bar[] = [];
    let close = 100;
    for (let i = 0; i < 300; i++) {
      if (i >= 260) close *= 1.01;
      const date = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      bars.push({ symbol: "RALLY", date, open: close, high: close * 1.005, low: close * 0.995, close, adjClose: close, volume: 1 });
    }
    return bars;
  }

  it.each(["baseline", "compact"] as const)("%s: the breakout bar fires the expected signals once", (variant) => {
    const bars = rallyBars();
    const params = DEFAULT_INDICATOR_PARAMS as IndicatorParams;
    const set = variant === "baseline" ? computeIndicatorsBaseline(bars, params) : computeIndicatorsCompact(toBarColumns(bars), params);
    const found = scan(
      set,
      bars.map((b) => b.close),
    );
    /*
     * Before bar 260 every indicator is flat: SMA50 = SMA200 = 100, RSI = 50 (no gains, no losses),
     * MACD = signal = 0, bands of width 0. At bar 260 the close rises to 101, so SMA50 (100.02)
     * moves above SMA200 (100.005), RSI jumps to 100, MACD turns positive while its signal lags,
     * and the close leaves the 20-bar band (upper ≈ 100.49). In the steady rally afterwards nothing
     * crosses back.
     */
    expect(found.filter((f) => f.index === 260).map((f) => f.kind)).toEqual(["golden_cross", "rsi_overbought", "macd_bullish", "bollinger_upper_breakout"]);
    expect(found.filter((f) => f.kind === "golden_cross")).toEqual([{ index: 260, kind: "golden_cross" }]);
    expect(found.filter((f) => f.kind === "death_cross" || f.kind === "macd_bearish")).toEqual([]);
  });
});
