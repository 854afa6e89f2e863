"use client";
import { useMemo } from "react";
import { axisTime } from "@/lib/format";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { pivot, type ChartRow, type MetricKey, type MetricPoint } from "@/lib/client/metric-points";
import { variantStyle } from "@/lib/client/variant-style";
import styles from "./charts.module.css";

/**
 * One metric over time, one line per variant (baseline grey dashed, optimized solid). The plot
 * box has a fixed height so nothing below moves when data arrives.
 */
export function MetricChart(props: {
  title: string;
  metric: MetricKey;
  points: MetricPoint[];
  variants: string[];
  from: number;
  to: number;
  withSeconds: boolean;
  /** Tooltip values (with units). */
  format: (v: number) => string;
  /** Axis ticks (defaults to `format`); the unit may be in the title instead. */
  axisFormat?: (v: number) => string;
  emptyText: string;
}) {
  const rows = useMemo(() => pivot(props.points, props.metric), [props.points, props.metric]);
  const { format, withSeconds } = props;
  const axisFormat = props.axisFormat ?? format;
  return (
    <figure className={styles.chart} style={{ margin: 0 }}>
      <figcaption className={styles.chartTitle}>{props.title}</figcaption>
      <div className={styles.plot}>
        {rows.length === 0 ? (
          <div className={styles.noData}>{props.emptyText}</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="2 4" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[props.from, props.to]}
                allowDataOverflow
                tickFormatter={(v: number) => axisTime(v, withSeconds)}
                stroke="var(--muted)"
                fontSize={11}
                minTickGap={24}
              />
              <YAxis tickFormatter={(v: number) => (v === 0 ? "0" : axisFormat(v))} stroke="var(--muted)" fontSize={11} width={72} />
              <Tooltip
                contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
                labelFormatter={(label) => (typeof label === "number" ? new Date(label).toLocaleString() : label)}
                formatter={(value, name) => [typeof value === "number" ? format(value) : String(value), name]}
              />
              {props.variants.map((v) => {
                const st = variantStyle(v);
                return (
                  <Line
                    key={v}
                    name={v}
                    dataKey={(row: ChartRow) => row[v] ?? null}
                    stroke={st.color}
                    strokeWidth={st.width}
                    strokeDasharray={st.dash}
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                    type="linear"
                  />
                );
              })}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
