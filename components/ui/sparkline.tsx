import { variantStyle } from "@/lib/client/variant-style";
import styles from "./ui.module.css";

export interface SparkSeries {
  variant: string;
  points: { t: number; v: number }[];
}

/** A tiny multi-line chart (hand-drawn SVG: dozens of these re-render every second). */
export function Sparkline(props: { series: SparkSeries[]; from: number; to: number; width?: number; height?: number; label: string }) {
  const w = props.width ?? 180;
  const h = props.height ?? 36;
  let max = 0;
  for (const s of props.series) for (const p of s.points) max = Math.max(max, p.v);
  const span = Math.max(1, props.to - props.from);
  const x = (t: number) => ((t - props.from) / span) * (w - 2) + 1;
  const y = (v: number) => (max > 0 ? h - 2 - (v / max) * (h - 4) : h - 2);
  return (
    <svg className={styles.sparkline} width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <line x1={0} x2={w} y1={h - 1} y2={h - 1} stroke="var(--border)" />
      {props.series.map((s) => {
        const st = variantStyle(s.variant);
        const d = s.points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join("");
        return (
          <path key={s.variant} d={d} fill="none" stroke={st.color} strokeWidth={st.width === 2 ? 1.5 : 1.2} strokeDasharray={st.dash ? "3 2" : undefined} />
        );
      })}
    </svg>
  );
}
