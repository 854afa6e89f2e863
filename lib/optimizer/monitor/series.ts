/**
 * Building and slicing the monitor's columnar sample windows.
 */
import type { Outcome } from "../types";
import type { MonitorConfig } from "./config";
import type { SeriesWindow, VariantSeries } from "./types";

/** First index i with a[i] ≥ x in an ascending array (a.length when none). */
export function lowerBound(a: Float64Array, x: number, length = a.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The samples with from ≤ at < to, as views (no copy). */
export function sliceWindow(w: SeriesWindow, from: number, to: number): SeriesWindow {
  const i = lowerBound(w.at, from, w.length);
  const j = Math.max(i, lowerBound(w.at, to, w.length));
  return {
    length: j - i,
    at: w.at.subarray(i, j),
    durationMs: w.durationMs.subarray(i, j),
    memoryBytes: w.memoryBytes.subarray(i, j),
    failed: w.failed.subarray(i, j),
  };
}

/** A sample as the monitor needs it (SampleInput and database rows both fit). */
export interface MonitorSample {
  at: number;
  durationMs: number;
  memoryBytes: number | null;
  outcome: Outcome;
}

/** Packs samples (any order) into a window sorted by time. */
export function windowOf(samples: readonly MonitorSample[]): SeriesWindow {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const w: SeriesWindow = {
    length: sorted.length,
    at: new Float64Array(sorted.length),
    durationMs: new Float64Array(sorted.length),
    memoryBytes: new Float64Array(sorted.length),
    failed: new Uint8Array(sorted.length),
  };
  sorted.forEach((s, i) => {
    w.at[i] = s.at;
    w.durationMs[i] = s.durationMs;
    w.memoryBytes[i] = s.memoryBytes ?? NaN;
    w.failed[i] = s.outcome === "ok" ? 0 : 1;
  });
  return w;
}

/**
 * Groups samples by operation and variant into the two windows the monitor reads:
 * recent = [now − recent.maxWindowSeconds, now], reference = the reference hour before that.
 * Used by tests and by hosts that evaluate from memory; the server reads the same windows in SQL.
 */
export function buildSeries(
  samples: readonly (MonitorSample & { operation: string; variant: string })[],
  now: number,
  config: Pick<MonitorConfig, "recent" | "reference">,
): VariantSeries[] {
  const recentFrom = now - config.recent.maxWindowSeconds * 1000;
  const referenceFrom = recentFrom - config.reference.windowSeconds * 1000;
  const groups = new Map<string, { operation: string; variant: string; recent: MonitorSample[]; reference: MonitorSample[] }>();
  for (const s of samples) {
    if (s.at < referenceFrom || s.at > now) continue;
    const key = `${s.operation}\u0000${s.variant}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { operation: s.operation, variant: s.variant, recent: [], reference: [] }));
    (s.at >= recentFrom ? g.recent : g.reference).push(s);
  }
  return [...groups.values()].map((g) => ({ operation: g.operation, variant: g.variant, recent: windowOf(g.recent), reference: windowOf(g.reference) }));
}
