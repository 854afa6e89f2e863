"use client";
import styles from "./charts.module.css";

export type ChartWindow = "live" | "1h" | "24h";

const OPTIONS: { value: ChartWindow; label: string }[] = [
  { value: "live", label: "Live 5 min" },
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
];

/** The charts' time window, as a radio group (arrow keys move between options). */
export function WindowSelect({ value, onChange }: { value: ChartWindow; onChange: (w: ChartWindow) => void }) {
  return (
    <div role="radiogroup" aria-label="Chart window" className={styles.toolbar}>
      {OPTIONS.map((o) => (
        <label key={o.value}>
          <input type="radio" name="chart-window" value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} data-testid={`window-${o.value}`} />
          {o.label}
        </label>
      ))}
    </div>
  );
}
