"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { pointsFromAggregates, pointsFromRollups, variantsOf, type MetricPoint } from "@/lib/client/metric-points";
import { rollupSparkQuery } from "@/lib/client/queries";
import { variantStyle } from "@/lib/client/variant-style";
import { formatMs } from "@/lib/format";
import { Sparkline, type SparkSeries } from "../ui/sparkline";
import { useLiveAggregates } from "../live/use-live-aggregates";
import styles from "./overview.module.css";

const WINDOW_MIN = 30;

/**
 * p95 latency of one operation per variant over the last 30 minutes: per-minute rollups loaded
 * once, continued by the live per-second aggregates from where they start (a minute's rollup is
 * written only after the minute ends, so the two never cover the same time).
 */
export function LiveP95({ operation }: { operation: string }) {
  const aggregates = useLiveAggregates(operation);
  const rollups = useQuery(rollupSparkQuery(operation, WINDOW_MIN));
  const view = useMemo(() => {
    const live = pointsFromAggregates(aggregates);
    const liveFrom = live.reduce((m, p) => Math.min(m, p.t), Infinity);
    const filled = pointsFromRollups(rollups.data ?? []).filter((p) => p.t + 60_000 <= liveFrom);
    const points: MetricPoint[] = [...filled, ...live];
    const to = Math.max(
      Date.now(),
      points.reduce((m, p) => Math.max(m, p.t), 0),
    );
    const series: SparkSeries[] = variantsOf(points).map((variant) => ({
      variant,
      points: points
        .filter((p) => p.variant === variant && p.p95 !== null)
        .sort((a, b) => a.t - b.t)
        .map((p) => ({ t: p.t, v: p.p95! })),
    }));
    return { series: series.filter((s) => s.points.length > 0), to, from: to - WINDOW_MIN * 60_000, live: live.length > 0 };
  }, [aggregates, rollups.data]);

  if (view.series.length === 0) {
    return (
      <div className={styles.spark}>
        <span className="muted">{rollups.isPending ? "loading…" : "no calls in the last 30 min"}</span>
      </div>
    );
  }
  return (
    <div className={styles.spark} data-testid={`sparkline-${operation}`}>
      <Sparkline series={view.series} from={view.from} to={view.to} label={`p95 latency of ${operation}, last 30 minutes`} />
      <div className={styles.latest}>
        {view.series.map((s) => {
          const last = s.points[s.points.length - 1];
          return (
            <span key={s.variant} style={{ color: variantStyle(s.variant).color }}>
              {s.variant} {last ? formatMs(last.v) : "—"}
            </span>
          );
        })}
        {!view.live && <span className="muted">per minute; live when calls arrive</span>}
      </div>
    </div>
  );
}
