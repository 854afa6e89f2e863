/**
 * Ports of the optimized (compact, columnar) market variants, next to ./ports (the baseline's).
 *
 * Design choice on dates: the column reads return `BarColumns` only, no `dates: string[]`. A held
 * bar then costs 44 B (Int32 day + 5 × Float64; 28 B with only the indicator fields), without
 * another ~8 B array slot + ~32 B string (10 one-byte chars + header) per bar. ISO dates are
 * derived on demand from the `day` column with {@link isoDate}, which memoizes one string per
 * distinct day: every symbol shares the same ~1,260 trading days, so the strings exist once for
 * the whole universe, and the only place that needs them (the series tail and `lastBarDate` of
 * the API result) pays a Map lookup per bar.
 */
import type { IndicatorParams } from "./indicators/params";
import type { IndicatorSet } from "./indicators/result";
import type { SnapshotRow } from "./ports";
import type { BarColumns } from "./types";

/** A price column of {@link BarColumns} (the `day` column is always read). */
export type PriceField = "open" | "high" | "low" | "close" | "volume";
export const ALL_PRICE_FIELDS: readonly PriceField[] = ["open", "high", "low", "close", "volume"];
/**
 * What the indicator kernels read (computeIndicatorsCompact uses close, high and low only).
 * Reading only these cuts the universe read by ~30 % (4 of 6 columns: ≈ 180 instead of ≈ 250 ms).
 */
export const INDICATOR_FIELDS: readonly PriceField[] = ["high", "low", "close"];

/**
 * Columnar bar reads (one symbol, or many in one batched read). `fields` (default: all) selects
 * the price columns to read; the others come back as zero-length arrays, so the bar count is
 * `cols.length` (never `cols.open.length`).
 */
export interface ColumnSource {
  /** The universe, in the same order as `BarSource.listSymbols` (the baseline's scan order). */
  listSymbols(): Promise<string[]>;
  /** One symbol's bars up to and including `asOf`, ascending; an unknown symbol gives length 0. */
  columnsUpTo(symbol: string, asOf: string, fields?: readonly PriceField[]): Promise<BarColumns>;
  /**
   * Bars up to `asOf` of `symbols` (default: the whole universe) in one batched read. Symbols
   * without any bar up to `asOf` are absent from the map; iteration follows the request order.
   */
  allColumnsUpTo(asOf: string, symbols?: readonly string[], fields?: readonly PriceField[]): Promise<Map<string, BarColumns>>;
}

/** One symbol's columns handed to an indicator pool. */
export interface IndicatorPoolItem {
  symbol: string;
  cols: BarColumns;
}

/**
 * A pool computing `computeIndicatorsCompact` off the calling thread (implemented with worker
 * threads in lib/server/workers; lib/market does not import the worker library). The items'
 * columns are left intact. The result has one set per distinct symbol, in request order.
 */
export interface IndicatorPoolPort {
  computeMany(items: readonly IndicatorPoolItem[], params: IndicatorParams): Promise<Map<string, IndicatorSet>>;
  /**
   * Optional: hands the sets of a `computeMany` result back for reuse of their memory. The sets
   * must not be read afterwards (their buffers will be overwritten by a later call).
   */
  release?(sets: Map<string, IndicatorSet>): void;
}

/** Snapshot storage that writes all rows of a snapshot in one statement. */
export interface BatchSnapshotStore {
  /** Inserts every row in one statement; returns how many rows were written. */
  insertMany(rows: readonly SnapshotRow[]): Promise<number>;
}

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Bounds the memo; 20 years of calendar days is ~7,300, so this is only a runaway guard. */
const MAX_CACHED_DAYS = 50_000;
const isoByDay = new Map<number, string>();

/** ISO `YYYY-MM-DD` of a day number (days since 1970-01-01 UTC), memoized per day. */
export function isoDate(day: number): string {
  let iso = isoByDay.get(day);
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoByDay.size >= MAX_CACHED_DAYS) isoByDay.clear();
    isoByDay.set(day, iso);
  }
  return iso;
}

/** Day number of an ISO `YYYY-MM-DD` date, or NaN when it is not a valid calendar date. */
export function dayNumber(iso: string): number {
  const m = ISO_DAY.exec(iso);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  // Rejects 02-30 & co. instead of rolling them over (Date.UTC would).
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return NaN;
  return ms / MS_PER_DAY;
}

/** ISO dates of every bar (strings shared through the {@link isoDate} memo). */
export function datesOf(cols: BarColumns): string[] {
  const out = new Array<string>(cols.length);
  for (let i = 0; i < cols.length; i++) out[i] = isoDate(cols.day[i]!);
  return out;
}

/** ISO date of the last bar, or null for no bars. */
export function lastBarDateOf(cols: BarColumns): string | null {
  return cols.length > 0 ? isoDate(cols.day[cols.length - 1]!) : null;
}

/** Zero-length columns (what an unknown symbol reads as). */
export function emptyColumns(symbol: string): BarColumns {
  return {
    symbol,
    length: 0,
    day: new Int32Array(0),
    open: new Float64Array(0),
    high: new Float64Array(0),
    low: new Float64Array(0),
    close: new Float64Array(0),
    volume: new Float64Array(0),
  };
}
