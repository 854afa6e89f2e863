import type { CrawlOutcome } from "../../market/news/crawl-source";
import type { NewsSourceName } from "../../market/news/sources";
import { crawlOutcomeEquivalent } from "../../market/optimized/equivalence";
import { crawlAllConcurrent } from "../../market/optimized/news-concurrent";
import { defineOperation, type CallContext } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { operationModule, writePorts } from "../operation-module";
import { crawlerOf, crawlFeed } from "./crawl-source";

const PER_HOST_LIMIT = 2;

/**
 * `news-crawlers.crawl-all`: every source. Each crawler is its own operation (called through the
 * engine); the fan-out over them is one too, so its `async` optimization (all sources at once,
 * per-host limit) is measured against the sequential baseline.
 */
export const crawlAll = operationModule("news-crawlers.crawl-all", (deps) => {
  const writes = writePorts(deps);
  /**
   * One source's crawl. A shadow run crawls it itself on dry-run ports: through the engine it
   * would be a primary call of the crawler, which stores and publishes. It uses conditional GET
   * like the crawler's `incremental` variant, so whichever variant the primary's crawler runs,
   * the equivalence check can compare the two (see crawlOutcomeEquivalent).
   */
  const crawl = (cx: CallContext, name: NewsSourceName): Promise<CrawlOutcome> =>
    cx.shadow ? crawlFeed(deps, writes(cx), name, true) : deps.invoke(crawlerOf[name], {});
  return defineOperation({
    name: "news-crawlers.crawl-all",
    service: "news-crawlers",
    title: "Crawl every news source",
    key: () => "all",
    sideEffects: true,
    idempotent: true,
    shadowWritesDiscarded: true,
    equivalent: crawlOutcomeEquivalent,
    strategies: [
      replaceStrategy<Record<string, never>, CrawlOutcome[]>("async", `All sources at once, at most ${PER_HOST_LIMIT} requests per host`, async (_i, cx) =>
        crawlAllConcurrent(
          deps.newsSources,
          { store: writes(cx).news, universe: await deps.universe(), now: () => new Date() },
          {
            perHostLimit: PER_HOST_LIMIT,
            crawl: (source) => crawl(cx, source.name),
          },
        ),
      ),
    ],
    baseline: async (_i, cx): Promise<CrawlOutcome[]> => {
      const outcomes: CrawlOutcome[] = [];
      for (const source of deps.newsSources) outcomes.push(await crawl(cx, source.name));
      return outcomes;
    },
  });
});
