import { DEFAULT_INDICATOR_PARAMS } from "../../market/indicators/params";
import { generateSignals as baseline, type GenerateSignalsInput, type GenerateSignalsResult } from "../../market/services/generate-signals";
import { generateSignalsCompact, generateSignalsParallel } from "../../market/optimized/signals-memory";
import { signalsResultEquivalent } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { streamStrategy } from "../../optimizer/strategies/stream";
import { marketContext, operationModule, writePorts } from "../operation-module";

/** `signal-generator.generate`: crosses, RSI and Bollinger signals for the whole universe at a date. */
export const generateSignals = operationModule("signal-generator.generate", (deps) => {
  // A shadow run stores and publishes nothing: its result is the signals it detected.
  const writes = writePorts(deps);
  return defineOperation({
    name: "signal-generator.generate",
    service: "signal-generator",
    title: "Signals for the universe",
    key: (i: GenerateSignalsInput) => i.asOf,
    sideEffects: true,
    idempotent: true,
    shadowWritesDiscarded: true,
    equivalent: signalsResultEquivalent,
    strategies: [
      replaceStrategy<GenerateSignalsInput, GenerateSignalsResult>("memory", "One batched columnar read of the universe, compact kernels", (i, cx) =>
        generateSignalsCompact({ columns: deps.columns, ...writes(cx) }, i),
      ),
      // Replaces the memory implementation (it includes its columnar read): the variant is `async`.
      replaceStrategy<GenerateSignalsInput, GenerateSignalsResult>("async", "One batched columnar read, kernels on the worker pool", (i, cx) =>
        generateSignalsParallel({ columns: deps.columns, ...writes(cx), pool: deps.workers }, i),
      ),
      streamStrategy<GenerateSignalsInput, GenerateSignalsResult>({
        description: "Broadcasts each analysis result to the dashboard as it is produced",
        publish: (r) =>
          deps.broadcaster.publish(
            "analysis:update",
            { asOf: r.asOf, symbolsScanned: r.symbolsScanned, detected: r.detected, inserted: r.inserted.length },
            "market",
          ),
      }),
    ],
    timeoutMs: 60_000,
    memoryThresholdMb: 150,
    baseline: (i, cx) => baseline({ bars: deps.bars, ...writes(cx) }, i),
    benchmarkInputs: async () => {
      const m = await marketContext(deps);
      return m && (() => ({ asOf: m.asOf, params: DEFAULT_INDICATOR_PARAMS }));
    },
  });
});
