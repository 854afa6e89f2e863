"use client";
// Charts of this panel are canvas (uPlot): the recharts SVG version rebuilt every chart's SVG each
// second and ran the page at 3.6 fps at 10 calls/s. recharts is no longer used by this panel; it
// would only serve small static charts where SVG's DOM (text selection, CSS) matters more than
// redraw cost, and none of those exist in the operation page today.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { bucketMs, chartRangeParams, parseChartRange, rangeBounds, type ChartRange } from "@/lib/client/chart-range";
import { FrameBuilder, type SeriesFrame } from "@/lib/client/chart-series";
import { countPerVariant, variantsOf, type MetricKey } from "@/lib/client/metric-points";
import { useNow } from "@/lib/client/use-now";
import { assignVariantStyles, type VariantStyle } from "@/lib/client/variant-style";
import { formatMb, formatMs, formatRate } from "@/lib/format";
import { MEMORY_PER_CALL_MEASURE } from "@/lib/optimizer/types";
import { Panel } from "../../panel";
import { RangePicker } from "./range-picker";
import { TimeSeriesChart, type ChartSeries, type TimeSeriesData } from "./time-series-chart";
import { useAnnotations } from "./use-annotations";
import { useMetricPoints } from "./use-metric-points";
import { VariantLegend } from "./variant-legend";
import styles from "./charts.module.css";

const Y_AXIS_PX = 76;

/** Plot width in CSS pixels of one chart of the two-column grid (buckets beyond it are merged). */
function usePlotWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(480);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(120, Math.round((el.clientWidth - 12) / 2 - Y_AXIS_PX)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

/** Variants in display order, the same array while the set is unchanged, and their page-stable styles. */
function useVariants(points: Parameters<typeof variantsOf>[0]) {
  const list = variantsOf(points);
  const key = list.join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by content, not identity
  const variants = useMemo(() => list, [key]);
  const assigned = useRef<Map<string, VariantStyle>>(new Map());
  const styleMap = useMemo(() => {
    assigned.current = assignVariantStyles(variants, assigned.current);
    return assigned.current;
  }, [variants]);
  return { variants, styleMap };
}

function dataOf(frame: SeriesFrame, metric: MetricKey): TimeSeriesData {
  return { x: frame.x, ys: frame.y[metric], nonNull: frame.nonNull[metric] };
}

/** Before/after charts of one operation: p50, p95, throughput and memory per call, per variant. */
export function LiveCharts({ operation }: { operation: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const range = useMemo(() => parseChartRange(params), [params]);
  const setRange = useCallback(
    (r: ChartRange) => {
      const qs = chartRangeParams(r, new URLSearchParams(params.toString())).toString();
      router.replace(qs ? `${path}?${qs}` : path, { scroll: false });
    },
    [params, path, router],
  );
  const onZoom = useCallback(
    (from: number, to: number) => setRange({ kind: "custom", from: Math.floor(from / 1000) * 1000, to: Math.ceil(to / 1000) * 1000 }),
    [setRange],
  );

  const isLive = range.kind === "live";
  const now = useNow(isLive ? 1000 : 30_000);
  const { points, loading, error, retry, truncated } = useMetricPoints(operation, range, now);
  const { variants, styleMap } = useVariants(points);
  const markers = useAnnotations(operation);
  const { ref, width } = usePlotWidth();
  const { from, to } = rangeBounds(range, now);

  const builder = useRef<FrameBuilder>(null);
  builder.current ??= new FrameBuilder();
  const frame = useMemo(() => builder.current!.build(points, variants, from, to, bucketMs(range), width), [points, variants, from, to, range, width]);
  const series = useMemo<ChartSeries[]>(
    () => variants.map((v) => ({ label: v === "baseline" ? "baseline" : v, style: styleMap.get(v)! })),
    [variants, styleMap],
  );
  const data = useMemo(
    () => ({ p50: dataOf(frame, "p50"), p95: dataOf(frame, "p95"), rate: dataOf(frame, "rate"), memBytes: dataOf(frame, "memBytes") }),
    [frame],
  );
  const hasData = (m: MetricKey) => frame.nonNull[m].some((n) => n > 0);

  const empty = isLive
    ? "Not enough data: no calls of this operation in the last 5 minutes."
    : range.kind === "custom" && bucketMs(range) === 1000
      ? "Not enough data: no calls of this operation in this range."
      : "Not enough data: no per-minute rollups in this window yet (they are written every minute).";
  const emptyFor = (m: MetricKey, text = empty) => (hasData(m) ? null : loading ? "Loading…" : text);
  const common = { series, from, to, markers, onZoom };

  return (
    <Panel title="Before / after" aside={<RangePicker value={range} onChange={setRange} />} error={error} onRetry={retry} testId="charts">
      <div ref={ref}>
        <div data-testid="chart-latency" aria-busy={loading}>
          <div className={styles.pair}>
            <TimeSeriesChart {...common} title="p50 latency" data={data.p50} format={formatMs} emptyText={emptyFor("p50")} />
            <TimeSeriesChart {...common} title="p95 latency" data={data.p95} format={formatMs} emptyText={emptyFor("p95")} />
          </div>
          <VariantLegend variants={variants} styles={styleMap} counts={countPerVariant(points, "p95")} markers={markers.length > 0} />
        </div>
        <div className={styles.pair}>
          <TimeSeriesChart
            {...common}
            title="Throughput (calls/s)"
            data={data.rate}
            format={formatRate}
            axisFormat={(v) => String(Number(v.toPrecision(3)))}
            yMin={0}
            emptyText={emptyFor("rate")}
          />
          <TimeSeriesChart
            {...common}
            title="Memory allocated per call (mean of measured calls)"
            data={data.memBytes}
            format={formatMb}
            yMin={0}
            emptyText={emptyFor("memBytes", "Not enough data: no call in this window had its memory measured.")}
          />
        </div>
      </div>
      <p className={`muted ${styles.note}`}>
        {bucketMs(range) === 1000 ? "Per-second aggregates" : "Per-minute rollups"}
        {frame.merged > 1 && ` (${frame.merged} per pixel column: lowest and highest drawn)`}, local time. Drag across a chart to zoom. Shadow runs count under
        their variant.
        {truncated && ` ${truncated}`}
      </p>
      <p className={`muted ${styles.note}`} data-testid="memory-measure">
        Memory per call: {MEMORY_PER_CALL_MEASURE}.
      </p>
    </Panel>
  );
}
