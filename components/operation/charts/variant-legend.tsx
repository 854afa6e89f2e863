import type { VariantStyle } from "@/lib/client/variant-style";
import styles from "./charts.module.css";

/** Text legend of the charts: each variant's line style and number of points shown, and the markers. */
export function VariantLegend({
  variants,
  styles: byVariant,
  counts,
  markers,
}: {
  variants: string[];
  styles: ReadonlyMap<string, VariantStyle>;
  counts: Map<string, number>;
  markers: boolean;
}) {
  return (
    <ul className={styles.legend} aria-label="Series">
      {variants.map((v) => {
        const st = byVariant.get(v);
        const n = counts.get(v) ?? 0;
        return (
          <li key={v}>
            <span className={styles.swatch} data-dashed={st?.dash ? "true" : "false"} style={{ borderColor: st?.color }} />
            <span>{v === "baseline" ? "baseline" : `optimized: ${v}`}</span>
            <span className="muted" data-testid={`series-count-${v}`} data-count={n}>
              {n} {n === 1 ? "point" : "points"}
            </span>
          </li>
        );
      })}
      {markers && (
        <>
          <li>
            <span className={styles.markerSwatch} style={{ borderColor: "#4da3ff" }} />
            <span className="muted">state change</span>
          </li>
          <li>
            <span className={styles.markerSwatch} style={{ borderColor: "#ff7b72" }} />
            <span className="muted">rollback</span>
          </li>
        </>
      )}
    </ul>
  );
}
