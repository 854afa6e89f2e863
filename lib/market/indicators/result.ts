/**
 * Output of the indicator services.
 *
 * Every series is a `Float64Array` of the same length as the input bars, index-aligned with
 * them, holding `NaN` while the indicator is warming up. Both variants return this form: the
 * compact variant writes straight into preallocated typed arrays (no boxing, no growth, no
 * holey-array transitions when NaN and numbers mix) and the arrays can be transferred to or
 * from a worker without copying; the baseline builds plain `number[]`s and converts them once
 * at the end, which costs it one copy per series and nothing else.
 */

/** MACD line (fast EMA − slow EMA), its signal EMA and their difference. */
export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/** Bollinger bands: SMA middle band ± k population standard deviations. */
export interface BollingerSeries {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

/** Fast stochastic %K and its SMA %D. */
export interface StochasticSeries {
  k: Float64Array;
  d: Float64Array;
}

/** All indicators of one symbol, each series aligned to the input bars (`NaN` during warm-up). */
export interface IndicatorSet {
  /** Number of input bars; every series has this length. */
  length: number;
  /** SMA series keyed by period. */
  sma: Record<number, Float64Array>;
  /** EMA series keyed by period. */
  ema: Record<number, Float64Array>;
  rsi: Float64Array;
  macd: MacdSeries;
  bollinger: BollingerSeries;
  atr: Float64Array;
  stochastic: StochasticSeries;
}

/**
 * The benchmark workload: SMA20, EMA20, RSI14, MACD(12/26/9) and Bollinger(20, 2) over one
 * close series, same alignment rules as {@link IndicatorSet}.
 */
export interface FiveIndicatorSet {
  length: number;
  sma20: Float64Array;
  ema20: Float64Array;
  rsi14: Float64Array;
  macd: MacdSeries;
  bollinger: BollingerSeries;
}

/** Last values of an {@link IndicatorSet} as a JSON-safe object (`NaN` → `null`). */
export interface LatestIndicators {
  /** Index of the bar the values belong to, or `null` for an empty set. */
  index: number | null;
  sma: Record<string, number | null>;
  ema: Record<string, number | null>;
  rsi: number | null;
  macd: { macd: number | null; signal: number | null; histogram: number | null };
  bollinger: { middle: number | null; upper: number | null; lower: number | null };
  atr: number | null;
  stochastic: { k: number | null; d: number | null };
}

/** Tolerances for {@link indicatorSetsEquivalent}; a pair passes if it is within either. */
export interface EquivalenceTolerance {
  relTol?: number;
  absTol?: number;
}

/** Where two sets first disagree. `index` is -1 for a structural difference (length, missing series). */
export interface IndicatorDifference {
  path: string;
  index: number;
  a: number;
  b: number;
}

/** Result of an equivalence check. */
export interface EquivalenceResult {
  equal: boolean;
  firstDifference?: IndicatorDifference;
}

function jsonNumber(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

function lastOf(series: Float64Array): number | null {
  return jsonNumber(series[series.length - 1]);
}

function lastByPeriod(series: Record<number, Float64Array>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const period of Object.keys(series)) {
    const s = series[Number(period)];
    if (s) out[period] = lastOf(s);
  }
  return out;
}

/** Extracts the values at the last bar as a plain JSON-safe object (`NaN`/±Infinity → `null`). */
export function latestIndicators(set: IndicatorSet): LatestIndicators {
  return {
    index: set.length > 0 ? set.length - 1 : null,
    sma: lastByPeriod(set.sma),
    ema: lastByPeriod(set.ema),
    rsi: lastOf(set.rsi),
    macd: { macd: lastOf(set.macd.macd), signal: lastOf(set.macd.signal), histogram: lastOf(set.macd.histogram) },
    bollinger: {
      middle: lastOf(set.bollinger.middle),
      upper: lastOf(set.bollinger.upper),
      lower: lastOf(set.bollinger.lower),
    },
    atr: lastOf(set.atr),
    stochastic: { k: lastOf(set.stochastic.k), d: lastOf(set.stochastic.d) },
  };
}

type NamedSeries = ReadonlyArray<readonly [path: string, series: Float64Array | undefined]>;

function byPeriodEntries(name: string, series: Record<number, Float64Array>): Array<[string, Float64Array]> {
  return Object.keys(series)
    .map(Number)
    .sort((x, y) => x - y)
    .map((p) => [`${name}.${p}`, series[p] as Float64Array]);
}

function setEntries(set: IndicatorSet): Array<[string, Float64Array]> {
  return [
    ...byPeriodEntries("sma", set.sma),
    ...byPeriodEntries("ema", set.ema),
    ["rsi", set.rsi],
    ["macd.macd", set.macd.macd],
    ["macd.signal", set.macd.signal],
    ["macd.histogram", set.macd.histogram],
    ["bollinger.middle", set.bollinger.middle],
    ["bollinger.upper", set.bollinger.upper],
    ["bollinger.lower", set.bollinger.lower],
    ["atr", set.atr],
    ["stochastic.k", set.stochastic.k],
    ["stochastic.d", set.stochastic.d],
  ];
}

function fiveEntries(set: FiveIndicatorSet): Array<[string, Float64Array]> {
  return [
    ["sma20", set.sma20],
    ["ema20", set.ema20],
    ["rsi14", set.rsi14],
    ["macd.macd", set.macd.macd],
    ["macd.signal", set.macd.signal],
    ["macd.histogram", set.macd.histogram],
    ["bollinger.middle", set.bollinger.middle],
    ["bollinger.upper", set.bollinger.upper],
    ["bollinger.lower", set.bollinger.lower],
  ];
}

function compareEntries(
  lengthA: number,
  lengthB: number,
  a: NamedSeries,
  b: NamedSeries,
  { relTol = 1e-9, absTol = 1e-9 }: EquivalenceTolerance,
): EquivalenceResult {
  if (lengthA !== lengthB) {
    return { equal: false, firstDifference: { path: "length", index: -1, a: lengthA, b: lengthB } };
  }
  const bByPath = new Map(b);
  const paths = new Set([...a.map(([p]) => p), ...b.map(([p]) => p)]);
  const aByPath = new Map(a);
  for (const path of paths) {
    const sa = aByPath.get(path);
    const sb = bByPath.get(path);
    // A series missing on one side (e.g. a period only one set computed) is a structural difference.
    if (!sa || !sb || sa.length !== sb.length) {
      return { equal: false, firstDifference: { path, index: -1, a: sa?.length ?? NaN, b: sb?.length ?? NaN } };
    }
    for (let i = 0; i < sa.length; i++) {
      const x = sa[i] as number;
      const y = sb[i] as number;
      if (x === y) continue;
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      const diff = Math.abs(x - y);
      // `!(diff <= …)` so that a NaN on one side only (or an infinite diff) counts as a difference.
      if (!(diff <= absTol || diff <= relTol * Math.max(Math.abs(x), Math.abs(y)))) {
        return { equal: false, firstDifference: { path, index: i, a: x, b: y } };
      }
    }
  }
  return { equal: true };
}

/**
 * Compares two indicator sets value by value: equal when every pair is within `absTol` or within
 * `relTol` relative to the larger magnitude, with `NaN` equal to `NaN` (both warming up). Reports
 * the first differing series path (e.g. `"sma.50"`, `"bollinger.upper"`) and index.
 */
export function indicatorSetsEquivalent(a: IndicatorSet, b: IndicatorSet, tolerance: EquivalenceTolerance = {}): EquivalenceResult {
  return compareEntries(a.length, b.length, setEntries(a), setEntries(b), tolerance);
}

/** {@link indicatorSetsEquivalent} for the benchmark's {@link FiveIndicatorSet}. */
export function fiveIndicatorSetsEquivalent(a: FiveIndicatorSet, b: FiveIndicatorSet, tolerance: EquivalenceTolerance = {}): EquivalenceResult {
  return compareEntries(a.length, b.length, fiveEntries(a), fiveEntries(b), tolerance);
}
