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
