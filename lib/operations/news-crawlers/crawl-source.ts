import { crawlSource, type CrawlOutcome } from "../../market/news/crawl-source";
import type { NewsSourceName } from "../../market/news/sources";
import { crawlOutcomeEquivalent } from "../../market/optimized/equivalence";
import { defineOperation, type CallContext } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { type OperationDeps, operationModule, type WritePorts, writePorts } from "../operation-module";

type NoInput = Record<string, never>;

/**
 * Crawls one source through the given write ports and tells the market room how many articles
 * are new (with dry-run ports, a shadow run's, it stores, saves and publishes nothing).
 */
export async function crawlFeed(deps: OperationDeps, writes: WritePorts, name: NewsSourceName, useConditionalGet: boolean): Promise<CrawlOutcome> {
  const source = deps.newsSources.find((s) => s.name === name);
  if (!source) throw new Error(`news source ${name} is not configured`);
  const outcome = await crawlSource(source, { store: writes.news, universe: await deps.universe(), now: () => new Date(), useConditionalGet });
  if (outcome.status === "ok" && outcome.inserted > 0) writes.broadcaster.publish("news:new", { source: name, inserted: outcome.inserted }, "market");
  return outcome;
}

/** A failed crawl is returned (the source's health records it), and counted as an error in the samples and /metrics. */
async function countFailure(run: Promise<CrawlOutcome>, cx: CallContext): Promise<CrawlOutcome> {
  const outcome = await run;
  if (outcome.status === "failed") cx.failed = true;
  return outcome;
}

/** `news-crawlers.<source>`: one feed, fetched, parsed, de-duplicated and stored. */
function crawlerModule(name: NewsSourceName) {
  const operation = `news-crawlers.${name}`;
  return operationModule(operation, (deps) => {
    const writes = writePorts(deps);
    return defineOperation({
      name: operation,
      service: "news-crawlers",
      title: `Crawl the ${name} feed`,
      key: () => name,
      sideEffects: true,
      idempotent: true,
      shadowWritesDiscarded: true,
      equivalent: (a: CrawlOutcome, b: CrawlOutcome) => crawlOutcomeEquivalent([a], [b]),
      strategies: [
        replaceStrategy<NoInput, CrawlOutcome>("incremental", "Conditional GET (ETag / Last-Modified): an unchanged feed costs a 304", (_i, cx) =>
          countFailure(crawlFeed(deps, writes(cx), name, true), cx),
        ),
      ],
      baseline: (_i, cx) => countFailure(crawlFeed(deps, writes(cx), name, false), cx),
      benchmarkInputs: () => Promise.resolve(() => ({})),
    });
  });
}

export const crawlInvesting = crawlerModule("investing");
export const crawlYahoo = crawlerModule("yahoo");
export const crawlerOf = { investing: crawlInvesting, yahoo: crawlYahoo } satisfies Record<NewsSourceName, unknown>;
