import { SYMBOL } from "../../../market/import/validate-bar";
import { z } from "zod";

/** A ticker as stored (upper-case, e.g. `BRK.B`); lower-case input is normalised. */
export const symbolSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(SYMBOL, "not a valid ticker symbol");

export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

export const limitSchema = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

/** Comma-separated integer periods in a query string, e.g. `sma=20,50`. */
export const periodListSchema = z
  .string()
  .regex(/^\d{1,3}(,\d{1,3}){0,7}$/, "expected comma-separated periods, e.g. 20,50")
  .transform((s) => s.split(",").map(Number));

/** An operation name (`service.operation`), or `process` for process-wide alerts. */
export const operationName = z.string().regex(/^([a-z][a-z0-9-]*\.[a-z][a-z0-9-]*|process)$/, "not an operation name (service.operation)");
/** A variant: `baseline`, `all`, or strategies joined by `+`. */
export const variantName = z.string().regex(/^(baseline|all|[a-z]+(\+[a-z]+)*)$/, "not a variant (baseline or strategies joined by +)");
/** An ISO date-time with an offset, as epoch milliseconds. */
export const isoTime = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
