import type { Verdict } from "@/lib/client/api-types";
import { formatPct } from "@/lib/format";
import styles from "./comparisons.module.css";

const COLOR: Record<Verdict, string> = {
  faster: "var(--up)",
  slower: "var(--down)",
  no_detectable_difference: "var(--muted)",
  insufficient_data: "var(--muted)",
};

/**
 * The improvement with its 95% CI as an error bar, on a scale shared by every row of the table
 * (`domain`), with the zero line: a bar that crosses zero shows no detectable difference.
 */
export function CiBar(props: { value: number | null; low: number | null; high: number | null; verdict: Verdict; domain: [number, number] }) {
  const w = 110;
  const h = 18;
  const [d0, d1] = props.domain;
  const span = d1 - d0 || 1;
  const x = (v: number) => 4 + ((v - d0) / span) * (w - 8);
  const color = COLOR[props.verdict];
  const label =
    props.value === null
      ? "no estimate"
      : `improvement ${formatPct(props.value, 1)}${props.low !== null && props.high !== null ? `, 95% CI ${formatPct(props.low, 1)} to ${formatPct(props.high, 1)}` : ""}`;
  return (
    <svg className={styles.ci} width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <line x1={x(0)} x2={x(0)} y1={0} y2={h} stroke="var(--border)" strokeWidth={1} />
      {props.low !== null && props.high !== null && (
        <g stroke={color} strokeWidth={1.5}>
          <line x1={x(props.low)} x2={x(props.high)} y1={h / 2} y2={h / 2} />
          <line x1={x(props.low)} x2={x(props.low)} y1={4} y2={h - 4} />
          <line x1={x(props.high)} x2={x(props.high)} y1={4} y2={h - 4} />
        </g>
      )}
      {props.value !== null && <circle cx={x(props.value)} cy={h / 2} r={3.5} fill={color} />}
    </svg>
  );
}

/** A symmetric-enough domain containing zero and every value and interval bound. */
export function ciDomain(rows: { improvementPct: number | null; ciLowPct: number | null; ciHighPct: number | null }[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const r of rows) {
    for (const v of [r.improvementPct, r.ciLowPct, r.ciHighPct]) {
      if (v === null || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const pad = (hi - lo) * 0.05 || 1;
  return [lo - pad, hi + pad];
}
