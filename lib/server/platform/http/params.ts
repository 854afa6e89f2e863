import { SYMBOL } from "../../../market/import/validate-bar";
import { z } from "zod";

// Shared string schemas for every route's params, queries and bodies. Input that Postgres or Date
// cannot hold (NUL bytes, year +275760, February 30) is refused here with the field named (422),
// instead of failing deeper as a 500.

/** C0 controls and DEL: Postgres text cannot hold NUL, and none of them belong in a name or a filter. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** The same, but tab and line breaks are allowed (notes, comments, reasons). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Text safe to store and to filter by: at most `max` characters, no NUL or other control
 * characters (tab and line breaks only when `multiline`), trimmed unless `trim: false`.
 */
export function safeText(opts: { max: number; min?: number; multiline?: boolean; trim?: boolean }) {
  const base = opts.trim === false ? z.string() : z.string().trim();
  const bad = opts.multiline ? CONTROL_CHARS_MULTILINE : CONTROL_CHARS;
  return base
    .min(opts.min ?? 0)
    .max(opts.max)
    .refine((s) => !bad.test(s), opts.multiline ? "control characters are not allowed" : "control characters (including NUL) are not allowed");
}

/** A ticker as stored (upper-case, e.g. `BRK.B`); lower-case input is normalised. */
export const symbolSchema = z.string().max(20).trim().toUpperCase().regex(SYMBOL, "not a valid ticker symbol");

// Dates outside this range are no product's data (the price history starts in the 1990s) and
// several of them (year 0, negative or 6-digit years) are not representable in Postgres `date`.
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date `YYYY-MM-DD` between 1900 and 2200 (no `2016-02-30`, no `9999-99-99`). */
export const isoDateSchema = z
  .string()
  .max(10)
  .regex(DATE_RE, "expected YYYY-MM-DD")
  // zod runs this check even when the regex failed: it must not assume the format.
  .refine((s) => {
    const m = DATE_RE.exec(s);
    return m === null || isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }, `not a calendar date between ${MIN_YEAR} and ${MAX_YEAR}`)
  .meta({ description: `A calendar date, ${MIN_YEAR}–${MAX_YEAR}.`, examples: ["2016-02-29"] });

// ISO 8601 date-time with a 4-digit year; `Date.parse` alone accepts Feb 30 (rolls it over) and
// ±6-digit years, so the calendar parts are checked here.
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseInstant(s: string): number | null {
  const m = DATETIME_RE.exec(s);
  if (!m) {
    const d = DATE_RE.exec(s);
    if (!d || !isCalendarDate(Number(d[1]), Number(d[2]), Number(d[3]))) return null;
    return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
  }
  const [, y, mo, d, h, mi, sec] = m;
  if (!isCalendarDate(Number(y), Number(mo), Number(d))) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

const INSTANT_MESSAGE = `expected an ISO date-time with offset (e.g. 2026-01-31T12:00:00Z) between ${MIN_YEAR} and ${MAX_YEAR}`;

/** An ISO date-time with an offset, as epoch milliseconds; a real calendar date in the supported range. */
export const isoTime = z
  .string()
  .max(40)
  .refine((s) => DATETIME_RE.test(s) && parseInstant(s) !== null, INSTANT_MESSAGE)
  .meta({ description: `ISO 8601 date-time with an offset, ${MIN_YEAR}–${MAX_YEAR}.`, examples: ["2026-01-31T12:00:00Z", "2026-01-31T13:00:00.000+01:00"] })
  .transform((s) => parseInstant(s)!);

/** A time-range bound in a query: an ISO date-time with offset or a date (`YYYY-MM-DD`, UTC midnight), as a Date. */
export const instantQuerySchema = z
  .string()
  .max(40)
  .refine((s) => parseInstant(s) !== null, INSTANT_MESSAGE)
  .meta({
    description: `ISO 8601 date-time with an offset, or a date (UTC midnight), ${MIN_YEAR}–${MAX_YEAR}.`,
    examples: ["2026-01-31T12:00:00Z", "2026-01-31"],
  })
  .transform((s) => new Date(parseInstant(s)!));

/** `?limit=`: an integer in [1, max]; digits only (no `1e400`, `-0x1`, `Infinity`). */
export const limitSchema = (max: number, dflt: number) =>
  z
    .string()
    .max(12)
    .regex(/^\d+$/, "expected a positive integer")
    .meta({ description: `1 to ${max}; default ${dflt}.`, examples: ["1", String(dflt), String(max)] })
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()
    .transform((n) => n ?? dflt);

/** Comma-separated integer periods in a query string, e.g. `sma=20,50`. */
export const periodListSchema = z
  .string()
  .regex(/^\d{1,3}(,\d{1,3}){0,7}$/, "expected comma-separated periods, e.g. 20,50")
  .meta({ examples: ["20,50"] })
  .transform((s) => s.split(",").map(Number));

/** An operation name (`service.operation`), or `process` for process-wide alerts. */
export const operationName = z
  .string()
  .max(100)
  .regex(/^([a-z][a-z0-9-]*\.[a-z][a-z0-9-]*|process)$/, "not an operation name (service.operation)");
/** A variant: `baseline`, `all`, or strategies joined by `+`. */
export const variantName = z
  .string()
  .max(100)
  .regex(/^(baseline|all|[a-z]+(\+[a-z]+)*)$/, "not a variant (baseline or strategies joined by +)");
