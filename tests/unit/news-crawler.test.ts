import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  crawlAllSequential,
  crawlSource,
  failureBackoffMs,
  initialSourceState,
  type CrawlDeps,
  type NewsSourceState,
  type NewsStore,
} from "../../lib/market/news/crawl-source";
import { backoffDelayMs, FeedFetchError, fetchFeed, parseRetryAfterMs } from "../../lib/market/news/fetch-feed";
import { MemoryNewsStore } from "../../lib/market/news/memory-store";
import { canonicalLink, FeedParseError, MAX_SUMMARY_CHARS, parseFeed, parseFeedDetailed } from "../../lib/market/news/parse-feed";
import { DEFAULT_NEWS_USER_AGENT, defaultNewsSources, parseNewsSourceConfig, type NewsSourceConfig, type NewsSourceName } from "../../lib/market/news/sources";
import { extractTickers } from "../../lib/market/news/tickers";

// ---------------------------------------------------------------------------------------------
// Loopback HTTP server: each test registers handlers per path and inspects the recorded requests.

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/feeds");
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");

const routes = new Map<string, Handler>();
const requests: RecordedRequest[] = [];
let server: http.Server;
let baseUrl: string;

// A fresh server (hence a fresh port and origin) per test: fetch's connection pool is keyed by
// origin, so no test can inherit a half-dead pooled socket from a previous test's hung request.
beforeEach(async () => {
  server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://loopback").pathname;
    requests.push({ path: pathname, headers: req.headers });
    const handler = routes.get(pathname);
    if (handler) handler(req, res);
    else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  routes.clear();
  requests.length = 0;
  // Drops the sockets of handlers that deliberately never answer, so close() can finish.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const serveXml =
  (body: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", ...headers }).end(body);
  };

const serveStatus =
  (status: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, headers).end(`status ${status}`);
  };

/** Responds with each handler in turn, repeating the last one. */
const sequence = (...handlers: Handler[]): Handler => {
  let call = 0;
  return (req, res) => handlers[Math.min(call++, handlers.length - 1)]!(req, res);
};

const hits = (pathname: string): RecordedRequest[] => requests.filter((r) => r.path === pathname);

function sourceAt(pathname: string, overrides: Partial<NewsSourceConfig> = {}, name: NewsSourceName = "investing"): NewsSourceConfig {
  return parseNewsSourceConfig({ name, url: `${baseUrl}${pathname}`, timeoutMs: 2_000, ...overrides });
}

function fakeClock(startIso = "2024-05-03T00:00:00.000Z") {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

/** Records requested delays instead of waiting, so retries cost no wall time. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

const UNIVERSE: ReadonlySet<string> = new Set([
  "AAPL",
  "IBM",
  "TSLA",
  "NVDA",
  "MSFT",
  "GOOGL",
  "JPM",
  "AMZN",
  "META",
  "INTC",
  "DIS",
  "UBER",
  "AMGN",
  "SQ",
  "NOW",
  "ALL",
  "IT",
  "A",
  "KEY",
  "LOW",
  "ON",
  "BIG",
  "CAN",
  "FAST",
  "ARE",
]);

function makeDeps(overrides: Partial<CrawlDeps> = {}) {
  const store = new MemoryNewsStore();
  const clock = fakeClock();
  const sleeper = recordingSleep();
  const deps: CrawlDeps = { store, universe: UNIVERSE, now: clock.now, sleep: sleeper.sleep, ...overrides };
  return { store, clock, sleeper, deps };
}

/** Wraps a store to count port calls (to prove failures never write articles). */
function countingStore(inner: NewsStore) {
  const calls = { insertArticles: 0, saveSourceState: 0 };
  const store: NewsStore = {
    getSourceState: (name) => inner.getSourceState(name),
    saveSourceState: (state) => (calls.saveSourceState++, inner.saveSourceState(state)),
    insertArticles: (articles) => (calls.insertArticles++, inner.insertArticles(articles)),
  };
  return { store, calls };
}

// ---------------------------------------------------------------------------------------------

describe("parseFeed", () => {
  it("normalises the Investing.com style RSS fixture and counts dropped items", async () => {
    const feed = await parseFeedDetailed(fixture("investing-news.rss.xml"), "investing");
    expect(feed.itemCount).toBe(13);
    // The item with neither title nor link still has a description (valid RSS): it is kept, and
    // takes its title from it, instead of being dropped or failing the insert.
    expect(feed.dropped).toBe(0);
    expect(feed.articles).toHaveLength(13);

    const first = feed.articles[0]!;
    const url = "https://www.investing.com/news/stock-market-news/apple-beats-quarterly-estimates-3410001";
    expect(first).toEqual({
      guid: url,
      link: url,
      title: "Apple (NASDAQ:AAPL) beats quarterly estimates as services revenue hits record",
      // tags stripped (inline <a> without inserting spaces), &nbsp; decoded, whitespace collapsed
      summary:
        "Apple Inc (NASDAQ:AAPL) reported fiscal second-quarter results above Wall Street expectations on Thursday, driven by a record in its services business.",
      publishedAt: new Date("2024-05-02T20:31:05.000Z"),
      dedupeKey: `url:${url}`,
    });
    expect(feed.articles[1]!.summary).toContain("HashiCorp & expand");

    // Zone-less Investing.com timestamp is read as UTC; an unparsable one becomes null.
    const amazon = feed.articles.find((a) => a.title?.startsWith("Amazon.com"));
    expect(amazon?.publishedAt?.toISOString()).toBe("2024-05-02T13:30:00.000Z");
    const servicenow = feed.articles.find((a) => a.title?.startsWith("ServiceNow"));
    expect(servicenow).toBeDefined();
    expect(servicenow!.publishedAt).toBeNull();

    expect(new Set(feed.articles.map((a) => a.dedupeKey)).size).toBe(13);
    expect(await parseFeed(fixture("investing-news.rss.xml"), "investing")).toEqual(feed.articles);
  });

  it("keys Yahoo's opaque guids per source and keeps the link", async () => {
    const articles = await parseFeed(fixture("yahoo-finance.rss.xml"), "yahoo");
    expect(articles).toHaveLength(6);
    const apple = articles[0]!;
    expect(apple.guid).toBe("apple-announces-record-110-billion-buyback-201203456");
    expect(apple.dedupeKey).toBe("guid:yahoo:apple-announces-record-110-billion-buyback-201203456");
    expect(apple.link).toBe("https://finance.yahoo.com/news/apple-announces-record-110-billion-buyback-201203456.html?.tsrc=rss");
    expect(apple.summary).toBeNull();
    expect(apple.publishedAt?.toISOString()).toBe("2024-05-02T20:12:03.000Z");
  });

  it("parses Atom: id as guid, alternate link, html summary, updated fallback, invalid date → null", async () => {
    const articles = await parseFeed(fixture("market-news.atom.xml"), "investing");
    expect(articles).toHaveLength(3);
    const [msft, intel, broken] = articles;
    expect(msft!.guid).toBe("tag:wire.example.com,2024-05-02:msft-openai");
    expect(msft!.title).toBe("Microsoft & OpenAI deepen partnership");
    expect(msft!.link).toBe("https://wire.example.com/2024/05/02/msft-openai?utm_source=atom&utm_medium=feed");
    expect(msft!.summary).toBe("Microsoft ($MSFT) said on Thursday it will expand Azure capacity.");
    expect(msft!.publishedAt?.toISOString()).toBe("2024-05-02T18:45:00.000Z");
    expect(intel!.publishedAt?.toISOString()).toBe("2024-05-02T19:00:00.000Z");
    expect(intel!.summary).toBe("Intel (NASDAQ:INTC) fell 4%.");
    expect(broken!.title).toBe("Entry with a broken date");
    expect(broken!.publishedAt).toBeNull();
  });

  it("throws FeedParseError on malformed or non-feed documents", async () => {
    await expect(parseFeed(fixture("malformed.xml"), "investing")).rejects.toBeInstanceOf(FeedParseError);
    await expect(parseFeed("<html><body>Access denied</body></html>", "yahoo")).rejects.toThrow(/neither RSS nor Atom|not well-formed XML/);
    await expect(parseFeed("", "yahoo")).rejects.toBeInstanceOf(FeedParseError);
  });

  it("caps long summaries and canonicalises links", async () => {
    const long = "word ".repeat(600);
    const xml = `<rss version="2.0"><channel><item><title>T</title><link>https://x.test/a</link><description>${long}</description></item></channel></rss>`;
    const [article] = await parseFeed(xml, "investing");
    expect(article!.summary!.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(article!.summary!.endsWith("…")).toBe(true);

    expect(canonicalLink("https://Example.com/a?utm_source=x&b=2&a=1&fbclid=zz#top")).toBe("https://example.com/a?a=1&b=2");
    expect(canonicalLink("https://example.com/a?utm_medium=rss")).toBe("https://example.com/a");
    expect(canonicalLink(" not a url ")).toBe("not a url");
  });
});

describe("extractTickers", () => {
  it("finds cashtags, exchange-prefixed and universe bare tokens, unique and sorted", () => {
    expect(extractTickers("Apple (NASDAQ: AAPL) and NYSE:IBM rose; $TSLA too. AAPL again.", UNIVERSE)).toEqual(["AAPL", "IBM", "TSLA"]);
    expect(extractTickers("(Nasdaq:MSFT) and (NYSE American: XYZ) and $BRK.B", UNIVERSE)).toEqual(["BRK.B", "MSFT", "XYZ"]);
    expect(extractTickers("Nvidia: NVDA hits a record, GOOGL lags", UNIVERSE)).toEqual(["GOOGL", "NVDA"]);
  });

  it("ignores bare tokens outside the universe, lowercase symbols and prices", () => {
    expect(extractTickers("CEO says GDP and XYZ matter; paid $5 and $6.4B", UNIVERSE)).toEqual([]);
    expect(extractTickers("NYSE: shares fell", UNIVERSE)).toEqual([]);
    expect(extractTickers("Apple's iPhone sales", UNIVERSE)).toEqual([]);
  });

  it("applies the stoplist and the length guard to bare tokens only", () => {
    // All of these are in the universe, but as bare words they are prose.
    expect(extractTickers("IT is ALL we ARE ON now: A KEY, BIG, FAST move; you CAN see it is LOW", UNIVERSE)).toEqual([]);
    // With an explicit prefix they count.
    expect(extractTickers("Gartner ($IT), Allstate (NYSE:ALL), ServiceNow (NYSE: NOW), Agilent $A", UNIVERSE)).toEqual(["A", "ALL", "IT", "NOW"]);
  });

  it("skips bare tokens in all-caps headlines", () => {
    expect(extractTickers("BREAKING: META AND AAPL SHARES SURGE AFTER EARNINGS", UNIVERSE)).toEqual([]);
    expect(extractTickers("BREAKING: $META SHARES SURGE AFTER EARNINGS", UNIVERSE)).toEqual(["META"]);
  });
});

describe("sources", () => {
  it("provides polite defaults and accepts overrides", () => {
    const [investing, yahoo] = defaultNewsSources({ yahoo: { url: "http://127.0.0.1:9/feed", timeoutMs: 500 } });
    expect(investing).toEqual({
      name: "investing",
      url: "https://www.investing.com/rss/news_25.rss",
      timeoutMs: 10_000,
      maxRetries: 3,
      backoffBaseMs: 1_000,
      backoffMaxMs: 60_000,
      userAgent: DEFAULT_NEWS_USER_AGENT,
    });
    expect(yahoo).toMatchObject({ name: "yahoo", url: "http://127.0.0.1:9/feed", timeoutMs: 500 });
    expect(DEFAULT_NEWS_USER_AGENT).toMatch(/^Perfpilot\/0\.1 \(\+.*contact: ops@perfpilot\.local\)$/);
  });

  it("rejects invalid configuration", () => {
    expect(() => defaultNewsSources({ investing: { url: "ftp://example.com/feed" } })).toThrow();
    expect(() => defaultNewsSources({ investing: { timeoutMs: -1 } })).toThrow();
  });
});

describe("fetchFeed", () => {
  it("retries 5xx with capped exponential full-jitter backoff, then throws http_status", async () => {
    routes.set("/down", serveStatus(500));
    const { delays, sleep } = recordingSleep();
    const source = sourceAt("/down", { maxRetries: 3, backoffBaseMs: 1_000, backoffMaxMs: 3_000 });
    const err = await fetchFeed(source, { sleep, random: () => 0.5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedFetchError);
    expect(err).toMatchObject({ kind: "http_status", status: 500, attempts: 4 });
    expect(hits("/down")).toHaveLength(4);
    // 0.5 × min(3000, 1000·2^(n-1)) for n = 1, 2, 3
    expect(delays).toEqual([500, 1_000, 1_500]);
  });

  it("honours Retry-After on 503/429, capped at backoffMaxMs", async () => {
    routes.set("/busy", sequence(serveStatus(503, { "retry-after": "2" }), serveStatus(429, { "retry-after": "86400" }), serveXml("<rss/>")));
    const { delays, sleep } = recordingSleep();
    const result = await fetchFeed(sourceAt("/busy", { backoffMaxMs: 30_000 }), { sleep });
    expect(result).toMatchObject({ status: "ok", body: "<rss/>", attempts: 3 });
    expect(delays).toEqual([2_000, 30_000]);

    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("2015-10-21T07:28:00Z"))).toBe(10_000);
    expect(parseRetryAfterMs("soon", 0)).toBeUndefined();
    expect(backoffDelayMs(10, 1_000, 60_000, () => 0.999)).toBeLessThan(60_000);
  });

  it("does not retry a 404", async () => {
    const { delays, sleep } = recordingSleep();
    const err = await fetchFeed(sourceAt("/missing"), { sleep }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "http_status", status: 404, attempts: 1 });
    expect(hits("/missing")).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("refuses bodies over the size cap, declared or streamed", async () => {
    routes.set("/declared", serveXml("x".repeat(5_000)));
    routes.set("/chunked", (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      for (let i = 0; i < 5; i++) res.write("y".repeat(1_000)); // no Content-Length
      res.end();
    });
    const { sleep } = recordingSleep();
    for (const p of ["/declared", "/chunked"]) {
      const err = await fetchFeed(sourceAt(p), { sleep, maxBytes: 2_000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "too_large", attempts: 1 });
    }
    expect(hits("/chunked")).toHaveLength(1);
  });

  it("times out a server that stalls in the middle of the body", async () => {
    routes.set("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write('<rss version="2.0"><channel>'); // ...and never ends
    });
    const { sleep } = recordingSleep();
    const err = await fetchFeed(sourceAt("/stall", { timeoutMs: 200, maxRetries: 0 }), { sleep }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "timeout", attempts: 1 });
  });

  it("propagates a caller abort as-is instead of a FeedFetchError", async () => {
    routes.set("/slow", () => undefined);
    const controller = new AbortController();
    const reason = new Error("shutting down");
    setTimeout(() => controller.abort(reason), 50);
    const { sleep } = recordingSleep();
    await expect(fetchFeed(sourceAt("/slow"), { sleep, signal: controller.signal })).rejects.toBe(reason);
    expect(hits("/slow")).toHaveLength(1);
  });
});

describe("crawlSource", () => {
  it("fetches, parses, extracts tickers and stores a recorded feed, sending our User-Agent", async () => {
    routes.set("/investing.rss", serveXml(fixture("investing-news.rss.xml")));
    const { store, deps, clock } = makeDeps();
    const outcome = await crawlSource(sourceAt("/investing.rss"), deps);

    expect(outcome).toMatchObject({ status: "ok", fetched: 13, parsed: 13, dropped: 0, inserted: 13, duplicates: 0, attempts: 1 });
    expect(store.articleCount).toBe(13);
    const stored = store.listArticles();
    expect(stored[0]).toMatchObject({ source: "investing", tickers: ["AAPL"], fetchedAt: clock.now() });
    expect(stored.find((a) => a.title?.startsWith("Microsoft"))?.tickers).toEqual(["GOOGL", "MSFT"]);
    // "ALL about sticky inflation" must not tag Allstate; "(NYSE: JPM)" must tag JPMorgan.
    expect(stored.find((a) => a.title?.startsWith("JPMorgan"))?.tickers).toEqual(["JPM"]);

    const [request] = hits("/investing.rss");
    expect(request!.headers["user-agent"]).toBe(DEFAULT_NEWS_USER_AGENT);
    expect(request!.headers.accept).toContain("application/rss+xml");
    expect(request!.headers["if-none-match"]).toBeUndefined();

    expect(await store.getSourceState("investing")).toMatchObject({
      healthy: true,
      consecutiveFailures: 0,
      lastError: null,
      lastSuccessAt: clock.now(),
      nextRetryAt: null,
    });
  });

  it("stores duplicates once, within a feed and across crawls, without touching stored rows", async () => {
    routes.set("/dups.rss", serveXml(fixture("duplicates.rss.xml")));
    const { store, deps, clock } = makeDeps();
    const source = sourceAt("/dups.rss");

    const first = await crawlSource(source, deps);
    expect(first).toMatchObject({ status: "ok", parsed: 5, inserted: 3, duplicates: 2 });
    expect(store.listArticles().map((a) => a.dedupeKey)).toEqual([
      "url:https://www.investing.com/news/stock-market-news/apple-unveils-ipad-3420001",
      "url:https://www.investing.com/news/stock-market-news/disney-streaming-profit-3420002",
      "url:https://www.investing.com/news/stock-market-news/uber-surprise-loss-3420003",
    ]);
    // First occurrence wins (not the "(updated)" repeat).
    expect(store.listArticles()[0]!.title).toBe("Apple (NASDAQ:AAPL) unveils new iPad lineup");
    const before = store.listArticles();

    clock.advance(10 * 60_000);
    const second = await crawlSource(source, deps);
    expect(second).toMatchObject({ status: "ok", parsed: 5, inserted: 0, duplicates: 5 });
    expect(store.listArticles()).toEqual(before); // same fetchedAt: nothing was rewritten
  });

  it("on persistent 500: retries with backoff, then fails, marks unhealthy, keeps stored articles", async () => {
    routes.set("/flaky.rss", sequence(serveXml(fixture("investing-news.rss.xml"), { etag: '"v1"' }), serveStatus(500)));
    const { store, deps, clock, sleeper } = makeDeps();
    const source = sourceAt("/flaky.rss", { maxRetries: 3, backoffBaseMs: 1_000, backoffMaxMs: 60_000 });
    await crawlSource(source, deps);
    const before = store.listArticles();
    expect(before).toHaveLength(13);

    const counting = countingStore(store);
    clock.advance(60_000);
    const outcome = await crawlSource(source, { ...deps, store: counting.store });

    expect(hits("/flaky.rss")).toHaveLength(1 + 4);
    expect(sleeper.delays).toHaveLength(3);
    sleeper.delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(1_000 * 2 ** i);
    });
    expect(outcome).toMatchObject({
      status: "failed",
      error: { kind: "http_status", httpStatus: 500, attempts: 4 },
      consecutiveFailures: 1,
      nextRetryAt: new Date(clock.now().getTime() + 60_000),
    });
    expect(counting.calls.insertArticles).toBe(0);
    expect(store.listArticles()).toEqual(before);

    const state = await store.getSourceState("investing");
    expect(state).toMatchObject({ healthy: false, consecutiveFailures: 1, etag: '"v1"' });
    expect(state!.lastError).toMatch(/HTTP 500/);
    expect(state!.nextRetryAt).toEqual(new Date(clock.now().getTime() + 60_000));
  });

  it("fails with kind timeout when the server never answers", async () => {
    routes.set("/hang.rss", () => undefined);
    const { store, deps } = makeDeps();
    const started = performance.now();
    const outcome = await crawlSource(sourceAt("/hang.rss", { timeoutMs: 200, maxRetries: 1 }), deps);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(outcome).toMatchObject({ status: "failed", error: { kind: "timeout", attempts: 2 } });
    expect(hits("/hang.rss")).toHaveLength(2);
    expect(await store.getSourceState("investing")).toMatchObject({ healthy: false, consecutiveFailures: 1 });
    expect((await store.getSourceState("investing"))!.lastError).toMatch(/timed out after 200 ms/);
  });

  it("on malformed XML: fails, marks unhealthy, keeps stored articles and the previous ETag", async () => {
    routes.set("/broken.rss", sequence(serveXml(fixture("duplicates.rss.xml"), { etag: '"good"' }), serveXml(fixture("malformed.xml"), { etag: '"bad"' })));
    const { store, deps, clock } = makeDeps();
    const source = sourceAt("/broken.rss");
    await crawlSource(source, deps);
    const before = store.listArticles();

    clock.advance(60_000);
    const outcome = await crawlSource(source, deps);
    expect(outcome).toMatchObject({ status: "failed", error: { kind: "parse" } });
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/not well-formed XML|neither RSS nor Atom/);
    expect(store.listArticles()).toEqual(before);
    // Keeping '"good"' matters: saving '"bad"' would turn the next conditional GET into a 304
    // and the fixed feed would never be parsed.
    expect(await store.getSourceState("investing")).toMatchObject({ healthy: false, consecutiveFailures: 1, etag: '"good"' });
  });

  it("does not retry a 404", async () => {
    const { deps, sleeper } = makeDeps();
    const outcome = await crawlSource(sourceAt("/nope.rss"), deps);
    expect(outcome).toMatchObject({ status: "failed", error: { kind: "http_status", httpStatus: 404, attempts: 1 } });
    expect(hits("/nope.rss")).toHaveLength(1);
    expect(sleeper.delays).toEqual([]);
  });

  it("fails with kind network when the host is unreachable", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const { store, deps, sleeper } = makeDeps();
    const source = parseNewsSourceConfig({ name: "yahoo", url: `http://127.0.0.1:${port}/rss`, maxRetries: 2 });
    const outcome = await crawlSource(source, deps);
    expect(outcome).toMatchObject({ status: "failed", source: "yahoo", error: { kind: "network", attempts: 3 } });
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/ECONNREFUSED/);
    expect(sleeper.delays).toHaveLength(2);
    expect(await store.getSourceState("yahoo")).toMatchObject({ healthy: false, consecutiveFailures: 1 });
  });

  it("skips an unhealthy source until nextRetryAt, then retries; backoff doubles per failure", async () => {
    let up = false;
    routes.set("/recovering.rss", (req, res) => (up ? serveXml(fixture("yahoo-finance.rss.xml"))(req, res) : serveStatus(503)(req, res)));
    const { store, deps, clock } = makeDeps();
    const source = sourceAt("/recovering.rss", { maxRetries: 0 }, "yahoo");

    const failed = await crawlSource(source, deps);
    expect(failed).toMatchObject({ status: "failed", nextRetryAt: new Date(clock.now().getTime() + 60_000) });
    expect(hits("/recovering.rss")).toHaveLength(1);

    clock.advance(30_000);
    const skipped = await crawlSource(source, deps);
    expect(skipped.status).toBe("skipped");
    expect(skipped.status === "skipped" && skipped.reason).toMatch(/unhealthy after 1 consecutive failure.*HTTP 503.*next retry at 2024-05-03T00:01:00\.000Z/);
    expect(hits("/recovering.rss")).toHaveLength(1); // no request while backing off

    clock.advance(31_000); // past nextRetryAt, still down → second failure, 2 min backoff
    const failedAgain = await crawlSource(source, deps);
    expect(failedAgain).toMatchObject({ status: "failed", consecutiveFailures: 2, nextRetryAt: new Date(clock.now().getTime() + 120_000) });
    expect(hits("/recovering.rss")).toHaveLength(2);

    up = true;
    clock.advance(119_000);
    expect((await crawlSource(source, deps)).status).toBe("skipped");
    clock.advance(1_000); // exactly nextRetryAt: allowed
    const recovered = await crawlSource(source, deps);
    expect(recovered).toMatchObject({ status: "ok", inserted: 6 });
    expect(await store.getSourceState("yahoo")).toMatchObject({
      healthy: true,
      consecutiveFailures: 0,
      lastError: null,
      nextRetryAt: null,
    });

    expect(failureBackoffMs(1)).toBe(60_000);
    expect(failureBackoffMs(3)).toBe(240_000);
    expect(failureBackoffMs(50)).toBe(3_600_000);
  });

  it("conditional GET: sends If-None-Match / If-Modified-Since and handles 304 as not_modified", async () => {
    const lastModified = "Thu, 02 May 2024 21:00:00 GMT";
    routes.set("/cached.rss", (req, res) => {
      if (req.headers["if-none-match"] === '"abc"') return void res.writeHead(304, { etag: '"abc"' }).end();
      serveXml(fixture("investing-news.rss.xml"), { etag: '"abc"', "last-modified": lastModified })(req, res);
    });
    const { store, deps } = makeDeps({ useConditionalGet: true });
    const source = sourceAt("/cached.rss");

    const first = await crawlSource(source, deps);
    expect(first).toMatchObject({ status: "ok", inserted: 13 });
    expect(await store.getSourceState("investing")).toMatchObject({ etag: '"abc"', lastModified });

    const counting = countingStore(store);
    const second = await crawlSource(source, { ...deps, store: counting.store });
    expect(second).toMatchObject({ status: "not_modified", fetched: 0, parsed: 0, inserted: 0, duplicates: 0 });
    const conditional = hits("/cached.rss")[1]!;
    expect(conditional.headers["if-none-match"]).toBe('"abc"');
    expect(conditional.headers["if-modified-since"]).toBe(lastModified);
    expect(counting.calls.insertArticles).toBe(0);
    expect(store.articleCount).toBe(13);
    expect(await store.getSourceState("investing")).toMatchObject({ healthy: true, etag: '"abc"', lastModified });

    // Without the option the same stored ETag is NOT sent: full download.
    const baseline = await crawlSource(source, { ...deps, useConditionalGet: false });
    expect(baseline).toMatchObject({ status: "ok", inserted: 0, duplicates: 13 });
    expect(hits("/cached.rss")[2]!.headers["if-none-match"]).toBeUndefined();
  });

  it("propagates storage errors without recording new validators", async () => {
    routes.set("/store-down.rss", serveXml(fixture("duplicates.rss.xml"), { etag: '"new"' }));
    const { store, deps } = makeDeps();
    const brokenStore: NewsStore = {
      getSourceState: (name) => store.getSourceState(name),
      saveSourceState: (state) => store.saveSourceState(state),
      insertArticles: async () => {
        throw new Error("db unavailable");
      },
    };
    await expect(crawlSource(sourceAt("/store-down.rss"), { ...deps, store: brokenStore })).rejects.toThrow("db unavailable");
    expect(await store.getSourceState("investing")).toBeNull();
  });
});

describe("crawlAllSequential (baseline)", () => {
  it("crawls sources one after the other with full downloads", async () => {
    const events: string[] = [];
    routes.set("/seq/investing", (req, res) => {
      events.push("investing:start");
      setTimeout(() => {
        events.push("investing:end");
        serveXml(fixture("investing-news.rss.xml"), { etag: '"i1"' })(req, res);
      }, 100);
    });
    routes.set("/seq/yahoo", (req, res) => {
      events.push("yahoo:start");
      serveXml(fixture("yahoo-finance.rss.xml"), { etag: '"y1"' })(req, res);
    });
    const sources = defaultNewsSources({
      investing: { url: `${baseUrl}/seq/investing` },
      yahoo: { url: `${baseUrl}/seq/yahoo` },
    });
    const { store, deps } = makeDeps();

    const outcomes = await crawlAllSequential(sources, deps);
    expect(outcomes.map((o) => [o.source, o.status])).toEqual([
      ["investing", "ok"],
      ["yahoo", "ok"],
    ]);
    expect(events).toEqual(["investing:start", "investing:end", "yahoo:start"]);
    expect(store.articleCount).toBe(13 + 6);

    // Second pass: ETags are stored, but the baseline still downloads everything.
    await crawlAllSequential(sources, { ...deps, useConditionalGet: true } as CrawlDeps);
    expect(requests.filter((r) => r.headers["if-none-match"] !== undefined)).toEqual([]);
    expect(store.articleCount).toBe(19);
  });

  it("keeps going when one source fails", async () => {
    routes.set("/seq/yahoo", serveXml(fixture("yahoo-finance.rss.xml")));
    const sources = defaultNewsSources({
      investing: { url: `${baseUrl}/seq/gone`, maxRetries: 0 },
      yahoo: { url: `${baseUrl}/seq/yahoo` },
    });
    const { deps } = makeDeps();
    const outcomes = await crawlAllSequential(sources, deps);
    expect(outcomes.map((o) => o.status)).toEqual(["failed", "ok"]);
  });
});

describe("MemoryNewsStore", () => {
  it("dedupes by dedupeKey, never overwrites, and isolates stored values from callers", async () => {
    const store = new MemoryNewsStore();
    const article = {
      guid: "g1",
      link: "https://x.test/1",
      title: "first",
      summary: null,
      publishedAt: null,
      dedupeKey: "guid:investing:g1",
      source: "investing",
      tickers: ["AAPL"],
      fetchedAt: new Date("2024-05-03T00:00:00Z"),
    };
    expect(await store.insertArticles([article, { ...article, title: "same key" }])).toBe(1);
    expect(
      await store.insertArticles([
        { ...article, title: "later" },
        { ...article, dedupeKey: "k2" },
      ]),
    ).toBe(1);
    article.tickers.push("MUTATED");
    expect(store.listArticles().map((a) => [a.dedupeKey, a.title, a.tickers])).toEqual([
      ["guid:investing:g1", "first", ["AAPL"]],
      ["k2", "first", ["AAPL"]],
    ]);

    expect(await store.getSourceState("x")).toBeNull();
    const state: NewsSourceState = initialSourceState("x");
    await store.saveSourceState(state);
    state.healthy = false;
    expect((await store.getSourceState("x"))!.healthy).toBe(true);
  });
});

describe("one bad item cannot stop a crawl", () => {
  /** Rejects what Postgres would reject (news_article.title NOT NULL, NUL in text, years past 294276). */
  function strictStore() {
    const inner = new MemoryNewsStore();
    const store: NewsStore = {
      getSourceState: (n) => inner.getSourceState(n),
      saveSourceState: (s) => inner.saveSourceState(s),
      insertArticles: async (articles) => {
        for (const a of articles) {
          if (typeof a.title !== "string" || a.title === "") throw new Error('null value in column "title" violates not-null constraint');
          for (const v of [a.title, a.summary, a.link, a.guid]) if (v?.includes("\u0000")) throw new Error("invalid byte sequence for encoding UTF8: 0x00");
          if (a.publishedAt && (a.publishedAt.getUTCFullYear() > 9999 || a.publishedAt.getUTCFullYear() < 1)) throw new Error("timestamp out of range");
        }
        return inner.insertArticles(articles);
      },
    };
    return { store, inner };
  }

  // Shapes the feedparser test corpus exercises, written anew here: an RSS item with only a link
  // and an enclosure, an Atom entry without a title, a description-only item, HTML and NUL in
  // titles, an impossible date, an item whose fields are elements instead of text.
  const hostileRss = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><enclosure url="http://example.com/a.jpg" length="100000" type="image/jpeg" /><link>http://example.com/only-a-link</link></item>
<item><description>Only a description about NASDAQ:AAPL results.</description></item>
<item><title>&lt;b&gt;Bold&lt;/b&gt; headline with &lt;a href="x"&gt;a link&lt;/a&gt;</title><link>http://example.com/html-title</link></item>
<item><title>NUL\u0000 in the title</title><link>http://example.com/nul</link></item>
<item><title>Far future</title><link>http://example.com/future</link><pubDate>Sat, 13 Sep 275760 00:00:00 GMT</pubDate></item>
<item><title><span>element</span></title><link><a/></link><description>An item with element children instead of text.</description></item>
<item><title>javascript link</title><link>javascript:alert(1)</link></item>
<item></item>
</channel></rss>`;
  const hostileAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id><updated>2024-05-02T00:00:00Z</updated>
<entry><id>urn:no-title</id><link rel="alternate" href="http://example.com/alternate"/><updated>2024-05-02T00:00:00Z</updated></entry>
<entry><id>urn:html</id><title type="html">&lt;i&gt;Italic&lt;/i&gt; AT&amp;amp;T news</title><link href="http://example.com/att"/><updated>2024-05-02T00:00:00Z</updated></entry>
</feed>`;

  it("stores every item that has something to show, as text, and counts the rest with a reason", async () => {
    const { store, inner } = strictStore();
    routes.set("/hostile.rss", serveXml(hostileRss));
    const outcome = await crawlSource(sourceAt("/hostile.rss"), { ...makeDeps().deps, store });
    expect(outcome).toMatchObject({ status: "ok", fetched: 8, parsed: 7, dropped: 1, droppedReasons: { empty: 1 }, inserted: 7 });
    const titles = inner.listArticles().map((a) => a.title);
    expect(titles).toContain("example.com/only-a-link");
    expect(titles).toContain("Only a description about NASDAQ:AAPL results.");
    expect(titles).toContain("Bold headline with a link");
    expect(titles).toContain("NUL in the title");
    expect(inner.listArticles().find((a) => a.title === "Far future")?.publishedAt).toBeNull();
    expect(inner.listArticles().find((a) => a.title === "javascript link")?.link).toBeNull();
    expect(titles.every((t) => !t!.includes("<") && !t!.includes(">") && !t!.includes("\u0000"))).toBe(true);
  });

  it("reads title-less and HTML-titled Atom entries", async () => {
    const { store, inner } = strictStore();
    routes.set("/hostile.atom", serveXml(hostileAtom, { "content-type": "application/atom+xml" }));
    const outcome = await crawlSource(sourceAt("/hostile.atom"), { ...makeDeps().deps, store });
    expect(outcome).toMatchObject({ status: "ok", fetched: 2, inserted: 2 });
    expect(
      inner
        .listArticles()
        .map((a) => a.title)
        .sort(),
    ).toEqual(["Italic AT&T news", "example.com/alternate"]);
  });

  it("does not retry a redirect loop or a redirect to another scheme, and says why", async () => {
    routes.set("/loop-a", serveStatus(302, { location: "/loop-b" }));
    routes.set("/loop-b", serveStatus(301, { location: "/loop-a" }));
    routes.set("/to-ftp", serveStatus(302, { location: "ftp://example.com/feed.xml" }));
    routes.set("/hop", serveStatus(307, { location: "/hostile.rss" }));
    routes.set("/hostile.rss", serveXml(hostileRss));
    for (const [p, message] of [
      ["/loop-a", /redirects in a loop/],
      ["/to-ftp", /redirects to a non-http address \(ftp:\)/],
    ] as const) {
      const { deps, sleeper } = makeDeps();
      const outcome = await crawlSource(sourceAt(p), deps);
      expect(outcome.status).toBe("failed");
      expect(outcome.status === "failed" && outcome.error).toMatchObject({ kind: "redirect", message: expect.stringMatching(message), attempts: 1 });
      expect(sleeper.delays).toEqual([]);
    }
    const followed = await crawlSource(sourceAt("/hop"), makeDeps().deps);
    expect(followed).toMatchObject({ status: "ok", inserted: 7 });
  });

  it("reads a well-formed document of an unexpected shape as a sentence, not a TypeError", async () => {
    routes.set("/weird.xml", serveXml(`<?xml version="1.0"?><rss version="2.0"></rss>`));
    const outcome = await crawlSource(sourceAt("/weird.xml"), makeDeps().deps);
    if (outcome.status === "failed") expect(outcome.error.message).not.toMatch(/^Cannot read/);
    else expect(outcome).toMatchObject({ status: "ok", fetched: 0 });
  });
});
