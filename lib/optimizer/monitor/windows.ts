/**
 * The exact windows one evaluation uses for one series: the recent window (adaptive for quiet
 * operations) and the rolling reference hour right before it.
 */
import type { MonitorConfig } from "./config";
import { lowerBound, sliceWindow } from "./series";
import type { SeriesWindow, VariantSeries } from "./types";

/** One series cut into its evaluation windows. */
export interface Windowed {
  operation: string;
  variant: string;
  now: number;
  recentFrom: number;
  recent: SeriesWindow;
  referenceFrom: number;
  /** Durations (ms) of the reference window. */
  referenceDurations: Float64Array;
}

/**
 * The start of the recent window: the last `windowSeconds`, extended back (up to
 * `maxWindowSeconds`) until it holds `minSamples`. Why adaptive: a job that runs twice a minute
 * would never reach a minimum sample in one minute, and a fixed 15-minute window would make
 * busy operations slow to alert; busy operations keep the short, independent 1-minute windows
 * that the false-alert arithmetic in config.ts relies on.
 */
export function recentWindowStart(recent: SeriesWindow, now: number, cfg: MonitorConfig["recent"]): number {
  const end = lowerBound(recent.at, now + 1e-9, recent.length);
  const shortFrom = now - cfg.windowSeconds * 1000;
  const longFrom = now - cfg.maxWindowSeconds * 1000;
  const inShort = end - lowerBound(recent.at, shortFrom, end);
  if (inShort >= cfg.minSamples) return shortFrom;
  const k = end - cfg.minSamples;
  return k >= 0 ? Math.max(longFrom, recent.at[k]!) : longFrom;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float64Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Cuts a series into its recent window and the reference hour before it. */
export function windowsOf(s: VariantSeries, now: number, cfg: MonitorConfig): Windowed {
  const recentFrom = recentWindowStart(s.recent, now, cfg.recent);
  const referenceFrom = recentFrom - cfg.reference.windowSeconds * 1000;
  // The reference hour can straddle the two arrays the reader delivered.
  const referenceDurations = concat(
    sliceWindow(s.reference, referenceFrom, recentFrom).durationMs,
    sliceWindow(s.recent, referenceFrom, recentFrom).durationMs,
  );
  return {
    operation: s.operation,
    variant: s.variant,
    now,
    recentFrom,
    recent: sliceWindow(s.recent, recentFrom, now + 1e-9),
    referenceFrom,
    referenceDurations,
  };
}

/** ISO strings of a window, for evidence. */
export function isoWindow(from: number, to: number): { from: string; to: string } {
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
