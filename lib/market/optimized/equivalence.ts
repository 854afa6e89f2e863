/**
 * Equivalence checks between a baseline result and an optimized variant's result, for the
 * optimization engine. Each returns `{ equal: true }` or `{ equal: false, diff }` where `diff`
 * names the first differing path with both values, e.g.
 * `latest.bollinger.upper: baseline 123.4567, optimized 123.4568 (|Δ| 1.0e-4, rel 8.1e-7)`.
 *
 * Operations that write are compared on what each run computed (the signals detected, the alerts
 * raised, the snapshot rows built, the articles parsed), never on what it newly stored: the
 * shadow run's writes are discarded (lib/market/dry-run), and what a run newly stores depends on
 * what other runs stored before it, so a row the primary run already wrote is never a mismatch.
 */
import type { CrawlOutcome } from "../news/crawl-source";
import type { IndicatorsBatchResult, IndicatorsResult } from "../services/calculate-indicators";
import type { CheckPricesResult } from "../services/check-prices";
import type { GenerateSignalsResult } from "../services/generate-signals";
import type { TakeSnapshotResult } from "../services/take-snapshot";

export type Equivalence = { equal: true } | { equal: false; diff: string };

/** A pair of numbers passes when within `absTol` OR within `relTol` of the larger magnitude. */
export interface Tolerance {
  relTol: number;
  absTol: number;
}

/**
 * Default for indicator values. The compact kernels differ from the baseline by rounding only
 * (running sums instead of window sums, 100·G/(G+L) instead of 100 − 100/(1 + G/L)); on all 482
 * symbols of the real data set over their full history the largest relative difference is far
 * below 1e-9 (see tests/integration/variants.test.ts, which checks this tolerance).
 */
export const INDICATOR_TOLERANCE: Tolerance = { relTol: 1e-9, absTol: 1e-9 };
export const EXACT: Tolerance = { relTol: 0, absTol: 0 };

const OK: Equivalence = { equal: true };

function show(v: unknown): string {
  if (v === undefined) return "<missing>";
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (v instanceof Date) return v.toISOString();
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function mismatch(path: string, a: unknown, b: unknown, note = ""): string {
  return `${path || "(root)"}: baseline ${show(a)}, optimized ${show(b)}${note}`;
}

/** Number comparison with tolerance; null when equivalent, else the diff text. */
function compareNumbers(path: string, a: number, b: number, tol: Tolerance): string | null {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return null;
  const d = Math.abs(a - b);
  const rel = d / Math.max(Math.abs(a), Math.abs(b));
  // NaN on one side only: every comparison below is false, so it counts as a difference.
  if (d <= tol.absTol || rel <= tol.relTol) return null;
  // The size of the difference only helps when a tolerance was in play.
  const exact = tol.absTol === 0 && tol.relTol === 0;
  return mismatch(path, a, b, exact || !Number.isFinite(d) ? "" : ` (|Δ| ${d.toExponential(1)}, rel ${rel.toExponential(1)})`);
}

/** Element label: `[3]`, or `[3 AAPL]` for rows that carry a symbol (readable batch diffs). */
function label(path: string, i: number, v: unknown): string {
  const sym = v !== null && typeof v === "object" && typeof (v as { symbol?: unknown }).symbol === "string" ? ` ${(v as { symbol: string }).symbol}` : "";
  return `${path}[${i}${sym}]`;
}

/** Structural deep comparison: numbers with tolerance, everything else exactly. */
export function deepCompare(a: unknown, b: unknown, tol: Tolerance, path = ""): string | null {
  if (typeof a === "number" && typeof b === "number") return compareNumbers(path, a, b, tol);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime() ? null : mismatch(path, a, b);
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a, b) ? null : mismatch(path, a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return mismatch(path, a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return mismatch(`${path}.length`, a.length, b.length);
    for (let i = 0; i < a.length; i++) {
      const d = deepCompare(a[i], b[i], tol, label(path, i, a[i]));
      if (d) return d;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])]) {
    const d = deepCompare(ra[key], rb[key], tol, path ? `${path}.${key}` : key);
    if (d) return d;
  }
  return null;
}

function verdict(diff: string | null): Equivalence {
  return diff === null ? OK : { equal: false, diff };
}

/** `calculateIndicators` results: every field, every series point, numbers within `tol`. */
export function indicatorsResultEquivalent(baseline: IndicatorsResult, optimized: IndicatorsResult, tol = INDICATOR_TOLERANCE): Equivalence {
  return verdict(deepCompare(baseline, optimized, tol));
}

/** `calculateIndicatorsBatch` results: same rows in the same order, latest values within `tol`. */
export function indicatorsBatchEquivalent(baseline: IndicatorsBatchResult, optimized: IndicatorsBatchResult, tol = INDICATOR_TOLERANCE): Equivalence {
  return verdict(deepCompare(baseline, optimized, tol));
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

/**
 * Signal details embed values printed with 2 decimals (`RSI 28.51 fell below 30`); a rounding
 * difference far below the tolerance can still flip the last printed digit, so the text must
 * match with its numbers within one unit of the last printed decimal.
 */
function compareDetail(path: string, a: string, b: string): string | null {
  if (a === b) return null;
  const na = a.match(NUMBER) ?? [];
  const nb = b.match(NUMBER) ?? [];
  const same =
    a.replace(NUMBER, "#") === b.replace(NUMBER, "#") && na.length === nb.length && na.every((x, i) => Math.abs(Number(x) - Number(nb[i])) <= 0.0100001);
  return same ? null : mismatch(path, a, b);
}

/**
 * `generateSignals` results: same date, scanned and detected counts, and the same SET of detected
 * signals (order-insensitive, keyed by symbol/date/kind), values within `tol`. `inserted` is not
 * compared: it is whatever of those signals were not stored yet when the run wrote.
 */
export function signalsResultEquivalent(baseline: GenerateSignalsResult, optimized: GenerateSignalsResult, tol = INDICATOR_TOLERANCE): Equivalence {
  for (const k of ["asOf", "symbolsScanned", "detected"] as const) {
    if (baseline[k] !== optimized[k]) return verdict(mismatch(k, baseline[k], optimized[k]));
  }
  const key = (s: { symbol: string; date: string; kind: string }) => `${s.symbol} ${s.date} ${s.kind}`;
  const opt = new Map(optimized.signals.map((s) => [key(s), s]));
  if (opt.size !== optimized.signals.length)
    return verdict(`signals: optimized has duplicate signals (${optimized.signals.length} rows, ${opt.size} distinct)`);
  for (const s of baseline.signals) {
    const o = opt.get(key(s));
    if (!o) return verdict(`signals[${key(s)}]: only in baseline (value ${show(s.value)}, "${s.detail}")`);
    opt.delete(key(s));
    const d =
      (s.value === null || o.value === null
        ? s.value === o.value
          ? null
          : mismatch(`signals[${key(s)}].value`, s.value, o.value)
        : compareNumbers(`signals[${key(s)}].value`, s.value, o.value, tol)) ?? compareDetail(`signals[${key(s)}].detail`, s.detail, o.detail);
    if (d) return verdict(d);
  }
  const extra = [...opt.values()][0];
  return extra ? verdict(`signals[${key(extra)}]: only in optimized (value ${show(extra.value)}, "${extra.detail}")`) : OK;
}

/**
 * `checkPrices` results: same date and scan count, and identical alerts raised, in the same order
 * (the variant keeps the baseline's order). `alerts` (the newly stored ones) is not compared.
 */
export function priceCheckEquivalent(baseline: CheckPricesResult, optimized: CheckPricesResult): Equivalence {
  const computed = (r: CheckPricesResult) => ({ date: r.date, scanned: r.scanned, found: r.found });
  return verdict(deepCompare(computed(baseline), computed(optimized), EXACT));
}

/** `takeSnapshot` results: same row count and market date, and the same rows (by their digest). */
export function snapshotEquivalent(baseline: TakeSnapshotResult, optimized: TakeSnapshotResult): Equivalence {
  const computed = (r: TakeSnapshotResult) => ({ rows: r.rows, marketDate: r.marketDate, digest: r.digest });
  return verdict(deepCompare(computed(baseline), computed(optimized), EXACT));
}

/**
 * News crawl outcomes, source by source: same source and status with the same counts of items
 * fetched, parsed and dropped (timings and attempt counts are ignored; so are `inserted` and
 * `duplicates`, which split the parsed articles by what was stored already). One accepted
 * difference: the optimized crawl's conditional GET turns a feed unchanged since the last stored
 * crawl into `not_modified` (an HTTP 304 from the feed's server), where the baseline downloads
 * and parses it again (`ok`). Whether that feed held articles new to the store is not evidence
 * against the 304: the baseline's write may be what made them stored.
 */
export function crawlOutcomeEquivalent(baseline: readonly CrawlOutcome[], optimized: readonly CrawlOutcome[]): Equivalence {
  if (baseline.length !== optimized.length) return verdict(mismatch("outcomes.length", baseline.length, optimized.length));
  for (let i = 0; i < baseline.length; i++) {
    const a = baseline[i]!;
    const b = optimized[i]!;
    const at = `outcomes[${i} ${a.source}]`;
    if (a.source !== b.source) return verdict(mismatch(`${at}.source`, a.source, b.source));
    if (a.status === "ok" && b.status === "not_modified") continue;
    if (a.status !== b.status) return verdict(mismatch(`${at}.status`, a.status, b.status));
    if ((a.status === "ok" || a.status === "not_modified") && (b.status === "ok" || b.status === "not_modified")) {
      for (const k of ["fetched", "parsed", "dropped"] as const) {
        if (a[k] !== b[k]) return verdict(mismatch(`${at}.${k}`, a[k], b[k]));
      }
    } else if (a.status === "failed" && b.status === "failed") {
      const d = deepCompare(
        { kind: a.error.kind, httpStatus: a.error.httpStatus },
        { kind: b.error.kind, httpStatus: b.error.httpStatus },
        EXACT,
        `${at}.error`,
      );
      if (d) return verdict(d);
    }
  }
  return OK;
}
