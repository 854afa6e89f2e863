/**
 * OPTIMIZED ("compact") indicator service: columnar input, O(n) rolling windows, preallocated
 * `Float64Array` outputs, no allocation and no closures inside the per-bar loops. Results match
 * ./baseline within floating-point tolerance (see indicatorSetsEquivalent).
 *
 * Conventions (shared with the baseline and checked against technicalindicators in the tests):
 * - EMAs (including the MACD lines and signal) are seeded with the SMA of their first `period`
 *   defined inputs, so EMA(p) starts at index p − 1 and MACD's signal at slow − 1 + signal − 1.
 * - RSI and ATR use Wilder smoothing `avg = (avg·(p − 1) + x) / p`, first value at index p.
 * - RSI: average loss 0 → 100; average loss and gain both 0 (flat) → 50.
 * - Bollinger uses the population standard deviation.
 * - Stochastic: a flat window (highest high == lowest low) gives %K = 50.
 *
 * Kernels assume finite inputs (the loaders drop bad rows).
 */
import type { Bar, BarColumns } from "../types";
import type { IndicatorParams } from "./params";
import type { FiveIndicatorSet, IndicatorSet } from "./result";

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO `YYYY-MM-DD` date, or NaN if it is not one (no roll-over of 02-30). */
function isoDayNumber(date: string): number {
  // Not Date.parse alone: it also accepts other formats (read in local time) and rolls 02-30 over to March.
  const m = ISO_DAY.exec(date);
  if (!m) return NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return NaN;
  return ms / MS_PER_DAY;
}

/**
 * Running sums are recomputed exactly from their window every RESYNC_INTERVAL bars, which bounds
 * the rounding drift of add-new/subtract-old updates on long series (1M points) for an O(period)
 * cost every 1,024 bars.
 */
const RESYNC_INTERVAL = 1024;

/** Converts one symbol's bars (ascending by date) to columns; throws on a bad date or mixed symbols. */
export function toBarColumns(bars: Bar[]): BarColumns {
  const n = bars.length;
  const symbol = bars[0]?.symbol ?? "";
  const cols: BarColumns = {
    symbol,
    length: n,
    day: new Int32Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const bar = bars[i]!;
    if (bar.symbol !== symbol) throw new Error(`toBarColumns: bar ${i} is ${bar.symbol}, expected ${symbol}`);
    const day = isoDayNumber(bar.date);
    if (Number.isNaN(day)) throw new Error(`toBarColumns: bad date ${JSON.stringify(bar.date)} at bar ${i}`);
    cols.day[i] = day;
    cols.open[i] = bar.open;
    cols.high[i] = bar.high;
    cols.low[i] = bar.low;
    cols.close[i] = bar.close;
    cols.volume[i] = bar.volume;
  }
  return cols;
}

function windowSum(src: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let j = from; j <= to; j++) sum += src[j]!;
  return sum;
}

/**
 * Rolling SMA of `src` into `out` (same length). `from` is the first defined input (earlier
 * inputs are warm-up NaNs of another indicator); the first output is at `from + period − 1`.
 */
export function smaInto(src: Float64Array, period: number, out: Float64Array, from = 0): void {
  const n = src.length;
  const first = from + period - 1;
  out.fill(NaN, 0, Math.min(first, n));
  if (first >= n) return;
  const inv = 1 / period;
  // Blocks of RESYNC_INTERVAL bars: an exact sum at the block's first bar, then O(1) updates in a
  // tight inner loop (no re-sync test per bar).
  for (let i = first; i < n;) {
    let sum = windowSum(src, i - period + 1, i);
    out[i] = sum * inv;
    const end = Math.min(n, i + RESYNC_INTERVAL);
    for (i++; i < end; i++) {
      // Difference first: new and old values are close, so this loses less than two updates.
      sum += src[i]! - src[i - period]!;
      out[i] = sum * inv;
    }
  }
}

/** EMA of `src` into `out`, SMA-seeded on `src[from .. from + period − 1]`. */
export function emaInto(src: Float64Array, period: number, out: Float64Array, from = 0): void {
  const n = src.length;
  const first = from + period - 1;
  out.fill(NaN, 0, Math.min(first, n));
  if (first >= n) return;
  const alpha = 2 / (period + 1);
  let ema = windowSum(src, from, first) / period;
  out[first] = ema;
  for (let i = first + 1; i < n; i++) {
    ema = (src[i]! - ema) * alpha + ema;
    out[i] = ema;
  }
}

/**
 * RSI convention: no losses → 100, no losses and no gains (flat) → 50, else 100 − 100/(1 + RS).
 * Written as 100·G/(G + L), the same value with one division instead of two (and it gives 100
 * for L = 0 by itself), which matters because this runs once per bar.
 */
function rsiFromAverages(avgGain: number, avgLoss: number): number {
  const total = avgGain + avgLoss;
  return total > 0 ? (100 * avgGain) / total : 50;
}

/** Wilder RSI of `close` into `out`, first value at index `period`. */
export function rsiInto(close: Float64Array, period: number, out: Float64Array): void {
  const n = close.length;
  out.fill(NaN, 0, Math.min(period, n));
  if (n <= period) return;
  let gainSum = 0;
  let lossSum = 0;
  for (let i = 1; i <= period; i++) {
    const change = close[i]! - close[i - 1]!;
    if (change > 0) gainSum += change;
    else lossSum -= change;
  }
  let avgGain = gainSum / period;
  let avgLoss = lossSum / period;
  out[period] = rsiFromAverages(avgGain, avgLoss);
  const keep = period - 1;
  const inv = 1 / period;
  for (let i = period + 1; i < n; i++) {
    const change = close[i]! - close[i - 1]!;
    // Branch-free split (exact: c + |c| is 2c or 0): up and down days alternate unpredictably,
    // so `change > 0 ? … : …` would cost a branch misprediction on about every other bar.
    const magnitude = Math.abs(change);
    const gain = (magnitude + change) * 0.5;
    const loss = (magnitude - change) * 0.5;
    // Multiply by 1/period rather than divide: the division would sit on the loop-carried chain.
    avgGain = (avgGain * keep + gain) * inv;
    avgLoss = (avgLoss * keep + loss) * inv;
    out[i] = rsiFromAverages(avgGain, avgLoss);
  }
}

/** Value at index `at` of the SMA-seeded EMA(period) of `src` (at ≥ period − 1); used to start fused loops. */
function emaAt(src: Float64Array, period: number, at: number): number {
  const alpha = 2 / (period + 1);
  let ema = windowSum(src, 0, period - 1) / period;
  for (let i = period; i <= at; i++) ema = (src[i]! - ema) * alpha + ema;
  return ema;
}

/**
 * MACD in one fused pass (fast and slow EMA, MACD line, signal EMA, histogram) with scalar state
 * only, so no temporary series is allocated.
 */
export function macdInto(
  close: Float64Array,
  fast: number,
  slow: number,
  signal: number,
  macd: Float64Array,
  signalOut: Float64Array,
  histogram: Float64Array,
): void {
  const n = close.length;
  const start = Math.max(fast, slow) - 1;
  const signalStart = start + signal - 1;
  macd.fill(NaN, 0, Math.min(start, n));
  signalOut.fill(NaN, 0, Math.min(signalStart, n));
  histogram.fill(NaN, 0, Math.min(signalStart, n));
  if (start >= n) return;
  const alphaFast = 2 / (fast + 1);
  const alphaSlow = 2 / (slow + 1);
  const alphaSignal = 2 / (signal + 1);
  let fastEma = emaAt(close, fast, start);
  let slowEma = emaAt(close, slow, start);
  let m = fastEma - slowEma;
  macd[start] = m;
  let signalSum = m;
  const seedEnd = Math.min(signalStart, n - 1);
  for (let i = start + 1; i <= seedEnd; i++) {
    const c = close[i]!;
    fastEma = (c - fastEma) * alphaFast + fastEma;
    slowEma = (c - slowEma) * alphaSlow + slowEma;
    m = fastEma - slowEma;
    macd[i] = m;
    signalSum += m;
  }
  if (signalStart >= n) return;
  let sig = signalSum / signal;
  signalOut[signalStart] = sig;
  histogram[signalStart] = m - sig;
  for (let i = signalStart + 1; i < n; i++) {
    const c = close[i]!;
    fastEma = (c - fastEma) * alphaFast + fastEma;
    slowEma = (c - slowEma) * alphaSlow + slowEma;
    m = fastEma - slowEma;
    sig = (m - sig) * alphaSignal + sig;
    macd[i] = m;
    signalOut[i] = sig;
    histogram[i] = m - sig;
  }
}

/**
 * Bollinger bands in one pass. The window's sum and sum of squares are kept on values shifted by
 * a reference price `ref` taken from the window at each re-sync: with raw prices, Σx²/n − mean²
 * cancels catastrophically (both ≈ price², the difference ≈ σ²); shifted values are ≈ σ in size,
 * so the subtraction keeps its digits. Re-syncing (exact recompute, new `ref`) every
 * RESYNC_INTERVAL bars stops the reference from drifting away from a trending price.
 */
export function bollingerInto(close: Float64Array, period: number, k: number, middle: Float64Array, upper: Float64Array, lower: Float64Array): void {
  const n = close.length;
  const first = period - 1;
  middle.fill(NaN, 0, Math.min(first, n));
  upper.fill(NaN, 0, Math.min(first, n));
  lower.fill(NaN, 0, Math.min(first, n));
  const inv = 1 / period;
  for (let i = first; i < n;) {
    // Block start: exact sums over the window, shifted by its newest price.
    const ref = close[i]!;
    let s1 = 0;
    let s2 = 0;
    for (let j = i - first; j <= i; j++) {
      const d = close[j]! - ref;
      s1 += d;
      s2 += d * d;
    }
    const end = Math.min(n, i + RESYNC_INTERVAL);
    for (;;) {
      const meanShift = s1 * inv;
      const variance = s2 * inv - meanShift * meanShift;
      // Rounding can leave a tiny negative variance for a (nearly) flat window: clamp to 0.
      const width = k * Math.sqrt(variance > 0 ? variance : 0);
      const mean = ref + meanShift;
      middle[i] = mean;
      upper[i] = mean + width;
      lower[i] = mean - width;
      if (++i >= end) break;
      const dIn = close[i]! - ref;
      const dOut = close[i - period]! - ref;
      s1 += dIn - dOut;
      s2 += dIn * dIn - dOut * dOut;
    }
  }
}

/** Wilder ATR into `out`; true ranges start at bar 1 (bar 0 has no previous close), ATR at `period`. */
export function atrInto(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = close.length;
  out.fill(NaN, 0, Math.min(period, n));
  if (n <= period) return;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRange(high[i]!, low[i]!, close[i - 1]!);
  let atr = sum / period;
  out[period] = atr;
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    atr = (atr * keep + trueRange(high[i]!, low[i]!, close[i - 1]!)) / period;
    out[i] = atr;
  }
}

function trueRange(high: number, low: number, prevClose: number): number {
  const a = high - low;
  const b = Math.abs(high - prevClose);
  const c = Math.abs(low - prevClose);
  return a > b ? (a > c ? a : c) : b > c ? b : c;
}

/**
 * Fast stochastic %K (rolling highest high / lowest low with monotonic deques of indices, O(1)
 * amortized per bar) and %D = SMA(dPeriod) of %K. Flat window → %K = 50.
 */
export function stochasticInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod: number,
  dPeriod: number,
  outK: Float64Array,
  outD: Float64Array,
): void {
  const n = close.length;
  // Ring buffers sized to a power of two ≥ kPeriod so wrap-around is a mask; a deque never holds
  // more than kPeriod indices (all inside the window).
  let capacity = 1;
  while (capacity < kPeriod) capacity <<= 1;
  const mask = capacity - 1;
  const maxQ = new Int32Array(capacity);
  const minQ = new Int32Array(capacity);
  let maxHead = 0;
  let maxTail = 0;
  let minHead = 0;
  let minTail = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const oldest = i - kPeriod + 1;
    // Expire first (at most one index leaves per bar), then push, so a deque never exceeds kPeriod.
    if (maxTail > maxHead && maxQ[maxHead & mask]! < oldest) maxHead++;
    if (minTail > minHead && minQ[minHead & mask]! < oldest) minHead++;
    while (maxTail > maxHead && high[maxQ[(maxTail - 1) & mask]!]! <= h) maxTail--;
    maxQ[maxTail & mask] = i;
    maxTail++;
    while (minTail > minHead && low[minQ[(minTail - 1) & mask]!]! >= l) minTail--;
    minQ[minTail & mask] = i;
    minTail++;
    if (oldest < 0) {
      outK[i] = NaN;
      continue;
    }
    const highest = high[maxQ[maxHead & mask]!]!;
    const lowest = low[minQ[minHead & mask]!]!;
    const range = highest - lowest;
    outK[i] = range === 0 ? 50 : (100 * (close[i]! - lowest)) / range;
  }
  smaInto(outK, dPeriod, outD, kPeriod - 1);
}

/** Output series; the kernels write every element, NaN warm-up included. */
function series(n: number): Float64Array {
  return new Float64Array(n);
}

/** Computes every indicator of `params` from one symbol's columns. */
export function computeIndicatorsCompact(cols: BarColumns, params: IndicatorParams): IndicatorSet {
  const { close, high, low } = cols;
  const n = close.length;
  const sma: Record<number, Float64Array> = {};
  for (const period of params.sma) smaInto(close, period, (sma[period] = series(n)));
  const ema: Record<number, Float64Array> = {};
  for (const period of params.ema) emaInto(close, period, (ema[period] = series(n)));
  const set: IndicatorSet = {
    length: n,
    sma,
    ema,
    rsi: series(n),
    macd: { macd: series(n), signal: series(n), histogram: series(n) },
    bollinger: { middle: series(n), upper: series(n), lower: series(n) },
    atr: series(n),
    stochastic: { k: series(n), d: series(n) },
  };
  rsiInto(close, params.rsi, set.rsi);
  macdInto(close, params.macd.fast, params.macd.slow, params.macd.signal, set.macd.macd, set.macd.signal, set.macd.histogram);
  bollingerInto(close, params.bollinger.period, params.bollinger.k, set.bollinger.middle, set.bollinger.upper, set.bollinger.lower);
  atrInto(high, low, close, params.atr, set.atr);
  stochasticInto(high, low, close, params.stochastic.k, params.stochastic.d, set.stochastic.k, set.stochastic.d);
  return set;
}

/**
 * Reusable output memory for {@link computeIndicatorsCompactInto}: one buffer per series, grown
 * to the longest input seen. A universe scan computed ~16 fresh series per symbol (≈ 78 MB of
 * Float64Arrays for 482 symbols × 1,258 bars, every one garbage right after the signal check).
 */
export interface IndicatorScratch {
  buffers: Float64Array[];
}

export function createIndicatorScratch(): IndicatorScratch {
  return { buffers: [] };
}

/**
 * {@link computeIndicatorsCompact} writing into `scratch` (same values, bit for bit: same kernels,
 * and they write every element). The set's series are views of the scratch buffers: valid only
 * until the next call with the same scratch.
 */
export function computeIndicatorsCompactInto(cols: BarColumns, params: IndicatorParams, scratch: IndicatorScratch): IndicatorSet {
  const { close, high, low } = cols;
  const n = close.length;
  let next = 0;
  const out = (): Float64Array => {
    let b = scratch.buffers[next];
    if (b === undefined || b.length < n) scratch.buffers[next] = b = new Float64Array(Math.max(n, 1) + (n >>> 3));
    next++;
    return b.subarray(0, n);
  };
  return computeIndicatorsWith(close, high, low, params, out);
}

/**
 * The kernels of {@link computeIndicatorsCompact} in their order, each writing into the next view
 * `next()` hands out (fresh arrays, reused scratch, or a worker's shared slab): one body for every
 * caller, so all of them are bit-identical to the compact variant.
 */
export function computeIndicatorsWith(
  close: Float64Array,
  high: Float64Array,
  low: Float64Array,
  params: IndicatorParams,
  next: () => Float64Array,
): IndicatorSet {
  const sma: Record<number, Float64Array> = {};
  for (const period of params.sma) smaInto(close, period, (sma[period] = next()));
  const ema: Record<number, Float64Array> = {};
  for (const period of params.ema) emaInto(close, period, (ema[period] = next()));
  const set: IndicatorSet = {
    length: close.length,
    sma,
    ema,
    rsi: next(),
    macd: { macd: next(), signal: next(), histogram: next() },
    bollinger: { middle: next(), upper: next(), lower: next() },
    atr: next(),
    stochastic: { k: next(), d: next() },
  };
  rsiInto(close, params.rsi, set.rsi);
  macdInto(close, params.macd.fast, params.macd.slow, params.macd.signal, set.macd.macd, set.macd.signal, set.macd.histogram);
  bollingerInto(close, params.bollinger.period, params.bollinger.k, set.bollinger.middle, set.bollinger.upper, set.bollinger.lower);
  atrInto(high, low, close, params.atr, set.atr);
  stochasticInto(high, low, close, params.stochastic.k, params.stochastic.d, set.stochastic.k, set.stochastic.d);
  return set;
}

/** Allocates the output arrays of {@link computeFiveIndicatorsCompact} for `n` points (reusable across calls). */
export function allocateFiveIndicatorSet(n: number): FiveIndicatorSet {
  return {
    length: n,
    sma20: new Float64Array(n),
    ema20: new Float64Array(n),
    rsi14: new Float64Array(n),
    macd: { macd: new Float64Array(n), signal: new Float64Array(n), histogram: new Float64Array(n) },
    bollinger: { middle: new Float64Array(n), upper: new Float64Array(n), lower: new Float64Array(n) },
  };
}

/**
 * The benchmark workload (SMA20, EMA20, RSI14, MACD 12/26/9, BB 20/2) over one close series.
 * Pass `out` from {@link allocateFiveIndicatorSet} to measure compute only (every element is
 * overwritten, warm-up included).
 */
export function computeFiveIndicatorsCompact(close: Float64Array, out?: FiveIndicatorSet): FiveIndicatorSet {
  const n = close.length;
  if (out && out.length !== n) throw new Error(`computeFiveIndicatorsCompact: out has ${out.length} points, close has ${n}`);
  const set = out ?? allocateFiveIndicatorSet(n);
  smaInto(close, 20, set.sma20);
  emaInto(close, 20, set.ema20);
  rsiInto(close, 14, set.rsi14);
  macdInto(close, 12, 26, 9, set.macd.macd, set.macd.signal, set.macd.histogram);
  bollingerInto(close, 20, 2, set.bollinger.middle, set.bollinger.upper, set.bollinger.lower);
  return set;
}
