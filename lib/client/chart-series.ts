/**
 * Chart points laid out for a canvas time-series chart (uPlot's aligned columns): one x column
 * of bucket times in seconds and, per metric, one column per variant with null where a bucket
 * has no value. Columns are preallocated and reused while their length is unchanged (the live
 * window is always 301 one-second slots), so a live update allocates nothing per point.
 *
 * When a range holds more buckets than the plot has pixels (24 h = 1,440 minutes on a ~500 px
 * plot), buckets are merged `k` at a time and each merged slot keeps its minimum and maximum as
 * two x positions: a spike stays visible, where a mean or a stride would hide it. Pure; no React.
 */
import type { MetricKey, MetricPoint } from "./metric-points";

export const CHART_METRICS = ["p50", "p95", "rate", "memBytes"] as const satisfies readonly MetricKey[];

export interface SeriesFrame {
  /** Bucket times in seconds since the epoch (uPlot's time unit). */
  x: Float64Array;
  /** Per metric, one column per variant (same order as `variants`). */
  y: Record<MetricKey, (number | null)[][]>;
  variants: readonly string[];
  /** Per metric and variant: buckets with a value (drawn as dots when few). */
  nonNull: Record<MetricKey, number[]>;
  /** Buckets merged per slot (1 = every bucket drawn). */
  merged: number;
}

function column(reuse: (number | null)[] | undefined, n: number): (number | null)[] {
  const c = reuse && reuse.length === n ? reuse : new Array<number | null>(n);
  c.fill(null);
  return c;
}

/** Reuses the columns of the previous frame of the same chart when their length is unchanged. */
export class FrameBuilder {
  private x = new Float64Array(0);
  private cols = new Map<string, (number | null)[]>();

  build(points: readonly MetricPoint[], variants: readonly string[], from: number, to: number, stepMs: number, maxSlots: number): SeriesFrame {
    const start = Math.floor(from / stepMs) * stepMs;
    const buckets = Math.max(1, Math.floor((to - start) / stepMs) + 1);
    const merged = buckets > maxSlots ? Math.ceil(buckets / Math.max(1, Math.floor(maxSlots / 2))) : 1;
    const slots = merged === 1 ? buckets : Math.ceil(buckets / merged) * 2;

    if (this.x.length !== slots) this.x = new Float64Array(slots);
    const x = this.x;
    if (merged === 1) for (let i = 0; i < slots; i++) x[i] = (start + i * stepMs) / 1000;
    else
      for (let c = 0; c < slots / 2; c++) {
        x[2 * c] = (start + c * merged * stepMs) / 1000;
        x[2 * c + 1] = (start + (c * merged + merged / 2) * stepMs) / 1000;
      }

    const index = new Map(variants.map((v, i) => [v, i]));
    const y = {} as SeriesFrame["y"];
    const nonNull = {} as SeriesFrame["nonNull"];
    for (const m of CHART_METRICS) {
      y[m] = variants.map((v) => {
        const key = `${m}|${v}`;
        const c = column(this.cols.get(key), slots);
        this.cols.set(key, c);
        return c;
      });
      nonNull[m] = variants.map(() => 0);
    }

    for (const p of points) {
      const vi = index.get(p.variant);
      if (vi === undefined || p.t < start || p.t > to) continue;
      const b = Math.floor((p.t - start) / stepMs);
      if (b >= buckets) continue;
      for (const m of CHART_METRICS) {
        const v = p[m];
        if (v === null || !Number.isFinite(v)) continue;
        const col = y[m][vi]!;
        if (merged === 1) {
          if (col[b] === null) nonNull[m][vi]!++;
          col[b] = v;
          continue;
        }
        const lo = 2 * Math.floor(b / merged);
        const min = col[lo] ?? null;
        const max = col[lo + 1] ?? null;
        if (min === null) nonNull[m][vi]! += 2;
        if (min === null || v < min) col[lo] = v;
        if (max === null || v > max) col[lo + 1] = v;
      }
    }
    return { x, y, variants, nonNull, merged };
  }
}
