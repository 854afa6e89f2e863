import type { ReactNode } from "react";
import { humanize } from "@/lib/format";
import styles from "./evidence.module.css";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A number with at most 4 significant decimals (evidence values are measured, often long floats). */
export function formatEvidenceNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  return abs >= 100 ? v.toFixed(1) : abs >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

function label(key: string): string {
  return humanize(key);
}

/** Any JSON value as readable nested definition lists (no raw braces). */
export function JsonValue({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value === "number") return <span className="mono">{formatEvidenceNumber(value)}</span>;
  if (typeof value === "boolean") return <span>{value ? "yes" : "no"}</span>;
  if (typeof value === "string") return ISO.test(value) ? <span>{new Date(value).toLocaleString()}</span> : <span>{value}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.every((v) => typeof v !== "object" || v === null)) return <span>{value.map((v) => String(v)).join(", ")}</span>;
    return (
      <ol className={styles.kv} style={{ display: "block", paddingLeft: 18 }}>
        {value.map((v, i) => (
          <li key={i}>
            <JsonValue value={v} />
          </li>
        ))}
      </ol>
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className={styles.kv}>
      {entries.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{label(k)}</dt>
          <dd>
            <JsonValue value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
