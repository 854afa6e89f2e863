import { variantStyle } from "@/lib/client/variant-style";
import styles from "./charts.module.css";

/** Text legend of the latency chart: each variant's line style and number of points shown. */
export function VariantLegend({ variants, counts }: { variants: string[]; counts: Map<string, number> }) {
  return (
    <ul className={styles.legend} aria-label="Series">
      {variants.map((v) => {
        const st = variantStyle(v);
        const n = counts.get(v) ?? 0;
        return (
          <li key={v}>
            <span className={styles.swatch} data-dashed={st.dash ? "true" : "false"} style={{ borderColor: st.color }} />
            <span>{v === "baseline" ? "baseline" : `optimized: ${v}`}</span>
            <span className="muted" data-testid={`series-count-${v}`} data-count={n}>
              {n} {n === 1 ? "point" : "points"}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
