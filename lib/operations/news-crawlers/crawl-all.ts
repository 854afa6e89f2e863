import type { CrawlOutcome } from "../../market/news/crawl-source";
import { crawlAllConcurrent } from "../../market/optimized/news-concurrent";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { operationModule } from "../operation-module";
import { crawlerOf } from "./crawl-source";

const PER_HOST_LIMIT = 2;

/**
 * `news-crawlers.crawl-all`: every source. Each crawler is its own operation (called through the
 * engine); the fan-out over them is one too, so its `async` optimization (all sources at once,
 * per-host limit) is measured against the sequential baseline.
 */
export const crawlAll = operationModule("news-crawlers.crawl-all", (deps) =>
  defineOperation({
    name: "news-crawlers.crawl-all",
    service: "news-crawlers",
    title: "Crawl every news source",
    key: () => "all",
    sideEffects: true,
    idempotent: true,
    strategies: [
      replaceStrategy<Record<string, never>, CrawlOutcome[]>("async", `All sources at once, at most ${PER_HOST_LIMIT} requests per host`, async () =>
        crawlAllConcurrent(deps.newsSources, { store: deps.news, universe: await deps.universe(), now: () => new Date() }, {
          perHostLimit: PER_HOST_LIMIT,
          crawl: (source) => deps.invoke(crawlerOf[source.name], {}),
        }),
      ),
    ],
    baseline: async (): Promise<CrawlOutcome[]> => {
      const outcomes: CrawlOutcome[] = [];
      for (const source of deps.newsSources) outcomes.push(await deps.invoke(crawlerOf[source.name], {}));
      return outcomes;
    },
  }),
);
