/**
 * OPTIMIZED indicator services ("memory" variants): columnar reads of only what the kernels use
 * (day, high, low, close: 28 B per held bar instead of a ~250 B `Bar` object), O(n) compact
 * kernels, and one batched read for a whole batch. Same signatures and results as
 * calculateIndicators / calculateIndicatorsBatch (checked by ./equivalence).
 */
import { computeIndicatorsCompact, computeIndicatorsCompactInto, createIndicatorScratch } from "../indicators/compact";
import { latestIndicators } from "../indicators/result";
import { datesOf, emptyColumns, INDICATOR_FIELDS, lastBarDateOf, type ColumnSource } from "../ports-compact";
import {
  toIndicatorsResult,
  type CalculateIndicatorsBatchInput,
  type CalculateIndicatorsInput,
  type IndicatorsBatchResult,
  type IndicatorsResult,
} from "../services/calculate-indicators";
import type { BarColumns } from "../types";

/** Batch result row of one symbol (the shape of `IndicatorsBatchResult["results"][number]`). */
export type IndicatorsBatchRow = IndicatorsBatchResult["results"][number];

/** One batch row from a symbol's columns and its latest values (shared by the batch variants). */
export function batchRow(symbol: string, cols: BarColumns, latest: IndicatorsBatchRow["latest"]): IndicatorsBatchRow {
  return { symbol, bars: cols.length, lastBarDate: lastBarDateOf(cols), latest };
}

/** Variant of `calculateIndicators`: one symbol's columns, compact kernels, same API result. */
export async function calculateIndicatorsCompact(deps: { columns: ColumnSource }, input: CalculateIndicatorsInput): Promise<IndicatorsResult> {
  const cols = await deps.columns.columnsUpTo(input.symbol, input.asOf, INDICATOR_FIELDS);
  const set = computeIndicatorsCompact(cols, input.params);
  return toIndicatorsResult(input, datesOf(cols), cols.close, set);
}

/**
 * Variant of `calculateIndicatorsBatch`: ONE batched read for every requested symbol, then the
 * compact kernels symbol by symbol; each set is reduced to its latest values right away, so only
 * one symbol's series are alive at a time. Unknown symbols and duplicates give the same rows as
 * the baseline (0 bars; one row per requested occurrence).
 */
export async function calculateIndicatorsBatchCompact(deps: { columns: ColumnSource }, input: CalculateIndicatorsBatchInput): Promise<IndicatorsBatchResult> {
  const all = await deps.columns.allColumnsUpTo(input.asOf, input.symbols, INDICATOR_FIELDS);
  const bySymbol = new Map<string, IndicatorsBatchRow>();
  // latestIndicators copies what the row needs at once: one scratch serves every symbol.
  const scratch = createIndicatorScratch();
  const results = input.symbols.map((symbol) => {
    const seen = bySymbol.get(symbol);
    // A repeated symbol gets its own copy, as the baseline returns independent objects.
    if (seen) return structuredClone(seen);
    const cols = all.get(symbol) ?? emptyColumns(symbol);
    const row = batchRow(symbol, cols, latestIndicators(computeIndicatorsCompactInto(cols, input.params, scratch)));
    bySymbol.set(symbol, row);
    return row;
  });
  return { asOf: input.asOf, results };
}
