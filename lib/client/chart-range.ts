/**
 * The operation charts' time range and its place in the URL (`?range=live|1h|24h` or
 * `?range=custom&from=<ISO>&to=<ISO>`), so a view can be shared and survives a reload. Pure.
 */
import { LIVE_WINDOW_MS } from "./metric-points";

export type ChartRange = { kind: "live" } | { kind: "1h" } | { kind: "24h" } | { kind: "custom"; from: number; to: number };
export type RangeKind = ChartRange["kind"];

/** Rollups are kept for this long; a custom range further back would only show emptiness. */
export const MAX_CUSTOM_SPAN_MS = 31 * 86_400_000;

const SPAN_MS = { live: LIVE_WINDOW_MS, "1h": 3_600_000, "24h": 86_400_000 } as const;

export function parseChartRange(params: { get(name: string): string | null }): ChartRange {
  const kind = params.get("range");
  if (kind === "1h" || kind === "24h") return { kind };
  if (kind === "custom") {
    const from = Date.parse(params.get("from") ?? "");
    const to = Date.parse(params.get("to") ?? "");
    if (Number.isFinite(from) && Number.isFinite(to) && to > from && to - from <= MAX_CUSTOM_SPAN_MS) return { kind, from, to };
  }
  return { kind: "live" };
}

/** The search params of a range, merged into `current` (other params are kept). */
export function chartRangeParams(range: ChartRange, current: URLSearchParams): URLSearchParams {
  const u = new URLSearchParams(current);
  u.delete("from");
  u.delete("to");
  if (range.kind === "live") u.delete("range");
  else u.set("range", range.kind);
  if (range.kind === "custom") {
    u.set("from", new Date(range.from).toISOString());
    u.set("to", new Date(range.to).toISOString());
  }
  return u;
}

/** The range as absolute times at `now`. */
export function rangeBounds(range: ChartRange, now: number): { from: number; to: number } {
  return range.kind === "custom" ? { from: range.from, to: range.to } : { from: now - SPAN_MS[range.kind], to: now };
}

// Up to this span a custom range (typically a drag-zoom into the live chart) is drawn from raw
// samples per second; longer ones from per-minute rollups, which would leave a few minutes with
// one or two points.
const SAMPLES_MAX_SPAN_MS = 15 * 60_000;

/** Whether a range is drawn from raw samples aggregated per second (else per-minute rollups). */
export function usesSamples(range: ChartRange): boolean {
  return range.kind === "live" || (range.kind === "custom" && range.to - range.from <= SAMPLES_MAX_SPAN_MS);
}

/** Bucket width of the points a range is drawn from. */
export function bucketMs(range: ChartRange): number {
  return usesSamples(range) ? 1000 : 60_000;
}
