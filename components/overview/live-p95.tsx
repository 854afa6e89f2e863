"use client";
import { useMemo } from "react";
import { LIVE_WINDOW_MS, pointsFromAggregates, variantsOf } from "@/lib/client/metric-points";
import { variantStyle } from "@/lib/client/variant-style";
import { formatMs } from "@/lib/format";
import { Sparkline, type SparkSeries } from "../ui/sparkline";
import { useLiveAggregates } from "../live/use-live-aggregates";
import styles from "./overview.module.css";

/** Live p95 latency of one operation per variant over the last five minutes. */
export function LiveP95({ operation }: { operation: string }) {
  const aggregates = useLiveAggregates(operation);
  const view = useMemo(() => {
    const points = pointsFromAggregates(aggregates);
    const to = points.reduce((m, p) => Math.max(m, p.t), 0);
    const series: SparkSeries[] = variantsOf(points).map((variant) => ({
      variant,
      points: points.filter((p) => p.variant === variant && p.p95 !== null).map((p) => ({ t: p.t, v: p.p95! })),
    }));
    return { series, to, from: to - LIVE_WINDOW_MS };
  }, [aggregates]);

  if (view.series.length === 0) {
    return (
      <div className={styles.spark}>
        <span className="muted">waiting for live calls…</span>
      </div>
    );
  }
  return (
    <div className={styles.spark} data-testid={`sparkline-${operation}`}>
      <Sparkline series={view.series} from={view.from} to={view.to} label={`p95 latency of ${operation}, last 5 minutes`} />
      <div className={styles.latest}>
        {view.series.map((s) => {
          const last = s.points[s.points.length - 1];
          return (
            <span key={s.variant} style={{ color: variantStyle(s.variant).color }}>
              {s.variant} {last ? formatMs(last.v) : "—"}
            </span>
          );
        })}
      </div>
    </div>
  );
}
