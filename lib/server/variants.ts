import type pg from "pg";
import { indicatorsBatchEquivalent, indicatorsResultEquivalent, signalsResultEquivalent, priceCheckEquivalent, crawlOutcomeEquivalent, deepCompare, INDICATOR_TOLERANCE } from "../market/optimized/equivalence";
import { calculateIndicatorsBatchCompact, calculateIndicatorsCompact } from "../market/optimized/indicators-memory";
import { calculateIndicatorsBatchParallel } from "../market/optimized/indicators-async";
import { checkPricesIncremental } from "../market/optimized/prices-incremental";
import { generateSignalsCompact, generateSignalsParallel } from "../market/optimized/signals-memory";
import { takeSnapshotBatched } from "../market/optimized/snapshot-batched";
import { crawlSource, type CrawlOutcome } from "../market/news/crawl-source";
import type { NewsSourceConfig, NewsSourceName } from "../market/news/sources";
import { buildReport, type BuildReportInput, type MarketReport } from "../market/services/build-report";
import type { CalculateIndicatorsBatchInput, CalculateIndicatorsInput, IndicatorsBatchResult, IndicatorsResult } from "../market/services/calculate-indicators";
import type { CheckPricesInput, CheckPricesResult } from "../market/services/check-prices";
import type { GenerateSignalsInput, GenerateSignalsResult } from "../market/services/generate-signals";
import type { TakeSnapshotResult } from "../market/services/take-snapshot";
import { replaceStrategy } from "../optimizer/strategies/replace";
import type { Broadcaster } from "../realtime/events";
import { pgColumnSource } from "./domains/market/pg-columns";
import { pgBatchSnapshotStore } from "./domains/market/pg-snapshots-batched";
import { pgNewsStore, pgPriceAlertStore, pgPriceStore, pgSignalStore, pgBarSource } from "./domains/market/pg-stores";
import { createIndicatorPool } from "./platform/workers/indicator-pool";

/**
 * The optimized variants of the market operations, bound to their Postgres ports and the worker
 * pool, as engine strategies; and the equivalence checks the engine uses in shadow mode.
 */
export function optimizedVariants(deps: {
  pool: pg.Pool;
  broadcaster: Broadcaster;
  newsSources: NewsSourceConfig[];
  universe: () => Promise<Set<string>>;
}) {
  const { pool, broadcaster } = deps;
  const columns = pgColumnSource(pool);
  const workers = createIndicatorPool({ threads: 2 });
  const signals = pgSignalStore(pool);
  const prices = pgPriceStore(pool);
  const news = pgNewsStore(pool);

  const batchCompact = (symbols: string[], input: BuildReportInput) =>
    calculateIndicatorsBatchCompact({ columns }, { symbols, asOf: input.asOf, params: input.params }).then((r) => r.results);

  return {
    indicatorsMemory: replaceStrategy<CalculateIndicatorsInput, IndicatorsResult>(
      "memory",
      "Columnar Float64Array bars read in one binary query, O(n) rolling windows",
      (i) => calculateIndicatorsCompact({ columns }, i),
    ),
    batchMemory: replaceStrategy<CalculateIndicatorsBatchInput, IndicatorsBatchResult>(
      "memory",
      "One batched columnar read for all symbols, O(n) rolling windows",
      (i) => calculateIndicatorsBatchCompact({ columns }, i),
    ),
    batchAsync: replaceStrategy<CalculateIndicatorsBatchInput, IndicatorsBatchResult>(
      "async",
      "Batched columnar read, compute on a 2-thread worker pool with transferred buffers",
      (i) => calculateIndicatorsBatchParallel({ columns, pool: workers }, i),
    ),
    signalsMemory: replaceStrategy<GenerateSignalsInput, GenerateSignalsResult>(
      "memory",
      "One batched columnar read of the universe, compact kernels",
      (i) => generateSignalsCompact({ columns, signals, broadcaster }, i),
    ),
    signalsAsync: replaceStrategy<GenerateSignalsInput, GenerateSignalsResult>(
      "async",
      "One batched columnar read, kernels on the worker pool",
      (i) => generateSignalsParallel({ columns, signals, broadcaster, pool: workers }, i),
    ),
    pricesMemory: replaceStrategy<CheckPricesInput, CheckPricesResult>(
      "memory",
      "Watch list indexed by symbol once per tick (incremental state instead of a full scan per price)",
      (i) => checkPricesIncremental({ alerts: pgPriceAlertStore(pool), broadcaster }, i),
    ),
    snapshotBatched: replaceStrategy<{ takenAt: Date }, TakeSnapshotResult>(
      "async",
      "One INSERT … SELECT FROM unnest(...) instead of a round trip per row",
      (i) => takeSnapshotBatched({ prices, snapshots: pgBatchSnapshotStore(pool) }, i),
    ),
    crawlConditional: (name: NewsSourceName) =>
      replaceStrategy<Record<string, never>, CrawlOutcome>("async", "Conditional GET (ETag / Last-Modified): an unchanged feed costs a 304", async () => {
        const source = deps.newsSources.find((s) => s.name === name)!;
        const outcome = await crawlSource(source, { store: news, universe: await deps.universe(), now: () => new Date(), useConditionalGet: true });
        if (outcome.status === "ok" && outcome.inserted > 0) broadcaster.publish("news:new", { source: name, inserted: outcome.inserted }, "market");
        return outcome;
      }),
    reportMemory: replaceStrategy<BuildReportInput, MarketReport>(
      "memory",
      "Indicators of all report symbols from one batched columnar read",
      (i, cx) => buildReport({ bars: pgBarSource(pool), prices, signals, news }, i, cx.progress, (symbols) => batchCompact(symbols, i)),
    ),
    equivalence: {
      indicators: indicatorsResultEquivalent,
      indicatorsBatch: indicatorsBatchEquivalent,
      signals: signalsResultEquivalent,
      prices: priceCheckEquivalent,
      crawl: (a: CrawlOutcome, b: CrawlOutcome) => crawlOutcomeEquivalent([a], [b]),
      report: (a: MarketReport, b: MarketReport) => {
        const d = deepCompare(a, b, INDICATOR_TOLERANCE);
        return d === null ? ({ equal: true } as const) : ({ equal: false, diff: d } as const);
      },
    },
    close: () => workers.close(),
  };
}
