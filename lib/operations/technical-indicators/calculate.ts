import { indicatorParamsKey, DEFAULT_INDICATOR_PARAMS } from "../../market/indicators/params";
import { calculateIndicators as baseline, type CalculateIndicatorsInput, type IndicatorsResult } from "../../market/services/calculate-indicators";
import { calculateIndicatorsCompact } from "../../market/optimized/indicators-memory";
import { indicatorsResultEquivalent } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { cacheStrategy } from "../../optimizer/strategies/cache";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { marketContext, operationModule } from "../operation-module";

/** `technical-indicators.calculate`: the seven indicators of one symbol at a market date. */
export const calculateIndicators = operationModule("technical-indicators.calculate", (deps) => {
  // Keyed by symbol + params + the last bar date (the clock), so a new bar is a new key; the
  // market-clock job also drops every entry on each tick (`invalidateCaches`).
  const cache = cacheStrategy<CalculateIndicatorsInput, IndicatorsResult>({
    key: (i) => `${i.symbol}|${indicatorParamsKey(i.params)}|${i.asOf}|${i.points}`,
    ttlMs: 600_000,
    max: 2_000,
    // ~100 late-replay full series, or thousands of the usual 60-point answers.
    maxBytes: 64 * 1024 * 1024,
  });
  return defineOperation({
    name: "technical-indicators.calculate",
    service: "technical-indicators",
    title: "Indicators for one symbol",
    key: (i: CalculateIndicatorsInput) => i.symbol,
    sideEffects: false,
    equivalent: indicatorsResultEquivalent,
    strategies: [
      replaceStrategy<CalculateIndicatorsInput, IndicatorsResult>("memory", "Columnar Float64Array bars read in one binary query, O(n) rolling windows", (i) =>
        calculateIndicatorsCompact({ columns: deps.columns }, i),
      ),
      cache,
    ],
    queueable: true,
    timeoutMs: 5_000,
    memoryThresholdMb: 200,
    baseline: (i) => baseline({ bars: deps.bars }, i),
    // Requests concentrate on a few symbols, as on a real market page: 10 hot symbols, so a
    // cache sees the hit ratio it would see in production (each first request misses).
    benchmarkInputs: async () => {
      const m = await marketContext(deps);
      if (!m) return null;
      return (i) => ({ symbol: m.symbols[((i % 10) * 7) % m.symbols.length]!, asOf: m.asOf, params: DEFAULT_INDICATOR_PARAMS, points: 60 });
    },
  });
});
