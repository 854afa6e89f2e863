import type pg from "pg";
import { crawlSource, type CrawlOutcome } from "../market/news/crawl-source";
import { defaultNewsSources, type NewsSourceConfig, type NewsSourceName } from "../market/news/sources";
import { advanceClock } from "../market/services/advance-clock";
import { buildReport } from "../market/services/build-report";
import { calculateIndicators, calculateIndicatorsBatch } from "../market/services/calculate-indicators";
import { checkPrices } from "../market/services/check-prices";
import { generateSignals } from "../market/services/generate-signals";
import { takeSnapshot } from "../market/services/take-snapshot";
import { Engine } from "../optimizer/engine";
import { defineOperation } from "../optimizer/operation";
import type { Broadcaster } from "../realtime/events";
import { env } from "../env";
import {
  pgBarSource,
  pgClockStore,
  pgNewsStore,
  pgPriceAlertStore,
  pgPriceStore,
  pgSignalStore,
  pgSnapshotStore,
} from "./market/pg-stores";

/**
 * Registers every service operation with the engine, bound to its Postgres/Socket.IO ports, and
 * returns them. Routes and jobs call `services.call(services.ops.x, input)`: through the engine,
 * never the service function directly.
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

  const crawl = (name: NewsSourceName) =>
    engine.register(
      defineOperation({
        name: `news-crawlers.${name}`,
        service: "news-crawlers",
        title: `Crawl the ${name} feed`,
        key: () => name,
        sideEffects: true,
        idempotent: true,
        baseline: async (): Promise<CrawlOutcome> => {
          const source = newsSources.find((s) => s.name === name) as NewsSourceConfig;
          const outcome = await crawlSource(source, { store: news, universe: await universeSet(), now: () => new Date() });
          if (outcome.status === "ok" && outcome.inserted > 0) broadcaster.publish("news:new", { source: name, inserted: outcome.inserted }, "market");
          return outcome;
        },
      }),
    );

  const ops = {
    calculateIndicators: engine.register(
      defineOperation({
        name: "technical-indicators.calculate",
        service: "technical-indicators",
        title: "Indicators for one symbol",
        key: (i: Parameters<typeof calculateIndicators>[1]) => i.symbol,
        sideEffects: false,
        baseline: (i: Parameters<typeof calculateIndicators>[1]) => calculateIndicators({ bars }, i),
      }),
    ),
    calculateIndicatorsBatch: engine.register(
      defineOperation({
        name: "technical-indicators.calculate-batch",
        service: "technical-indicators",
        title: "Indicators for a batch of symbols",
        key: (i: Parameters<typeof calculateIndicatorsBatch>[1]) => i.symbols.join(","),
        sideEffects: false,
        baseline: (i: Parameters<typeof calculateIndicatorsBatch>[1]) => calculateIndicatorsBatch({ bars }, i),
      }),
    ),
    generateSignals: engine.register(
      defineOperation({
        name: "signal-generator.generate",
        service: "signal-generator",
        title: "Signals for the universe",
        key: (i: Parameters<typeof generateSignals>[1]) => i.asOf,
        sideEffects: true,
        idempotent: true,
        baseline: (i: Parameters<typeof generateSignals>[1]) => generateSignals({ bars, signals, broadcaster }, i),
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
        key: (i: Parameters<typeof checkPrices>[1]) => i.date,
        sideEffects: true,
        idempotent: true,
        baseline: (i: Parameters<typeof checkPrices>[1]) => checkPrices({ alerts, broadcaster }, i),
      }),
    ),
    takeSnapshot: engine.register(
      defineOperation({
        name: "price-snapshot.take",
        service: "price-snapshot",
        title: "Snapshot of every latest price",
        key: (i: Parameters<typeof takeSnapshot>[1]) => i.takenAt.toISOString(),
        sideEffects: true,
        baseline: (i: Parameters<typeof takeSnapshot>[1]) => takeSnapshot({ prices, snapshots }, i),
      }),
    ),
    crawlInvesting: crawl("investing"),
    crawlYahoo: crawl("yahoo"),
    buildReport: engine.register(
      defineOperation({
        name: "reports.build",
        service: "reports",
        title: "Market report for a list of symbols",
        key: (i: Parameters<typeof buildReport>[1]) => i.symbols.join(","),
        sideEffects: false,
        baseline: (i: Parameters<typeof buildReport>[1]) => buildReport({ bars, prices, signals, news }, i),
      }),
    ),
  };

  return {
    engine,
    ops,
    call: engine.call.bind(engine),
    stores: { bars, clock, prices, signals, news, alerts },
    newsSources,
  };
}

export type AppServices = ReturnType<typeof createServices>;
