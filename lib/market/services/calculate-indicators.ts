import { computeIndicatorsBaseline } from "../indicators/baseline";
import type { IndicatorParams } from "../indicators/params";
import { latestIndicators, type IndicatorSet, type LatestIndicators } from "../indicators/result";
import type { BarSource } from "../ports";
import type { Bar } from "../types";

export interface CalculateIndicatorsInput {
  symbol: string;
  /** Market-clock date: bars after it are "the future" and never used. */
  asOf: string;
  params: IndicatorParams;
  /** How many trailing points of each series to return (0: latest values only). */
  points: number;
}

type Series = (number | null)[];

export interface IndicatorSeriesTail {
  dates: string[];
  close: number[];
  sma: Record<string, Series>;
  ema: Record<string, Series>;
  rsi: Series;
  macd: { macd: Series; signal: Series; histogram: Series };
  bollinger: { middle: Series; upper: Series; lower: Series };
  atr: Series;
  stochastic: { k: Series; d: Series };
}

export interface IndicatorsResult {
  symbol: string;
  asOf: string;
  bars: number;
  lastBarDate: string | null;
  latest: LatestIndicators;
  series: IndicatorSeriesTail;
}

function tail(a: Float64Array, n: number): Series {
  const out: Series = [];
  for (let i = Math.max(0, a.length - n); i < a.length; i++) out.push(Number.isNaN(a[i]!) ? null : a[i]!);
  return out;
}

function tailMap(m: Record<number, Float64Array>, n: number): Record<string, Series> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, tail(v, n)]));
}

/** Shapes an indicator set and its bars into the JSON result of the API (shared by all variants). */
export function toIndicatorsResult(input: CalculateIndicatorsInput, dates: string[], close: ArrayLike<number>, set: IndicatorSet): IndicatorsResult {
  const n = input.points;
  const from = Math.max(0, dates.length - n);
  return {
    symbol: input.symbol,
    asOf: input.asOf,
    bars: dates.length,
    lastBarDate: dates.at(-1) ?? null,
    latest: latestIndicators(set),
    series: {
      dates: dates.slice(from),
      close: Array.from({ length: dates.length - from }, (_, i) => close[from + i]!),
      sma: tailMap(set.sma, n),
      ema: tailMap(set.ema, n),
      rsi: tail(set.rsi, n),
      macd: { macd: tail(set.macd.macd, n), signal: tail(set.macd.signal, n), histogram: tail(set.macd.histogram, n) },
      bollinger: {
        middle: tail(set.bollinger.middle, n),
        upper: tail(set.bollinger.upper, n),
        lower: tail(set.bollinger.lower, n),
      },
      atr: tail(set.atr, n),
      stochastic: { k: tail(set.stochastic.k, n), d: tail(set.stochastic.d, n) },
    },
  };
}

/** Baseline: all indicators for one symbol from its row objects, each window recomputed. */
export async function calculateIndicators(deps: { bars: BarSource }, input: CalculateIndicatorsInput): Promise<IndicatorsResult> {
  const bars: Bar[] = await deps.bars.barsUpTo(input.symbol, input.asOf);
  const set = computeIndicatorsBaseline(bars, input.params);
  return toIndicatorsResult(
    input,
    bars.map((b) => b.date),
    bars.map((b) => b.close),
    set,
  );
}

export interface CalculateIndicatorsBatchInput {
  symbols: string[];
  asOf: string;
  params: IndicatorParams;
}

export interface IndicatorsBatchResult {
  asOf: string;
  results: { symbol: string; bars: number; lastBarDate: string | null; latest: LatestIndicators }[];
}

/** Baseline batch: one symbol after the other, one query each. */
export async function calculateIndicatorsBatch(deps: { bars: BarSource }, input: CalculateIndicatorsBatchInput): Promise<IndicatorsBatchResult> {
  const results: IndicatorsBatchResult["results"] = [];
  for (const symbol of input.symbols) {
    const r = await calculateIndicators(deps, { symbol, asOf: input.asOf, params: input.params, points: 0 });
    results.push({ symbol, bars: r.bars, lastBarDate: r.lastBarDate, latest: r.latest });
  }
  return { asOf: input.asOf, results };
}
