import { crawlSource, type CrawlOutcome } from "../../market/news/crawl-source";
import type { NewsSourceName } from "../../market/news/sources";
import { crawlOutcomeEquivalent } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { type OperationDeps, operationModule } from "../operation-module";

type NoInput = Record<string, never>;

/** Crawls one source and tells the market room how many articles are new. */
async function crawl(deps: OperationDeps, name: NewsSourceName, useConditionalGet: boolean): Promise<CrawlOutcome> {
  const source = deps.newsSources.find((s) => s.name === name);
  if (!source) throw new Error(`news source ${name} is not configured`);
  const outcome = await crawlSource(source, { store: deps.news, universe: await deps.universe(), now: () => new Date(), useConditionalGet });
  if (outcome.status === "ok" && outcome.inserted > 0) deps.broadcaster.publish("news:new", { source: name, inserted: outcome.inserted }, "market");
  return outcome;
}

/** `news-crawlers.<source>`: one feed, fetched, parsed, de-duplicated and stored. */
function crawlerModule(name: NewsSourceName) {
  const operation = `news-crawlers.${name}`;
  return operationModule(operation, (deps) =>
    defineOperation({
      name: operation,
      service: "news-crawlers",
      title: `Crawl the ${name} feed`,
      key: () => name,
      sideEffects: true,
      idempotent: true,
      equivalent: (a: CrawlOutcome, b: CrawlOutcome) => crawlOutcomeEquivalent([a], [b]),
      strategies: [
        replaceStrategy<NoInput, CrawlOutcome>("incremental", "Conditional GET (ETag / Last-Modified): an unchanged feed costs a 304", () => crawl(deps, name, true)),
      ],
      baseline: () => crawl(deps, name, false),
      benchmarkInputs: () => Promise.resolve(() => ({})),
    }),
  );
}

export const crawlInvesting = crawlerModule("investing");
export const crawlYahoo = crawlerModule("yahoo");
export const crawlerOf = { investing: crawlInvesting, yahoo: crawlYahoo } satisfies Record<NewsSourceName, unknown>;
