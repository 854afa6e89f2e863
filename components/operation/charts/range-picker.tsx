"use client";
import { useEffect, useState, type FormEvent } from "react";
import { MAX_CUSTOM_SPAN_MS, type ChartRange, type RangeKind } from "@/lib/client/chart-range";
import styles from "./charts.module.css";

const OPTIONS: { value: RangeKind; label: string }[] = [
  { value: "live", label: "Live 5 min" },
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "custom", label: "Custom" },
];

/** `datetime-local` value (local time, minutes) of a time in ms. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/**
 * The charts' time range: preset windows as a radio group (arrow keys move between options), and
 * a custom from/to applied with a button (a drag on any chart also sets a custom range).
 */
export function RangePicker({ value, onChange }: { value: ChartRange; onChange: (r: ChartRange) => void }) {
  // Checked at once on a click; the URL (and so `value`) follows after the router's transition.
  const [selected, setSelected] = useState<RangeKind>(value.kind);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setSelected(value.kind);
    if (value.kind !== "custom") return;
    setFrom(localInput(value.from));
    setTo(localInput(value.to));
  }, [value]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = new Date(from).getTime();
    const t = new Date(to).getTime();
    if (!Number.isFinite(f) || !Number.isFinite(t) || t <= f) return setProblem("“to” must be after “from”.");
    if (t - f > MAX_CUSTOM_SPAN_MS) return setProblem("At most 31 days.");
    setProblem(null);
    onChange({ kind: "custom", from: f, to: t });
  };
  const pick = (k: RangeKind) => {
    setSelected(k);
    if (k !== "custom") return onChange({ kind: k });
    if (!from || !to) {
      const now = Date.now();
      setFrom(localInput(now - 3_600_000));
      setTo(localInput(now));
    }
  };

  return (
    <div className={styles.rangeBar}>
      <div role="radiogroup" aria-label="Chart range" className={styles.toolbar}>
        {OPTIONS.map((o) => (
          <label key={o.value}>
            <input
              type="radio"
              name="chart-window"
              value={o.value}
              checked={selected === o.value}
              onChange={() => pick(o.value)}
              data-testid={`window-${o.value}`}
            />
            {o.label}
          </label>
        ))}
      </div>
      {selected === "custom" && (
        <form className={styles.custom} onSubmit={apply} aria-label="Custom range">
          <input type="datetime-local" aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" required />
          <span>→</span>
          <input type="datetime-local" aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" required />
          <button type="submit" data-testid="range-apply">
            Show
          </button>
          {problem && (
            <span role="alert" className="muted">
              {problem}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
