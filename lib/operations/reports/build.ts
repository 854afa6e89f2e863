import { DEFAULT_INDICATOR_PARAMS } from "../../market/indicators/params";
import { buildReport as baseline, type BuildReportInput, type MarketReport } from "../../market/services/build-report";
import { calculateIndicatorsBatchCompact } from "../../market/optimized/indicators-memory";
import { deepCompare, INDICATOR_TOLERANCE } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { marketContext, operationModule } from "../operation-module";

/** `reports.build`: the market report (indicators, signals, top movers, news counts) for a list of symbols. */
export const buildReport = operationModule("reports.build", (deps) => {
  const ports = { bars: deps.bars, prices: deps.prices, signals: deps.signals, news: deps.news };
  return defineOperation({
    name: "reports.build",
    service: "reports",
    title: "Market report for a list of symbols",
    key: (i: BuildReportInput) => i.symbols.join(","),
    sideEffects: false,
    equivalent: (a: MarketReport, b: MarketReport) => {
      const d = deepCompare(a, b, INDICATOR_TOLERANCE);
      return d === null ? ({ equal: true } as const) : ({ equal: false, diff: d } as const);
    },
    strategies: [
      replaceStrategy<BuildReportInput, MarketReport>("memory", "Indicators of all report symbols from one batched columnar read", (i, cx) =>
        baseline(ports, i, cx.progress, (symbols) =>
          calculateIndicatorsBatchCompact({ columns: deps.columns }, { symbols, asOf: i.asOf, params: i.params }).then((r) => r.results),
        ),
      ),
    ],
    queueable: true,
    timeoutMs: 120_000,
    baseline: (i, cx) => baseline(ports, i, cx.progress),
    benchmarkInputs: async () => {
      const m = await marketContext(deps);
      if (!m) return null;
      return (i) => ({
        symbols: Array.from({ length: 10 }, (_, k) => m.symbols[(i * 10 + k) % m.symbols.length]!),
        asOf: m.asOf,
        params: DEFAULT_INDICATOR_PARAMS,
      });
    },
  });
});
