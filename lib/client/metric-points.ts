/**
 * Chart points of one operation per variant and time bucket, from the three sources the detail
 * page uses: live per-second aggregates (socket), raw samples (initial fill of the live window)
 * and per-minute rollups (1 h / 24 h). Pure functions; no React.
 */
import { percentileSorted } from "@/lib/optimizer/stats/quantile";
import type { MetricPayload } from "@/lib/realtime/events";
import type { Rollup, Sample } from "./api-types";

export const LIVE_WINDOW_MS = 5 * 60_000;

export interface MetricPoint {
  /** Start of the bucket, ms since epoch. */
  t: number;
  variant: string;
  count: number;
  p50: number | null;
  p95: number | null;
  /** Calls per second over the bucket. */
  rate: number;
  /**
   * Mean bytes allocated per measured call (`MEMORY_PER_CALL_MEASURE`); null when no call of the
   * bucket was measured.
   */
  memBytes: number | null;
}

export type MetricKey = "p50" | "p95" | "rate" | "memBytes";

/**
 * A memory figure as drawn: bytes allocated are never negative, so a negative value is a heap
 * difference stored before the allocation meter (still within the samples' retention) and is
 * left out rather than drawn as an allocation.
 */
function allocated(bytes: number | null): number | null {
  return bytes !== null && bytes >= 0 ? bytes : null;
}

/** Appends a second's aggregates to the live store, replacing duplicates and dropping old ones. */
export function appendAggregates(old: MetricPayload[] | undefined, incoming: MetricPayload[], now: number): MetricPayload[] {
  const since = now - LIVE_WINDOW_MS;
  const fresh = new Set(incoming.map((a) => `${a.variant}|${a.at}`));
  const kept = (old ?? []).filter((a) => a.at >= since && !fresh.has(`${a.variant}|${a.at}`));
  return [...kept, ...incoming.filter((a) => a.at >= since)];
}

export function pointsFromAggregates(aggregates: readonly MetricPayload[]): MetricPoint[] {
  return aggregates.map((a) => ({
    t: a.at,
    variant: a.variant,
    count: a.count,
    p50: a.p50Ms,
    p95: a.p95Ms,
    rate: a.count,
    memBytes: allocated(a.memoryMeanBytes),
  }));
}

/** Per-second aggregates of raw samples, computed like the server's live stream (nearest-rank percentiles). */
export function pointsFromSamples(samples: readonly Sample[]): MetricPoint[] {
  const groups = new Map<string, { t: number; variant: string; d: number[]; memSum: number; memN: number }>();
  for (const s of samples) {
    const t = Math.floor(Date.parse(s.at) / 1000) * 1000;
    if (!Number.isFinite(t)) continue;
    const k = `${s.variant}|${t}`;
    let g = groups.get(k);
    if (!g) {
      g = { t, variant: s.variant, d: [], memSum: 0, memN: 0 };
      groups.set(k, g);
    }
    g.d.push(s.durationMs);
    const mem = allocated(s.memoryBytes);
    if (mem !== null) {
      g.memSum += mem;
      g.memN++;
    }
  }
  return [...groups.values()].map((g) => {
    const sorted = Float64Array.from(g.d).sort();
    return {
      t: g.t,
      variant: g.variant,
      count: sorted.length,
      p50: percentileSorted(sorted, 50),
      p95: percentileSorted(sorted, 95),
      rate: sorted.length,
      memBytes: g.memN > 0 ? g.memSum / g.memN : null,
    };
  });
}

export function pointsFromRollups(rollups: readonly Rollup[]): MetricPoint[] {
  return rollups.map((r) => ({
    t: Date.parse(r.minute),
    variant: r.variant,
    count: r.count,
    p50: r.p50Ms,
    p95: r.p95Ms,
    rate: r.count / 60,
    memBytes: allocated(r.memoryMeanBytes),
  }));
}

/** The live window: filled points overridden by live ones for the same (variant, second). */
export function mergeLiveWindow(fill: readonly MetricPoint[], live: readonly MetricPoint[], now: number): MetricPoint[] {
  const since = now - LIVE_WINDOW_MS;
  const byKey = new Map<string, MetricPoint>();
  for (const p of [...fill, ...live]) if (p.t >= since) byKey.set(`${p.variant}|${p.t}`, p);
  return [...byKey.values()].sort((a, b) => a.t - b.t);
}

/** Variants in display order: baseline first, then by name. */
export function variantsOf(points: readonly MetricPoint[]): string[] {
  const set = new Set(points.map((p) => p.variant));
  return [...set].sort((a, b) => (a === "baseline" ? -1 : b === "baseline" ? 1 : a.localeCompare(b)));
}

export type ChartRow = { t: number } & Record<string, number | null>;

/** One row per time bucket with one column per variant (recharts' data shape). */
export function pivot(points: readonly MetricPoint[], key: MetricKey, scale = 1): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const p of points) {
    const v = p[key];
    if (v === null || !Number.isFinite(v)) continue;
    let row = rows.get(p.t);
    if (!row) {
      row = { t: p.t } as ChartRow;
      rows.set(p.t, row);
    }
    row[p.variant] = v * scale;
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** Number of points with a value, per variant (shown as the charts' text legend). */
export function countPerVariant(points: readonly MetricPoint[], key: MetricKey): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) if (p[key] !== null) out.set(p.variant, (out.get(p.variant) ?? 0) + 1);
  return out;
}
