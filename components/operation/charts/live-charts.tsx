"use client";
import { useState } from "react";
import { countPerVariant, LIVE_WINDOW_MS, variantsOf } from "@/lib/client/metric-points";
import { useNow } from "@/lib/client/use-now";
import { formatMb, formatMs, formatRate } from "@/lib/format";
import { Panel } from "../../panel";
import { MetricChart } from "./metric-chart";
import { useMetricPoints } from "./use-metric-points";
import { VariantLegend } from "./variant-legend";
import { WindowSelect, type ChartWindow } from "./window-select";
import styles from "./charts.module.css";

const SPAN_MS: Record<ChartWindow, number> = { live: LIVE_WINDOW_MS, "1h": 3_600_000, "24h": 86_400_000 };

/** Before/after charts of one operation: p50, p95, throughput and memory per call, per variant. */
export function LiveCharts({ operation }: { operation: string }) {
  const [window, setWindow] = useState<ChartWindow>("live");
  const now = useNow(window === "live" ? 1000 : 30_000);
  const { points, loading, error, retry, truncated } = useMetricPoints(operation, window, now);
  const variants = variantsOf(points);
  const from = now - SPAN_MS[window];
  const common = { points, variants, from, to: now, withSeconds: window === "live" };
  const empty =
    window === "live"
      ? "Not enough data: no calls of this operation in the last 5 minutes."
      : "Not enough data: no per-minute rollups in this window yet (they are written every minute).";

  return (
    <Panel title="Before / after" aside={<WindowSelect value={window} onChange={setWindow} />} error={error} onRetry={retry} testId="charts">
      <div data-testid="chart-latency" aria-busy={loading}>
        <div className={styles.pair}>
          <MetricChart {...common} title="p50 latency" metric="p50" format={formatMs} emptyText={loading ? "Loading…" : empty} />
          <MetricChart {...common} title="p95 latency" metric="p95" format={formatMs} emptyText={loading ? "Loading…" : empty} />
        </div>
        <VariantLegend variants={variants} counts={countPerVariant(points, "p95")} />
      </div>
      <div className={styles.pair}>
        <MetricChart {...common} title="Throughput (calls/s)" metric="rate" format={formatRate} axisFormat={(v) => String(Number(v.toPrecision(3)))} emptyText={loading ? "Loading…" : empty} />
        <MetricChart {...common} title="Memory per call (mean heap delta of measured calls)" metric="memBytes" format={formatMb} emptyText={loading ? "Loading…" : "Not enough data: no call in this window had its memory measured."} />
      </div>
      <p className={`muted ${styles.note}`}>
        {window === "live" ? "Per-second aggregates" : "Per-minute rollups"}, local time. Shadow runs count under their variant.
        {truncated && " The initial fill holds only the newest 10,000 samples of the window."}
      </p>
    </Panel>
  );
}
