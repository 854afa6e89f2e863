/**
 * OPTIMIZED indicator batch on a worker pool ("async" variant): one batched columnar read, then
 * the compact kernels for all symbols on the pool's threads (IndicatorPoolPort, so lib/market
 * stays free of any worker library). Same signature and result as calculateIndicatorsBatch.
 */
import { computeIndicatorsCompact } from "../indicators/compact";
import { latestIndicators } from "../indicators/result";
import { emptyColumns, INDICATOR_FIELDS, type ColumnSource, type IndicatorPoolPort } from "../ports-compact";
import type { CalculateIndicatorsBatchInput, IndicatorsBatchResult } from "../services/calculate-indicators";
import { batchRow, type IndicatorsBatchRow } from "./indicators-memory";

/**
 * Variant of `calculateIndicatorsBatch`: read every requested symbol at once, compute them on the
 * pool, keep only the latest values and hand the series memory back to the pool. Unknown symbols
 * (no bars up to `asOf`) and repeated symbols give the same rows as the baseline.
 */
export async function calculateIndicatorsBatchParallel(
  deps: { columns: ColumnSource; pool: IndicatorPoolPort },
  input: CalculateIndicatorsBatchInput,
): Promise<IndicatorsBatchResult> {
  const all = await deps.columns.allColumnsUpTo(input.asOf, input.symbols, INDICATOR_FIELDS);
  const sets = await deps.pool.computeMany(
    [...all].map(([symbol, cols]) => ({ symbol, cols })),
    input.params,
  );
  try {
    const bySymbol = new Map<string, IndicatorsBatchRow>();
    const results = input.symbols.map((symbol) => {
      const seen = bySymbol.get(symbol);
      if (seen) return structuredClone(seen);
      const cols = all.get(symbol) ?? emptyColumns(symbol);
      // No bars: nothing worth a round trip, the (all-null) latest values are computed here.
      const set = sets.get(symbol) ?? computeIndicatorsCompact(cols, input.params);
      const row = batchRow(symbol, cols, latestIndicators(set));
      bySymbol.set(symbol, row);
      return row;
    });
    return { asOf: input.asOf, results };
  } finally {
    // latestIndicators copied what the result needs; the series buffers can be reused.
    deps.pool.release?.(sets);
  }
}
