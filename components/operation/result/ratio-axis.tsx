import { formatRatioChange } from "@/lib/format";
import styles from "./result.module.css";

/** Half-width of the axis in log2 units: ×0.5 … ×2, symmetric so "twice as slow" and "twice as fast" look alike. */
const SPAN = 1;
const TICKS = [0.5, 0.8, 1, 1.25, 2];

/** Position (0…100 %) of a ratio on the log axis, clamped; `clamped` says which end it passed. */
function pos(r: number): { at: number; clamped: "low" | "high" | null } {
  const l = Math.log2(r);
  if (l < -SPAN) return { at: 0, clamped: "low" };
  if (l > SPAN) return { at: 100, clamped: "high" };
  return { at: ((l + SPAN) / (2 * SPAN)) * 100, clamped: null };
}

export interface AxisInterval {
  kind: "live" | "benchmark";
  label: string;
  ratio: number | null;
  low: number | null;
  high: number | null;
  verdict?: string;
}

function Row({ iv }: { iv: AxisInterval }) {
  if (iv.ratio === null || iv.low === null || iv.high === null) {
    return (
      <div className={styles.row}>
        <span className={styles.rowLabel}>{iv.label}: no interval yet</span>
      </div>
    );
  }
  const lo = pos(iv.low);
  const hi = pos(iv.high);
  const mid = pos(iv.ratio);
  return (
    <div className={styles.row} data-testid={`axis-${iv.kind}`}>
      <span
        className={styles.bar}
        data-kind={iv.kind}
        data-verdict={iv.verdict}
        style={{ left: `${lo.at}%`, width: `${Math.max(hi.at - lo.at, 0.8)}%` }}
        aria-hidden="true"
      />
      <span className={styles.point} data-kind={iv.kind} style={{ left: `${mid.at}%` }} aria-hidden="true" />
      {lo.clamped === "low" && (
        <span className={styles.clamp} style={{ left: 0 }} aria-hidden="true">
          ◀
        </span>
      )}
      {hi.clamped === "high" && (
        <span className={styles.clamp} style={{ right: 0 }} aria-hidden="true">
          ▶
        </span>
      )}
      <span className="sr-only">
        {iv.label}: {formatRatioChange(iv.ratio)} [{formatRatioChange(iv.low)}, {formatRatioChange(iv.high)}]
      </span>
    </div>
  );
}

/**
 * Intervals of the duration ratio (optimized ÷ baseline) on a fixed log axis ×0.5…×2 with the
 * no-change line in the middle: the same scale on every card, so widths compare across cards.
 */
export function RatioAxis({ intervals }: { intervals: AxisInterval[] }) {
  return (
    <div className={styles.axis}>
      <div style={{ position: "relative" }}>
        <span className={styles.zero} style={{ left: "50%" }} aria-hidden="true" />
        {intervals.map((iv) => (
          <Row key={iv.kind} iv={iv} />
        ))}
      </div>
      <div className={styles.ticks} aria-hidden="true">
        {TICKS.map((t) => (
          <span key={t} className={styles.tick} style={{ left: `${pos(t).at}%` }}>
            ×{t}
          </span>
        ))}
      </div>
      <p className={styles.caption}>
        Duration optimized ÷ baseline, log scale; left of the line is faster. Solid: live analysis (always-valid interval); dashed: latest benchmark (95% CI). ◀
        ▶: beyond the axis.
      </p>
    </div>
  );
}
