import type pg from "pg";
import { env } from "../env";
import { indicatorParamsKey } from "../market/indicators/params";
import { crawlSource, type CrawlOutcome } from "../market/news/crawl-source";
import { defaultNewsSources, type NewsSourceConfig, type NewsSourceName } from "../market/news/sources";
import { advanceClock } from "../market/services/advance-clock";
import { buildReport } from "../market/services/build-report";
import { calculateIndicators, calculateIndicatorsBatch, type IndicatorsResult } from "../market/services/calculate-indicators";
import { checkPrices } from "../market/services/check-prices";
import { generateSignals, type GenerateSignalsResult } from "../market/services/generate-signals";
import { takeSnapshot } from "../market/services/take-snapshot";
import type { Engine } from "../optimizer/engine";
import { defineOperation } from "../optimizer/operation";
import { cacheStrategy } from "../optimizer/strategies/cache";
import { streamStrategy } from "../optimizer/strategies/stream";
import { replaceStrategy } from "../optimizer/strategies/replace";
import { crawlAllConcurrent } from "../market/optimized/news-concurrent";
import type { Broadcaster } from "../realtime/events";
import {
  pgBarSource,
  pgClockStore,
  pgNewsStore,
  pgPriceAlertStore,
  pgPriceStore,
  pgSignalStore,
  pgSnapshotStore,
} from "./domains/market/pg-stores";
import { optimizedVariants } from "./variants";

type IndicatorsInput = Parameters<typeof calculateIndicators>[1];
type BatchInput = Parameters<typeof calculateIndicatorsBatch>[1];
type SignalsInput = Parameters<typeof generateSignals>[1];
type PricesInput = Parameters<typeof checkPrices>[1];
type SnapshotInput = Parameters<typeof takeSnapshot>[1];
type ReportInput = Parameters<typeof buildReport>[1];

/**
 * Registers every service operation with the engine, bound to its Postgres/Socket.IO ports, with
 * its equivalence check and the strategies that may apply. Routes and jobs call
 * `services.call(services.ops.x, input)`: through the engine, never the service function directly.
 */
export function createServices(deps: { pool: pg.Pool; broadcaster: Broadcaster; engine: Engine }) {
  const { pool, broadcaster, engine } = deps;
  const bars = pgBarSource(pool);
  const clock = pgClockStore(pool);
  const prices = pgPriceStore(pool);
  const signals = pgSignalStore(pool);
  const news = pgNewsStore(pool);
  const alerts = pgPriceAlertStore(pool);
  const snapshots = pgSnapshotStore(pool);
  const newsSources = defaultNewsSources({
    investing: { url: env.NEWS_INVESTING_URL, timeoutMs: env.NEWS_TIMEOUT_MS },
    yahoo: { url: env.NEWS_YAHOO_URL, timeoutMs: env.NEWS_TIMEOUT_MS },
  });
  let universe: Set<string> | null = null;
  const universeSet = async () => (universe ??= new Set(await bars.listSymbols()));
  const v = optimizedVariants({ pool, broadcaster, newsSources, universe: universeSet });

  // Keyed by symbol + params + the last bar date (the clock), so a new bar is a new key.
  const indicatorsCache = cacheStrategy<IndicatorsInput, IndicatorsResult>({
    key: (i) => `${i.symbol}|${indicatorParamsKey(i.params)}|${i.asOf}|${i.points}`,
    ttlMs: 600_000,
    max: 2_000,
  });

  const crawl = (name: NewsSourceName) =>
    engine.register(
      defineOperation({
        name: `news-crawlers.${name}`,
        service: "news-crawlers",
        title: `Crawl the ${name} feed`,
        key: () => name,
        sideEffects: true,
        idempotent: true,
        equivalent: v.equivalence.crawl,
        strategies: [v.crawlConditional(name)],
        baseline: async (): Promise<CrawlOutcome> => {
          const source = newsSources.find((s) => s.name === name) as NewsSourceConfig;
          const outcome = await crawlSource(source, { store: news, universe: await universeSet(), now: () => new Date() });
          if (outcome.status === "ok" && outcome.inserted > 0) broadcaster.publish("news:new", { source: name, inserted: outcome.inserted }, "market");
          return outcome;
        },
      }),
    );

  const crawlInvesting = crawl("investing");
  const crawlYahoo = crawl("yahoo");
  // Every crawler is its own operation; the fan-out over them is one too, so its `async`
  // optimization (all sources at once, per-host limit) is measured against the sequential baseline.
  const limitPerHost = 2;
  const crawlerOf = { investing: crawlInvesting, yahoo: crawlYahoo } satisfies Record<NewsSourceName, unknown>;
  const crawlAll = engine.register(
    defineOperation({
      name: "news-crawlers.crawl-all",
      service: "news-crawlers",
      title: "Crawl every news source",
      key: () => "all",
      sideEffects: true,
      idempotent: true,
      strategies: [
        replaceStrategy<Record<string, never>, CrawlOutcome[]>("async", `All sources at once, at most ${limitPerHost} requests per host`, async () =>
          crawlAllConcurrent(newsSources, { store: news, universe: await universeSet(), now: () => new Date() }, {
            perHostLimit: limitPerHost,
            crawl: (source) => engine.call(crawlerOf[source.name], {}),
          }),
        ),
      ],
      baseline: async (): Promise<CrawlOutcome[]> => {
        const outcomes: CrawlOutcome[] = [];
        for (const source of newsSources) outcomes.push(await engine.call(crawlerOf[source.name], {}));
        return outcomes;
      },
    }),
  );

  const ops = {
    calculateIndicators: engine.register(
      defineOperation({
        name: "technical-indicators.calculate",
        service: "technical-indicators",
        title: "Indicators for one symbol",
        key: (i: IndicatorsInput) => i.symbol,
        sideEffects: false,
        equivalent: v.equivalence.indicators,
        strategies: [v.indicatorsMemory, indicatorsCache],
        queueable: true,
        timeoutMs: 5_000,
        memoryThresholdMb: 200,
        baseline: (i: IndicatorsInput) => calculateIndicators({ bars }, i),
      }),
    ),
    calculateIndicatorsBatch: engine.register(
      defineOperation({
        name: "technical-indicators.calculate-batch",
        service: "technical-indicators",
        title: "Indicators for a batch of symbols",
        key: (i: BatchInput) => i.symbols.join(","),
        sideEffects: false,
        equivalent: v.equivalence.indicatorsBatch,
        strategies: [v.batchMemory, v.batchAsync],
        queueable: true,
        timeoutMs: 60_000,
        memoryThresholdMb: 200,
        baseline: (i: BatchInput) => calculateIndicatorsBatch({ bars }, i),
      }),
    ),
    generateSignals: engine.register(
      defineOperation({
        name: "signal-generator.generate",
        service: "signal-generator",
        title: "Signals for the universe",
        key: (i: SignalsInput) => i.asOf,
        sideEffects: true,
        idempotent: true,
        equivalent: v.equivalence.signals,
        strategies: [
          v.signalsMemory,
          v.signalsAsync,
          streamStrategy<SignalsInput, GenerateSignalsResult>({
            description: "Broadcasts each analysis result to the dashboard as it is produced",
            publish: (r) =>
              broadcaster.publish("analysis:update", { asOf: r.asOf, symbolsScanned: r.symbolsScanned, detected: r.detected, inserted: r.inserted.length }, "market"),
          }),
        ],
        timeoutMs: 60_000,
        memoryThresholdMb: 150,
        baseline: (i: SignalsInput) => generateSignals({ bars, signals, broadcaster }, i),
      }),
    ),
    advanceClock: engine.register(
      defineOperation({
        name: "market-clock.advance",
        service: "market-clock",
        title: "Advance the replayed market by one trading day",
        key: () => "replay",
        sideEffects: true,
        baseline: (i: Parameters<typeof advanceClock>[1]) => advanceClock({ clock, broadcaster }, i),
      }),
    ),
    checkPrices: engine.register(
      defineOperation({
        name: "price-monitor.check",
        service: "price-monitor",
        title: "Price moves and watch-list alerts for a tick",
        key: (i: PricesInput) => i.date,
        sideEffects: true,
        idempotent: true,
        equivalent: v.equivalence.prices,
        strategies: [v.pricesMemory],
        timeoutMs: 10_000,
        baseline: (i: PricesInput) => checkPrices({ alerts, broadcaster }, i),
      }),
    ),
    takeSnapshot: engine.register(
      defineOperation({
        name: "price-snapshot.take",
        service: "price-snapshot",
        title: "Snapshot of every latest price",
        key: (i: SnapshotInput) => i.takenAt.toISOString(),
        sideEffects: true,
        strategies: [v.snapshotBatched],
        timeoutMs: 30_000,
        baseline: (i: SnapshotInput) => takeSnapshot({ prices, snapshots }, i),
      }),
    ),
    crawlInvesting,
    crawlYahoo,
    crawlAll,
    buildReport: engine.register(
      defineOperation({
        name: "reports.build",
        service: "reports",
        title: "Market report for a list of symbols",
        key: (i: ReportInput) => i.symbols.join(","),
        sideEffects: false,
        equivalent: v.equivalence.report,
        strategies: [v.reportMemory],
        queueable: true,
        timeoutMs: 120_000,
        baseline: (i: ReportInput, cx) => buildReport({ bars, prices, signals, news }, i, cx.progress),
      }),
    ),
  };


  // The hot read path (technical analysis) asks two things on every request: is the symbol known,
  // and what is the market date. The universe never changes after import; the date changes once
  // per tick, so a 250 ms memo keeps it current without a query per request.
  let clockMemo: { at: number; date: Promise<string | null> } | null = null;
  const marketDate = (): Promise<string | null> => {
    const now = Date.now();
    if (!clockMemo || now - clockMemo.at > 250) {
      clockMemo = { at: now, date: clock.read().then((c) => c?.currentDate ?? null) };
      clockMemo.date.catch(() => (clockMemo = null));
    }
    return clockMemo.date;
  };

  return {
    engine,
    ops,
    isKnownSymbol: async (symbol: string) => (await universeSet()).has(symbol),
    marketDate,
    call: engine.call.bind(engine),
    caches: { indicators: indicatorsCache },
    stores: { bars, clock, prices, signals, news, alerts },
    newsSources,
    close: v.close,
  };
}

export type AppServices = ReturnType<typeof createServices>;
