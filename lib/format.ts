/** Display formatting shared by the pages: every number carries its unit. */
export function formatPct(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${v > 0 ? "+" : ""}${v.toFixed(digits)}%`;
}

export function formatPrice(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return Math.round(v).toLocaleString("en-US");
}

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (v < 1000) return `${v.toFixed(v < 10 ? 2 : 0)} ms`;
  return `${(v / 1000).toFixed(2)} s`;
}

/** Local time of day for timestamps (ISO strings or Dates). */
export function formatTime(v: string | Date | null | undefined): string {
  if (!v) return "—";
  const d = typeof v === "string" ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? "—" : d.toLocaleTimeString();
}

export function formatDateTime(v: string | Date | null | undefined): string {
  if (!v) return "—";
  const d = typeof v === "string" ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? "—" : d.toLocaleString();
}

const MB = 1024 * 1024;

/** Bytes as MB (memory per call is bytes allocated during the call: never negative). */
export function formatMb(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "—";
  const mb = bytes / MB;
  const abs = Math.abs(mb);
  return `${mb.toFixed(abs >= 100 ? 0 : abs >= 1 ? 2 : 3)} MB`;
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return "—";
  return `${perSecond.toFixed(perSecond >= 10 ? 0 : perSecond >= 1 ? 1 : 2)} calls/s`;
}

/** A duration in seconds as `1h 02m`, `3m 05s` or `12.3 s`. */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "—";
  const neg = s < 0;
  const a = Math.abs(s);
  let out: string;
  if (a < 60) out = `${a.toFixed(a < 10 ? 1 : 0)} s`;
  else if (a < 3600) out = `${Math.floor(a / 60)}m ${String(Math.floor(a % 60)).padStart(2, "0")}s`;
  else out = `${Math.floor(a / 3600)}h ${String(Math.floor((a % 3600) / 60)).padStart(2, "0")}m`;
  return neg ? `-${out}` : out;
}

export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

export const VERDICT_LABEL: Record<string, string> = {
  faster: "faster",
  slower: "slower",
  no_detectable_difference: "no detectable difference",
  insufficient_data: "not enough data",
};

/** Time of day for chart axes, in local time (with seconds for the live window). */
export function axisTime(ms: number, withSeconds: boolean): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", ...(withSeconds ? { second: "2-digit" } : {}) });
}

/** Date and time without the year (tables with many rows). */
export function formatShortDateTime(v: string | null | undefined): string {
  if (!v) return "—";
  const d = new Date(v);
  return Number.isNaN(d.getTime())
    ? "—"
    : d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** Words for the identifiers the API sends (states, strategies, rules, evidence keys). */
const WORDS: Record<string, string> = {
  rolled_back: "rolled back",
  memory_optimization: "memory optimization",
  regressionPct: "regression",
  error_rate: "error rate",
  mismatch_rate: "mismatch rate",
  latency_regression: "latency regression",
  memory_regression: "memory regression",
  memory_high: "memory high",
  response_slow: "slow responses",
  cpu_high: "CPU high",
  nBaseline: "baseline calls",
  nOptimized: "optimized calls",
  ratioLow: "ratio (low)",
  ratioHigh: "ratio (high)",
  pValue: "p-value",
  ciLowPct: "CI low",
  ciHighPct: "CI high",
  improvementPct: "improvement",
  boundaryZ: "boundary (z)",
  minSamples: "minimum samples",
};

/**
 * An identifier as words: known ones from the table, otherwise snake_case and camelCase split
 * (`canary_25` → "canary 25%", `detectableRatio` → "detectable ratio").
 */
export function humanize(key: string | null | undefined): string {
  if (!key) return "—";
  const known = WORDS[key];
  if (known) return known;
  const canary = /^canary_(\d+(?:\.\d+)?)$/.exec(key);
  if (canary) return `canary ${canary[1]}%`;
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_.]+/g, " ")
    .toLowerCase();
}

/** A duration ratio (optimized ÷ baseline) as a signed change of typical duration: 0.82 → "−18.0%". */
export function formatRatioChange(r: number | null | undefined, digits = 1): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  const pct = (r - 1) * 100;
  const sign = pct > 0.05 ? "+" : pct < -0.05 ? "−" : "";
  return `${sign}${Math.abs(pct).toFixed(digits)}%`;
}

/** A share 0…1 as a percentage ("0.35%"). */
export function formatShare(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${(v * 100).toFixed(digits)}%`;
}

/** A rollout percentage as the server stores it (it may be fractional). */
export function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** An optimization state in words: "off", "shadow", "canary 25%", "on", "rolled back". */
export function stateLabel(state: string, percent?: number | null): string {
  if (state === "canary") return percent == null ? "canary" : `canary ${formatPercent(percent)}`;
  return state === "rolled_back" ? "rolled back" : state;
}
