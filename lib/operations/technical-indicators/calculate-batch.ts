import { DEFAULT_INDICATOR_PARAMS } from "../../market/indicators/params";
import {
  calculateIndicatorsBatch as baseline,
  type CalculateIndicatorsBatchInput,
  type IndicatorsBatchResult,
} from "../../market/services/calculate-indicators";
import { calculateIndicatorsBatchCompact } from "../../market/optimized/indicators-memory";
import { calculateIndicatorsBatchParallel } from "../../market/optimized/indicators-async";
import { indicatorsBatchEquivalent } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { marketContext, operationModule } from "../operation-module";

/** `technical-indicators.calculate-batch`: the latest indicators of many symbols at once. */
export const calculateIndicatorsBatch = operationModule("technical-indicators.calculate-batch", (deps) =>
  defineOperation({
    name: "technical-indicators.calculate-batch",
    service: "technical-indicators",
    title: "Indicators for a batch of symbols",
    key: (i: CalculateIndicatorsBatchInput) => i.symbols.join(","),
    sideEffects: false,
    equivalent: indicatorsBatchEquivalent,
    strategies: [
      replaceStrategy<CalculateIndicatorsBatchInput, IndicatorsBatchResult>("memory", "One batched columnar read for all symbols, O(n) rolling windows", (i) =>
        calculateIndicatorsBatchCompact({ columns: deps.columns }, i),
      ),
      // Replaces the memory implementation (it includes its columnar read): the variant is `async`.
      replaceStrategy<CalculateIndicatorsBatchInput, IndicatorsBatchResult>(
        "async",
        "Batched columnar read, compute on a 2-thread worker pool with transferred buffers",
        (i) => calculateIndicatorsBatchParallel({ columns: deps.columns, pool: deps.workers }, i),
      ),
    ],
    timeoutMs: 60_000,
    memoryThresholdMb: 200,
    baseline: (i) => baseline({ bars: deps.bars }, i),
    benchmarkInputs: async () => {
      const m = await marketContext(deps);
      if (!m) return null;
      return (i) => ({
        symbols: Array.from({ length: 50 }, (_, k) => m.symbols[(i * 50 + k) % m.symbols.length]!),
        asOf: m.asOf,
        params: DEFAULT_INDICATOR_PARAMS,
      });
    },
  }),
);
