/**
 * Pure signal detection for one symbol at one bar (the "current clock"), by comparing that bar's
 * indicator values with the previous bar's. A crossing means "not past the line on the previous
 * bar, strictly past it now", so a series that touches a line and then moves through it fires
 * once, on the bar it gets strictly past.
 */
import type { IndicatorSet } from "../indicators/result";

/** Every signal kind the detector can emit. */
export const SIGNAL_KINDS = [
  "golden_cross",
  "death_cross",
  "rsi_oversold",
  "rsi_overbought",
  "macd_bullish",
  "macd_bearish",
  "bollinger_upper_breakout",
  "bollinger_lower_breakout",
] as const;

export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** One detected signal: `value` is the indicator value that crossed, `detail` a short human text. */
export interface DetectedSignal {
  kind: SignalKind;
  value: number;
  detail: string;
}

/** Thresholds and periods of the detector; the defaults are the textbook ones. */
export interface SignalOptions {
  /** SMA periods of the golden/death cross (must be present in the set's `sma`). */
  fastSma?: number;
  slowSma?: number;
  oversold?: number;
  overbought?: number;
}

const fmt = (x: number) => x.toFixed(2);

/** True when every value is a number (neither missing nor NaN). */
function defined(...values: Array<number | undefined>): boolean {
  for (const v of values) if (v === undefined || Number.isNaN(v)) return false;
  return true;
}

/**
 * Signals that fire at bar `index` of one symbol, in the order of {@link SIGNAL_KINDS}.
 * Returns `[]` at index 0 or out of range; a kind whose inputs are NaN on either bar (warm-up)
 * or whose SMA periods are not in the set does not fire.
 */
export function detectSignals(set: IndicatorSet, close: ArrayLike<number>, index: number, options: SignalOptions = {}): DetectedSignal[] {
  const { fastSma = 50, slowSma = 200, oversold = 30, overbought = 70 } = options;
  const signals: DetectedSignal[] = [];
  if (!Number.isInteger(index) || index < 1 || index >= set.length || index >= close.length) return signals;
  const i = index;
  const p = index - 1;

  const fast = set.sma[fastSma];
  const slow = set.sma[slowSma];
  if (fast && slow && defined(fast[p], fast[i], slow[p], slow[i])) {
    const [f0, f1, s0, s1] = [fast[p]!, fast[i]!, slow[p]!, slow[i]!];
    if (f0 <= s0 && f1 > s1) {
      signals.push({ kind: "golden_cross", value: f1, detail: `SMA${fastSma} ${fmt(f1)} crossed above SMA${slowSma} ${fmt(s1)}` });
    } else if (f0 >= s0 && f1 < s1) {
      signals.push({ kind: "death_cross", value: f1, detail: `SMA${fastSma} ${fmt(f1)} crossed below SMA${slowSma} ${fmt(s1)}` });
    }
  }

  const r0 = set.rsi[p];
  const r1 = set.rsi[i];
  if (defined(r0, r1)) {
    if (r0! >= oversold && r1! < oversold) {
      signals.push({ kind: "rsi_oversold", value: r1!, detail: `RSI ${fmt(r1!)} fell below ${oversold}` });
    }
    if (r0! <= overbought && r1! > overbought) {
      signals.push({ kind: "rsi_overbought", value: r1!, detail: `RSI ${fmt(r1!)} rose above ${overbought}` });
    }
  }

  const { macd, signal } = set.macd;
  if (defined(macd[p], macd[i], signal[p], signal[i])) {
    const [m0, m1, s0, s1] = [macd[p]!, macd[i]!, signal[p]!, signal[i]!];
    if (m0 <= s0 && m1 > s1) {
      signals.push({ kind: "macd_bullish", value: m1, detail: `MACD ${fmt(m1)} crossed above signal ${fmt(s1)}` });
    } else if (m0 >= s0 && m1 < s1) {
      signals.push({ kind: "macd_bearish", value: m1, detail: `MACD ${fmt(m1)} crossed below signal ${fmt(s1)}` });
    }
  }

  const { upper, lower } = set.bollinger;
  const c0 = close[p];
  const c1 = close[i];
  if (defined(c0, c1, upper[p], upper[i])) {
    if (c0! <= upper[p]! && c1! > upper[i]!) {
      signals.push({
        kind: "bollinger_upper_breakout",
        value: upper[i]!,
        detail: `close ${fmt(c1!)} broke above upper band ${fmt(upper[i]!)}`,
      });
    }
  }
  if (defined(c0, c1, lower[p], lower[i])) {
    if (c0! >= lower[p]! && c1! < lower[i]!) {
      signals.push({
        kind: "bollinger_lower_breakout",
        value: lower[i]!,
        detail: `close ${fmt(c1!)} broke below lower band ${fmt(lower[i]!)}`,
      });
    }
  }
  return signals;
}
