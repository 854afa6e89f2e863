import { FeedFetchError, fetchFeed, type SleepFn } from "./fetch-feed";
import { FeedParseError, parseFeedDetailed, type ParsedArticle } from "./parse-feed";
import type { NewsSourceConfig } from "./sources";
import { extractTickers } from "./tickers";

/** Health and HTTP-cache state of one source, persisted between crawls. */
export interface NewsSourceState {
  name: string;
  healthy: boolean;
  lastError: string | null;
  /** Start of the last crawl attempt that actually hit the network (skips don't count). */
  lastFetchedAt: Date | null;
  lastSuccessAt: Date | null;
  /** While unhealthy, crawls before this instant are skipped. */
  nextRetryAt: Date | null;
  consecutiveFailures: number;
  etag: string | null;
  lastModified: string | null;
}

/** What the crawler hands to storage: the parsed article plus crawl metadata. */
export interface StoredArticleInput extends ParsedArticle {
  source: string;
  tickers: string[];
  fetchedAt: Date;
}

/** Storage port of the news crawler (in-memory in tests, database in production). */
export interface NewsStore {
  getSourceState(name: string): Promise<NewsSourceState | null>;
  saveSourceState(state: NewsSourceState): Promise<void>;
  /** Inserts articles not yet stored (by dedupeKey); returns how many were new. Must not delete or modify stored articles. */
  insertArticles(articles: StoredArticleInput[]): Promise<number>;
}

export interface CrawlDeps {
  store: NewsStore;
  /** Known symbols, for bare-token ticker matching. */
  universe: ReadonlySet<string>;
  now: () => Date;
  fetchImpl?: typeof fetch;
  sleep?: SleepFn;
  /** Send If-None-Match / If-Modified-Since from the stored state. Off in the baseline. */
  useConditionalGet?: boolean;
  /** Caller cancellation; an abort propagates as a rejection and leaves the source state untouched. */
  signal?: AbortSignal;
  /** Source-level backoff after a failed crawl: base · 2^(failures-1), capped. Defaults: 1 min, 1 h. */
  failureBackoffBaseMs?: number;
  failureBackoffMaxMs?: number;
}

export interface CrawlSuccess {
  source: string;
  status: "ok" | "not_modified";
  /** Items in the downloaded feed (0 when not modified). */
  fetched: number;
  /** Items that survived normalisation (fetched minus `dropped`). */
  parsed: number;
  /** Items dropped: nothing to show (no title, link or summary) or unreadable. */
  dropped: number;
  /** Dropped items per reason. */
  droppedReasons?: Record<string, number>;
  /** Articles newly stored. */
  inserted: number;
  /** Parsed articles not inserted: repeated within the feed, or already stored. */
  duplicates: number;
  /** HTTP attempts (1 unless retries happened). */
  attempts: number;
  durationMs: number;
}

export interface CrawlFailure {
  source: string;
  status: "failed";
  error: {
    kind: FeedFetchError["kind"] | "parse";
    message: string;
    httpStatus?: number;
    attempts?: number;
  };
  consecutiveFailures: number;
  nextRetryAt: Date;
  durationMs: number;
}

export interface CrawlSkipped {
  source: string;
  status: "skipped";
  reason: string;
  nextRetryAt: Date;
}

export type CrawlOutcome = CrawlSuccess | CrawlFailure | CrawlSkipped;

export const DEFAULT_FAILURE_BACKOFF_BASE_MS = 60_000;
export const DEFAULT_FAILURE_BACKOFF_MAX_MS = 60 * 60_000;

/** Initial state for a source never crawled before. */
export function initialSourceState(name: string): NewsSourceState {
  return {
    name,
    healthy: true,
    lastError: null,
    lastFetchedAt: null,
    lastSuccessAt: null,
    nextRetryAt: null,
    consecutiveFailures: 0,
    etag: null,
    lastModified: null,
  };
}

/**
 * Crawls one source: fetch → parse → extract tickers → de-duplicate → insert → update health.
 * Fetch and parse failures never throw: they mark the source unhealthy with a backoff and are
 * reported as a `failed` outcome; while that backoff runs, calls return `skipped` without any
 * request. Storage errors and caller aborts do propagate (they are not the source's fault).
 */
export async function crawlSource(source: NewsSourceConfig, deps: CrawlDeps): Promise<CrawlOutcome> {
  const startedAt = deps.now();
  const state = (await deps.store.getSourceState(source.name)) ?? initialSourceState(source.name);

  // Without this, a machine with no internet would retry (and log) every source on every tick.
  if (!state.healthy && state.nextRetryAt && startedAt.getTime() < state.nextRetryAt.getTime()) {
    return {
      source: source.name,
      status: "skipped",
      reason: `source unhealthy after ${state.consecutiveFailures} consecutive failure(s) (${state.lastError ?? "unknown error"}); next retry at ${state.nextRetryAt.toISOString()}`,
      nextRetryAt: state.nextRetryAt,
    };
  }

  try {
    const response = await fetchFeed(source, {
      ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.useConditionalGet ? { conditional: { etag: state.etag, lastModified: state.lastModified } } : {}),
    });

    if (response.status === "not_modified") {
      await deps.store.saveSourceState(healthyState(state, startedAt, state.etag, state.lastModified));
      return success(source, "not_modified", { fetched: 0, parsed: 0, dropped: 0, inserted: 0, duplicates: 0 }, response.attempts, startedAt, deps);
    }

    const feed = await parseFeedDetailed(response.body, source.name);
    const fetchedAt = deps.now();
    const batch = uniqueByDedupeKey(
      feed.articles.map((article): StoredArticleInput => ({
        ...article,
        source: source.name,
        tickers: extractTickers(`${article.title ?? ""}\n${article.summary ?? ""}`, deps.universe),
        fetchedAt,
      })),
    );
    const inserted = batch.length > 0 ? await deps.store.insertArticles(batch) : 0;

    // Validators are saved only after the insert succeeded: saving them earlier and then
    // failing would make the next conditional GET return 304 and lose these articles.
    await deps.store.saveSourceState(healthyState(state, startedAt, response.etag ?? null, response.lastModified ?? null));
    return success(
      source,
      "ok",
      {
        fetched: feed.itemCount,
        parsed: feed.articles.length,
        dropped: feed.dropped,
        ...(feed.dropped > 0 ? { droppedReasons: feed.droppedReasons } : {}),
        inserted,
        duplicates: feed.articles.length - inserted,
      },
      response.attempts,
      startedAt,
      deps,
    );
  } catch (err) {
    if (!(err instanceof FeedFetchError) && !(err instanceof FeedParseError)) throw err;
    return recordFailure(source, state, err, startedAt, deps);
  }
}

/**
 * BASELINE: crawls the sources one after the other, each with a full download
 * (no conditional GET, whatever `deps` says). The optimized variants live elsewhere.
 */
export async function crawlAllSequential(sources: readonly NewsSourceConfig[], deps: Omit<CrawlDeps, "useConditionalGet">): Promise<CrawlOutcome[]> {
  const outcomes: CrawlOutcome[] = [];
  for (const source of sources) {
    outcomes.push(await crawlSource(source, { ...deps, useConditionalGet: false }));
  }
  return outcomes;
}

/** Source-level backoff: base · 2^(failures-1), capped (1 min, 2, 4, ... 1 h by default). */
export function failureBackoffMs(consecutiveFailures: number, baseMs = DEFAULT_FAILURE_BACKOFF_BASE_MS, maxMs = DEFAULT_FAILURE_BACKOFF_MAX_MS): number {
  // Clamp the exponent so a long outage cannot overflow to Infinity.
  const exponent = Math.min(Math.max(0, consecutiveFailures - 1), 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

function uniqueByDedupeKey(articles: StoredArticleInput[]): StoredArticleInput[] {
  const seen = new Set<string>();
  return articles.filter((a) => (seen.has(a.dedupeKey) ? false : (seen.add(a.dedupeKey), true)));
}

function healthyState(previous: NewsSourceState, at: Date, etag: string | null, lastModified: string | null): NewsSourceState {
  return {
    ...previous,
    healthy: true,
    lastError: null,
    lastFetchedAt: at,
    lastSuccessAt: at,
    nextRetryAt: null,
    consecutiveFailures: 0,
    etag,
    lastModified,
  };
}

async function recordFailure(
  source: NewsSourceConfig,
  previous: NewsSourceState,
  err: FeedFetchError | FeedParseError,
  startedAt: Date,
  deps: CrawlDeps,
): Promise<CrawlFailure> {
  const failedAt = deps.now();
  const consecutiveFailures = previous.consecutiveFailures + 1;
  const nextRetryAt = new Date(failedAt.getTime() + failureBackoffMs(consecutiveFailures, deps.failureBackoffBaseMs, deps.failureBackoffMaxMs));
  const error: CrawlFailure["error"] =
    err instanceof FeedFetchError
      ? { kind: err.kind, message: err.message, attempts: err.attempts, ...(err.status === undefined ? {} : { httpStatus: err.status }) }
      : { kind: "parse", message: err.message };

  // etag/lastModified are kept: they still describe the last content we did store.
  await deps.store.saveSourceState({
    ...previous,
    healthy: false,
    lastError: error.message,
    lastFetchedAt: startedAt,
    nextRetryAt,
    consecutiveFailures,
  });
  return {
    source: source.name,
    status: "failed",
    error,
    consecutiveFailures,
    nextRetryAt,
    durationMs: failedAt.getTime() - startedAt.getTime(),
  };
}

function success(
  source: NewsSourceConfig,
  status: CrawlSuccess["status"],
  counts: Pick<CrawlSuccess, "fetched" | "parsed" | "dropped" | "inserted" | "duplicates">,
  attempts: number,
  startedAt: Date,
  deps: CrawlDeps,
): CrawlSuccess {
  return { source: source.name, status, ...counts, attempts, durationMs: deps.now().getTime() - startedAt.getTime() };
}
