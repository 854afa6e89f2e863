/**
 * BASELINE indicator service: the straightforward version a team writes first. It works on the
 * array of bar objects, recomputes every window from scratch at every index (SMA, Bollinger,
 * stochastic are O(n·period)) and builds `number[]`s that are converted to `Float64Array`s at
 * the end. It is deliberately unoptimized: it is the reference the compact variant is checked
 * against and the "before" of the benchmark. Conventions are the same as in ./compact.
 */
import type { Bar } from "../types";
import type { IndicatorParams } from "./params";
import type { FiveIndicatorSet, IndicatorSet } from "./result";

type Series = number[];

function average(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function toFloat64(series: Series): Float64Array {
  return Float64Array.from(series);
}

function closesOf(bars: Bar[]): Series {
  return bars.map((bar) => bar.close);
}

/** SMA of the closes: the window is sliced and summed again at every bar. */
export function smaBaseline(bars: Bar[], period: number): Series {
  const out: Series = [];
  for (let i = 0; i < bars.length; i++) {
    if (i < period - 1) {
      out.push(NaN);
      continue;
    }
    const window = bars.slice(i - period + 1, i + 1);
    out.push(average(window.map((bar) => bar.close)));
  }
  return out;
}

/**
 * EMA of `values` (which may start with NaNs, e.g. the MACD line). Seeded with the SMA of its
 * first `period` defined values, as TA-Lib and technicalindicators do, so the first value is at
 * `firstDefined + period - 1`.
 */
export function emaBaseline(values: Series, period: number): Series {
  const out: Series = values.map(() => NaN);
  const start = values.findIndex((v) => !Number.isNaN(v));
  if (start < 0 || start + period > values.length) return out;
  const alpha = 2 / (period + 1);
  let ema = average(values.slice(start, start + period));
  out[start + period - 1] = ema;
  for (let i = start + period; i < values.length; i++) {
    ema = ((values[i] as number) - ema) * alpha + ema;
    out[i] = ema;
  }
  return out;
}

/** RSI convention: no losses → 100, no losses and no gains (flat) → 50, else 100 − 100/(1 + RS). */
function rsiFromAverages(avgGain: number, avgLoss: number): number {
  if (avgLoss === 0) return avgGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + avgGain / avgLoss);
}

/** Wilder RSI of the closes, first value at index `period`. */
export function rsiBaseline(bars: Bar[], period: number): Series {
  const closes = closesOf(bars);
  const out: Series = closes.map(() => NaN);
  if (closes.length <= period) return out;
  const gains: number[] = [0];
  const losses: number[] = [0];
  for (let i = 1; i < closes.length; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    gains.push(Math.max(change, 0));
    losses.push(Math.max(-change, 0));
  }
  let avgGain = average(gains.slice(1, period + 1));
  let avgLoss = average(losses.slice(1, period + 1));
  out[period] = rsiFromAverages(avgGain, avgLoss);
  for (let i = period + 1; i < closes.length; i++) {
    avgGain = (avgGain * (period - 1) + (gains[i] as number)) / period;
    avgLoss = (avgLoss * (period - 1) + (losses[i] as number)) / period;
    out[i] = rsiFromAverages(avgGain, avgLoss);
  }
  return out;
}

/** MACD from two SMA-seeded EMAs of the closes, and an SMA-seeded EMA signal of the MACD line. */
export function macdBaseline(bars: Bar[], fast: number, slow: number, signal: number): { macd: Series; signal: Series; histogram: Series } {
  const closes = closesOf(bars);
  const fastEma = emaBaseline(closes, fast);
  const slowEma = emaBaseline(closes, slow);
  const macd = closes.map((_, i) => (fastEma[i] as number) - (slowEma[i] as number));
  const signalLine = emaBaseline(macd, signal);
  const histogram = macd.map((m, i) => m - (signalLine[i] as number));
  return { macd, signal: signalLine, histogram };
}

/** Bollinger bands: mean and population variance recomputed from the window at every bar. */
export function bollingerBaseline(bars: Bar[], period: number, k: number): { middle: Series; upper: Series; lower: Series } {
  const middle: Series = [];
  const upper: Series = [];
  const lower: Series = [];
  for (let i = 0; i < bars.length; i++) {
    if (i < period - 1) {
      middle.push(NaN);
      upper.push(NaN);
      lower.push(NaN);
      continue;
    }
    const window = bars.slice(i - period + 1, i + 1).map((bar) => bar.close);
    const mean = average(window);
    const sd = Math.sqrt(average(window.map((x) => (x - mean) ** 2)));
    middle.push(mean);
    upper.push(mean + k * sd);
    lower.push(mean - k * sd);
  }
  return { middle, upper, lower };
}

/** Wilder ATR. The first bar has no previous close, so true ranges start at index 1 and ATR at `period`. */
export function atrBaseline(bars: Bar[], period: number): Series {
  const trueRanges: Series = bars.map((bar, i) => {
    if (i === 0) return NaN;
    const prevClose = (bars[i - 1] as Bar).close;
    return Math.max(bar.high - bar.low, Math.abs(bar.high - prevClose), Math.abs(bar.low - prevClose));
  });
  const out: Series = bars.map(() => NaN);
  if (bars.length <= period) return out;
  let atr = average(trueRanges.slice(1, period + 1));
  out[period] = atr;
  for (let i = period + 1; i < bars.length; i++) {
    atr = (atr * (period - 1) + (trueRanges[i] as number)) / period;
    out[i] = atr;
  }
  return out;
}

/**
 * Fast stochastic: the window is scanned for its highest high and lowest low at every bar.
 * A flat window (highest high == lowest low) gives %K = 50, the neutral mid-point.
 */
export function stochasticBaseline(bars: Bar[], kPeriod: number, dPeriod: number): { k: Series; d: Series } {
  const k: Series = [];
  for (let i = 0; i < bars.length; i++) {
    if (i < kPeriod - 1) {
      k.push(NaN);
      continue;
    }
    const window = bars.slice(i - kPeriod + 1, i + 1);
    const highest = Math.max(...window.map((bar) => bar.high));
    const lowest = Math.min(...window.map((bar) => bar.low));
    const close = (bars[i] as Bar).close;
    k.push(highest === lowest ? 50 : (100 * (close - lowest)) / (highest - lowest));
  }
  const d: Series = k.map((_, i) => {
    if (i < kPeriod - 1 + dPeriod - 1) return NaN;
    return average(k.slice(i - dPeriod + 1, i + 1));
  });
  return { k, d };
}

function seriesByPeriod(periods: number[], compute: (period: number) => Series): Record<number, Float64Array> {
  const out: Record<number, Float64Array> = {};
  for (const period of periods) out[period] = toFloat64(compute(period));
  return out;
}

/** Computes every indicator of `params` for one symbol's bars (ascending by date). */
export function computeIndicatorsBaseline(bars: Bar[], params: IndicatorParams): IndicatorSet {
  const closes = closesOf(bars);
  const macd = macdBaseline(bars, params.macd.fast, params.macd.slow, params.macd.signal);
  const bollinger = bollingerBaseline(bars, params.bollinger.period, params.bollinger.k);
  const stochastic = stochasticBaseline(bars, params.stochastic.k, params.stochastic.d);
  return {
    length: bars.length,
    sma: seriesByPeriod(params.sma, (period) => smaBaseline(bars, period)),
    ema: seriesByPeriod(params.ema, (period) => emaBaseline(closes, period)),
    rsi: toFloat64(rsiBaseline(bars, params.rsi)),
    macd: { macd: toFloat64(macd.macd), signal: toFloat64(macd.signal), histogram: toFloat64(macd.histogram) },
    bollinger: {
      middle: toFloat64(bollinger.middle),
      upper: toFloat64(bollinger.upper),
      lower: toFloat64(bollinger.lower),
    },
    atr: toFloat64(atrBaseline(bars, params.atr)),
    stochastic: { k: toFloat64(stochastic.k), d: toFloat64(stochastic.d) },
  };
}

/** The benchmark workload (SMA20, EMA20, RSI14, MACD 12/26/9, BB 20/2) the baseline way. */
export function computeFiveIndicatorsBaseline(bars: Bar[]): FiveIndicatorSet {
  const macd = macdBaseline(bars, 12, 26, 9);
  const bollinger = bollingerBaseline(bars, 20, 2);
  return {
    length: bars.length,
    sma20: toFloat64(smaBaseline(bars, 20)),
    ema20: toFloat64(emaBaseline(closesOf(bars), 20)),
    rsi14: toFloat64(rsiBaseline(bars, 14)),
    macd: { macd: toFloat64(macd.macd), signal: toFloat64(macd.signal), histogram: toFloat64(macd.histogram) },
    bollinger: {
      middle: toFloat64(bollinger.middle),
      upper: toFloat64(bollinger.upper),
      lower: toFloat64(bollinger.lower),
    },
  };
}
