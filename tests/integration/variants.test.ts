/**
 * Optimized variants ≡ baseline services, on the REAL data set in a real PostgreSQL (a fresh copy
 * of the imported template). Every comparison goes through lib/market/optimized/equivalence, the
 * checks the optimization engine uses; the last block proves those checks do catch differences.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeIndicatorsCompact } from "../../lib/market/indicators/compact";
import { DEFAULT_INDICATOR_PARAMS, parseIndicatorParams } from "../../lib/market/indicators/params";
import { indicatorSetsEquivalent } from "../../lib/market/indicators/result";
import { crawlAllSequential, type CrawlDeps } from "../../lib/market/news/crawl-source";
import { MemoryNewsStore } from "../../lib/market/news/memory-store";
import { defaultNewsSources } from "../../lib/market/news/sources";
import type { PriceAlertStore, SignalStore } from "../../lib/market/ports";
import { calculateIndicators, calculateIndicatorsBatch } from "../../lib/market/services/calculate-indicators";
import { checkPrices } from "../../lib/market/services/check-prices";
import { generateSignals } from "../../lib/market/services/generate-signals";
import { takeSnapshot } from "../../lib/market/services/take-snapshot";
import * as eq from "../../lib/market/optimized/equivalence";
import { calculateIndicatorsBatchParallel } from "../../lib/market/optimized/indicators-async";
import { calculateIndicatorsBatchCompact, calculateIndicatorsCompact } from "../../lib/market/optimized/indicators-memory";
import { crawlAllConcurrent } from "../../lib/market/optimized/news-concurrent";
import { checkPricesIncremental } from "../../lib/market/optimized/prices-incremental";
import { generateSignalsCompact, generateSignalsParallel } from "../../lib/market/optimized/signals-memory";
import { takeSnapshotBatched } from "../../lib/market/optimized/snapshot-batched";
import type { Broadcaster, PriceAlertPayload, SignalPayload } from "../../lib/realtime/events";
import { pgColumnSource } from "../../lib/server/domains/market/pg-columns";
import { pgColumnStore } from "../../lib/server/domains/market/pg-column-store";
import { advanceClock } from "../../lib/market/services/advance-clock";
import { dayNumber } from "../../lib/market/ports-compact";
import { pgBatchSnapshotStore } from "../../lib/server/domains/market/pg-snapshots-batched";
import { pgBarSource, pgClockStore, pgPriceAlertStore, pgPriceStore, pgSignalStore, pgSnapshotStore } from "../../lib/server/domains/market/pg-stores";
import { createIndicatorPool, type IndicatorPool } from "../../lib/server/platform/workers/indicator-pool";
import { dryRunBatchSnapshotStore } from "../../lib/market/dry-run";
import { createTestDatabase } from "../helpers/db";

const AS_OF = "2019-06-28";
const P = DEFAULT_INDICATOR_PARAMS;
const SLOW = { timeout: 240_000 };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bars: ReturnType<typeof pgBarSource>;
let columns: ReturnType<typeof pgColumnSource>;
let pool: IndicatorPool;
let universe: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  bars = pgBarSource(db.pool);
  columns = pgColumnSource(db.pool);
  pool = createIndicatorPool({ threads: 2 });
  universe = await bars.listSymbols();
});
afterAll(async () => {
  await pool?.close();
  await db?.drop();
});

function capture() {
  const events: { event: string; payload: unknown }[] = [];
  const broadcaster: Broadcaster = { publish: (event, payload) => void events.push({ event, payload }) };
  const found: SignalPayload[][] = [];
  // Inserts everything it is given (no de-duplication), so every run's detections are visible.
  const signals: SignalStore = { insertSignals: async (s) => (found.push(s), s.map((x) => ({ ...x }))) };
  return { events, broadcaster, found, signals };
}

describe("indicators", () => {
  it("calculateIndicatorsCompact ≡ calculateIndicators for every symbol of the universe", SLOW, async () => {
    expect(universe).toHaveLength(482);
    for (const symbol of universe) {
      const input = { symbol, asOf: AS_OF, params: P, points: 60 };
      const base = await calculateIndicators({ bars }, input);
      const verdict = eq.indicatorsResultEquivalent(base, await calculateIndicatorsCompact({ columns }, input));
      expect(verdict, symbol).toEqual({ equal: true });
    }
    // Full history with other parameters, unknown symbol, more points than bars.
    const params = parseIndicatorParams({ sma: [5, 30], ema: [9], rsi: 7, bollinger: { period: 10, k: 2.5 }, stochastic: { k: 5, d: 5 } });
    for (const [symbol, points] of [
      ["AAPL", 100_000],
      ["MSFT", 0],
      ["NOPE", 10],
    ] as const) {
      const input = { symbol, asOf: AS_OF, params, points };
      const base = await calculateIndicators({ bars }, input);
      expect(eq.indicatorsResultEquivalent(base, await calculateIndicatorsCompact({ columns }, input)), symbol).toEqual({ equal: true });
    }
  });

  it("batch variants (memory, parallel pool) ≡ calculateIndicatorsBatch on all 482 symbols", SLOW, async () => {
    const input = { symbols: [...universe, "NOPE", "AAPL"], asOf: AS_OF, params: P };
    const base = await calculateIndicatorsBatch({ bars }, input);
    expect(base.results).toHaveLength(484);
    expect(eq.indicatorsBatchEquivalent(base, await calculateIndicatorsBatchCompact({ columns }, input))).toEqual({ equal: true });
    expect(eq.indicatorsBatchEquivalent(base, await calculateIndicatorsBatchParallel({ columns, pool }, input))).toEqual({ equal: true });
    // Again: the pool now reuses the released buffers (dirty memory must not leak into results).
    expect(eq.indicatorsBatchEquivalent(base, await calculateIndicatorsBatchParallel({ columns, pool }, input))).toEqual({ equal: true });
  });

  it("the pool really runs in worker threads, is bit-identical and leaves the columns intact", SLOW, async () => {
    for (const reply of await pool.ping()) expect(reply).toMatchObject({ isMainThread: false, threadId: expect.any(Number) });
    expect((await pool.ping()).every((r) => r.threadId > 0)).toBe(true);
    const all = await columns.allColumnsUpTo(AS_OF);
    const items = [...all].map(([symbol, cols]) => ({ symbol, cols }));
    const before = items.map((i) => i.cols.close.reduce((a, b) => a + b, 0));
    const sets = await pool.computeMany(items, P);
    expect(pool.lastStats()!.chunks).toBeGreaterThan(1);
    expect([...sets.keys()]).toEqual(items.map((i) => i.symbol));
    for (const { symbol, cols } of items) {
      expect(indicatorSetsEquivalent(computeIndicatorsCompact(cols, P), sets.get(symbol)!, { relTol: 0, absTol: 0 }), symbol).toEqual({ equal: true });
    }
    expect(items.map((i) => i.cols.close.reduce((a, b) => a + b, 0))).toEqual(before);
    pool.release(sets);
  });
});

describe("signals", () => {
  it.each(["2016-01-20", "2018-02-05", AS_OF])("compact and parallel ≡ generateSignals on %s", SLOW, async (asOf) => {
    const runs = [capture(), capture(), capture()];
    const input = { asOf, params: P };
    const base = await generateSignals({ bars, ...runs[0]! }, input);
    const compact = await generateSignalsCompact({ columns, ...runs[1]! }, input);
    const parallel = await generateSignalsParallel({ columns, pool, ...runs[2]! }, input);
    expect(base.symbolsScanned).toBe(482);
    expect(base.detected).toBeGreaterThan(0);
    expect(eq.signalsResultEquivalent(base, compact)).toEqual({ equal: true });
    expect(eq.signalsResultEquivalent(base, parallel)).toEqual({ equal: true });
    // Same store call and the same broadcast (one event with the inserted signals).
    for (const r of runs.slice(1)) {
      expect(r.found).toHaveLength(1);
      expect(r.events.map((e) => e.event)).toEqual(["signals:new"]);
    }
  });

  it("with the real store: the same rows are inserted, and a second run de-duplicates", SLOW, async () => {
    const store = pgSignalStore(db.pool);
    const c = capture();
    const first = await generateSignalsCompact({ columns, signals: store, broadcaster: c.broadcaster }, { asOf: AS_OF, params: P });
    expect(first.inserted).toHaveLength(first.detected);
    const again = await generateSignals({ bars, signals: store, broadcaster: c.broadcaster }, { asOf: AS_OF, params: P });
    expect(again).toMatchObject({ detected: first.detected, inserted: [] });
    // Nothing new stored by the second run is no difference: both detected the same signals.
    expect(eq.signalsResultEquivalent(first, again)).toEqual({ equal: true });
    const rows = await db.pool.query("select symbol, date::text as date, kind, value, detail from signal where date = $1", [AS_OF]);
    expect(eq.signalsResultEquivalent({ ...again, signals: rows.rows }, first)).toEqual({ equal: true });
    expect(c.events).toHaveLength(1); // no broadcast when nothing new was inserted
  });
});

describe("price monitor and snapshot", () => {
  it("checkPricesIncremental ≡ checkPrices on a real tick and a constructed watch list", async () => {
    const prices = await pgClockStore(db.pool).advanceTo(AS_OF, 1, false);
    expect(prices.length).toBeGreaterThan(400);
    const watch: [string, number | null, number | null][] = [["ZZZZ", 1, null]];
    prices.forEach((p, i) => {
      if (i % 5 === 0) watch.push([p.symbol, p.close * 0.98, null], [p.symbol, null, p.close * 1.02]);
      if (i % 7 === 0) watch.push([p.symbol, p.close * 1.5, p.close * 0.5]); // never fires
    });
    await db.pool.query("insert into watch_item (symbol, above, below) select * from unnest($1::text[], $2::float8[], $3::float8[])", [
      watch.map((w) => w[0]),
      watch.map((w) => w[1]),
      watch.map((w) => w[2]),
    ]);
    const pgAlerts = pgPriceAlertStore(db.pool);
    const run = async (check: typeof checkPrices) => {
      const found: PriceAlertPayload[][] = [];
      const alerts: PriceAlertStore = { watchItems: () => pgAlerts.watchItems(), insertAlerts: (a) => (found.push(a), pgAlerts.insertAlerts(a)) };
      const result = await check({ alerts, broadcaster: capture().broadcaster }, { date: AS_OF, prices, thresholdPct: 3 });
      const stored = await db.pool.query("select symbol, date::text, kind, price, change_pct, threshold, watch_id from price_alert order by id");
      await db.pool.query("delete from price_alert");
      return { result, found, stored: stored.rows };
    };
    const base = await run(checkPrices);
    const incremental = await run(checkPricesIncremental);
    expect(base.result.alerts.length).toBeGreaterThan(100);
    expect(base.result.alerts.some((a) => a.kind.startsWith("move_"))).toBe(true);
    expect(eq.priceCheckEquivalent(base.result, incremental.result)).toEqual({ equal: true });
    expect(incremental.found).toEqual(base.found); // same alerts handed to the store, same order
    expect(incremental.stored).toEqual(base.stored);
  });

  it("takeSnapshotBatched writes the same rows as takeSnapshot", async () => {
    const prices = pgPriceStore(db.pool);
    const t1 = new Date("2024-05-03T10:11:12.345Z");
    const t2 = new Date("2024-05-03T10:11:13.678Z");
    const base = await takeSnapshot({ prices, snapshots: pgSnapshotStore(db.pool) }, { takenAt: t1 });
    const batched = await takeSnapshotBatched({ prices, snapshots: pgBatchSnapshotStore(db.pool) }, { takenAt: t2 });
    expect(base).toMatchObject({ marketDate: AS_OF });
    expect(base.rows).toBeGreaterThan(400);
    expect(batched).toMatchObject({ marketDate: base.marketDate, rows: base.rows });
    // Same input, same rows: the batched variant run dry (as in shadow mode) builds what the baseline wrote…
    expect(eq.snapshotEquivalent(base, await takeSnapshotBatched({ prices, snapshots: dryRunBatchSnapshotStore() }, { takenAt: t1 }))).toEqual({ equal: true });
    // …and rows stamped with another time are other rows.
    expect(eq.snapshotEquivalent(base, batched)).toMatchObject({ equal: false, diff: expect.stringMatching(/^digest: /) });
    const rows = async (t: Date) =>
      (
        await db.pool.query(
          "select taken_at, market_date::text, symbol, price, change, change_pct, volume from price_snapshot where taken_at = $1 order by symbol",
          [t],
        )
      ).rows;
    const [a, b] = [await rows(t1), await rows(t2)];
    expect(a).toHaveLength(base.rows);
    expect(a.every((r) => r.taken_at.getTime() === t1.getTime()) && b.every((r) => r.taken_at.getTime() === t2.getTime())).toBe(true);
    expect(b.map(({ taken_at: _, ...r }) => r)).toEqual(a.map(({ taken_at: _, ...r }) => r));
  });
});

describe("news", () => {
  const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/feeds", name), "utf8");
  it("crawlAllConcurrent ≡ crawlAllSequential, limited per host, with conditional GET", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const conditional: string[] = [];
    const server = http.createServer((req, res) => {
      const file = req.url === "/investing.rss" ? "investing-news.rss.xml" : "yahoo-finance.rss.xml";
      const etag = `"${file}"`;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (req.headers["if-none-match"]) conditional.push(req.url!);
      setTimeout(() => {
        inFlight--;
        if (req.headers["if-none-match"] === etag) res.writeHead(304, { etag }).end();
        else res.writeHead(200, { "content-type": "application/rss+xml", etag }).end(fixture(file));
      }, 100);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sources = defaultNewsSources({ investing: { url: `${base}/investing.rss` }, yahoo: { url: `${base}/yahoo.rss` } });
    const deps = (store: MemoryNewsStore): Omit<CrawlDeps, "useConditionalGet"> => ({
      store,
      universe: new Set(universe),
      now: () => new Date("2024-05-03T00:00:00Z"),
      sleep: async () => undefined,
    });
    try {
      const [seqStore, conStore] = [new MemoryNewsStore(), new MemoryNewsStore()];
      const seq = await crawlAllSequential(sources, deps(seqStore));
      expect(maxInFlight).toBe(1);
      maxInFlight = 0;
      const con = await crawlAllConcurrent(sources, deps(conStore));
      expect(maxInFlight).toBe(2);
      expect(seq.map((o) => [o.source, o.status])).toEqual([
        ["investing", "ok"],
        ["yahoo", "ok"],
      ]);
      expect(eq.crawlOutcomeEquivalent(seq, con)).toEqual({ equal: true });
      const articles = (s: MemoryNewsStore) =>
        s
          .listArticles()
          .map((a) => [a.dedupeKey, a.tickers])
          .sort();
      expect(articles(conStore)).toEqual(articles(seqStore));
      expect(conStore.articleCount).toBeGreaterThan(10);

      // Unchanged feeds: the baseline downloads again (ok, 0 new), the variant gets 304s.
      const seq2 = await crawlAllSequential(sources, deps(seqStore));
      maxInFlight = 0;
      const con2 = await crawlAllConcurrent(sources, deps(conStore), { perHostLimit: 1 });
      expect(maxInFlight).toBe(1);
      expect(con2.map((o) => o.status)).toEqual(["not_modified", "not_modified"]);
      expect(conditional.sort()).toEqual(["/investing.rss", "/yahoo.rss"]);
      expect(eq.crawlOutcomeEquivalent(seq2, con2)).toEqual({ equal: true });
      expect(articles(conStore)).toEqual(articles(seqStore));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("the equivalence checks detect differences", () => {
  it("reports the path and both values", async () => {
    const base = await calculateIndicators({ bars }, { symbol: "AAPL", asOf: AS_OF, params: P, points: 20 });
    const nudge = structuredClone(base);
    nudge.latest.bollinger.upper! *= 1 + 1e-12; // rounding-sized: still equivalent
    expect(eq.indicatorsResultEquivalent(base, nudge)).toEqual({ equal: true });
    const bad = structuredClone(base);
    bad.latest.bollinger.upper! *= 1 + 1e-6;
    const v = eq.indicatorsResultEquivalent(base, bad);
    expect(v.equal).toBe(false);
    expect(!v.equal && v.diff).toMatch(/^latest\.bollinger\.upper: baseline [\d.]+, optimized [\d.]+ \(\|Δ\| .*, rel 1\.0e-6\)$/);
    const series = structuredClone(base);
    series.series.rsi[3] = null;
    expect(eq.indicatorsResultEquivalent(base, series)).toMatchObject({
      equal: false,
      diff: expect.stringMatching(/^series\.rsi\[3\]: baseline [\d.]+, optimized null$/),
    });

    const batch = { asOf: AS_OF, results: ["AAPL", "MSFT"].map((s) => ({ symbol: s, bars: 10, lastBarDate: AS_OF, latest: structuredClone(base.latest) })) };
    const batch2 = structuredClone(batch);
    batch2.results[1]!.latest.sma["200"] = 1;
    expect(eq.indicatorsBatchEquivalent(batch, batch2)).toMatchObject({
      equal: false,
      diff: expect.stringMatching(/^results\[1 MSFT\]\.latest\.sma\.200: baseline [\d.]+, optimized 1 /),
    });

    const detected = [
      { symbol: "A", date: AS_OF, kind: "rsi_oversold", value: 28.5, detail: "RSI 28.50 fell below 30" },
      { symbol: "B", date: AS_OF, kind: "macd_bullish", value: 0.5, detail: "MACD 0.50 crossed above signal 0.40" },
    ];
    const sig = { asOf: AS_OF, symbolsScanned: 2, detected: 2, signals: detected, inserted: detected };
    expect(eq.signalsResultEquivalent(sig, { ...sig, signals: [...sig.signals].reverse() })).toEqual({ equal: true });
    expect(eq.signalsResultEquivalent(sig, { ...sig, signals: [sig.signals[0]!, { ...sig.signals[1]!, kind: "macd_bearish" }] }).equal).toBe(false);
    expect(eq.signalsResultEquivalent(sig, { ...sig, signals: [sig.signals[0]!, { ...sig.signals[1]!, value: 0.6 }] })).toMatchObject({
      diff: expect.stringMatching(/^signals\[B 2019-06-28 macd_bullish\]\.value: baseline 0\.5, optimized 0\.6/),
    });
    expect(eq.signalsResultEquivalent(sig, { ...sig, detected: 3 })).toMatchObject({ diff: "detected: baseline 2, optimized 3" });
    // The measured false rollback: the same signals detected, stored already by the other run.
    expect(eq.signalsResultEquivalent(sig, { ...sig, inserted: [] })).toEqual({ equal: true });

    const alert = (symbol: string) => ({ symbol, date: AS_OF, kind: "move_up", price: 1, changePct: 5, threshold: 3, watchId: 0 });
    const prices = { date: AS_OF, scanned: 2, found: [alert("A"), alert("B")], alerts: [alert("A"), alert("B")] };
    expect(eq.priceCheckEquivalent(prices, { ...prices, found: [alert("B"), alert("A")] })).toMatchObject({
      diff: 'found[0 A].symbol: baseline "A", optimized "B"',
    });
    expect(eq.priceCheckEquivalent(prices, { ...prices, found: [alert("A"), { ...alert("B"), watchId: 7 }] })).toMatchObject({
      diff: "found[1 B].watchId: baseline 0, optimized 7",
    });
    expect(eq.priceCheckEquivalent(prices, { ...prices, alerts: [] })).toEqual({ equal: true }); // stored already
    const snap = { marketDate: AS_OF, rows: 3, digest: "d1" };
    expect(eq.snapshotEquivalent(snap, { ...snap, rows: 4 })).toMatchObject({ diff: "rows: baseline 3, optimized 4" });
    expect(eq.snapshotEquivalent(snap, { ...snap, digest: "d2" })).toMatchObject({ diff: 'digest: baseline "d1", optimized "d2"' });
    const ok = { source: "yahoo", status: "ok", fetched: 6, parsed: 6, dropped: 0, inserted: 6, duplicates: 0, attempts: 1, durationMs: 1 } as const;
    expect(eq.crawlOutcomeEquivalent([ok], [{ ...ok, parsed: 5, dropped: 1 }])).toMatchObject({ diff: "outcomes[0 yahoo].parsed: baseline 6, optimized 5" });
    expect(eq.crawlOutcomeEquivalent([ok], [{ ...ok, inserted: 0, duplicates: 6 }])).toEqual({ equal: true }); // stored already
    // A 304 answers the validators of the last stored crawl; the baseline's new rows are no evidence against it.
    expect(eq.crawlOutcomeEquivalent([ok], [{ ...ok, status: "not_modified", fetched: 0, parsed: 0, inserted: 0 }])).toEqual({ equal: true });
    const failed = {
      source: "yahoo",
      status: "failed",
      error: { kind: "http_status", message: "503", httpStatus: 503 },
      consecutiveFailures: 1,
      nextRetryAt: new Date(0),
      durationMs: 1,
    } as const;
    expect(eq.crawlOutcomeEquivalent([ok], [failed])).toMatchObject({ diff: 'outcomes[0 yahoo].status: baseline "ok", optimized "failed"' });
  });
});

describe("the in-memory column store across market ticks", () => {
  // Its own database: the test removes and re-adds bars, as a live feed writes each new day.
  let live: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    live = await createTestDatabase();
  });
  afterAll(async () => {
    await live?.drop();
  });

  /** Every store-backed variant ≡ its baseline (which reads Postgres) at the clock's date. */
  async function expectEquivalentAt(asOf: string, store: ReturnType<typeof pgColumnStore>, liveBars: ReturnType<typeof pgBarSource>): Promise<void> {
    const runs = [capture(), capture(), capture()];
    const input = { asOf, params: P };
    const base = await generateSignals({ bars: liveBars, ...runs[0]! }, input);
    expect(base.symbolsScanned).toBe(482);
    expect(eq.signalsResultEquivalent(base, await generateSignalsCompact({ columns: store, ...runs[1]! }, input)), asOf).toEqual({ equal: true });
    expect(eq.signalsResultEquivalent(base, await generateSignalsParallel({ columns: store, pool, ...runs[2]! }, input)), asOf).toEqual({ equal: true });
    const batch = { symbols: [...universe.slice(0, 60), "NOPE", "AAPL"], asOf, params: P };
    const baseBatch = await calculateIndicatorsBatch({ bars: liveBars }, batch);
    expect(eq.indicatorsBatchEquivalent(baseBatch, await calculateIndicatorsBatchCompact({ columns: store }, batch)), asOf).toEqual({ equal: true });
    expect(eq.indicatorsBatchEquivalent(baseBatch, await calculateIndicatorsBatchParallel({ columns: store, pool }, batch)), asOf).toEqual({ equal: true });
    for (const symbol of ["AAPL", "MSFT", "NOPE"]) {
      const one = { symbol, asOf, params: P, points: 60 };
      const b = await calculateIndicators({ bars: liveBars }, one);
      expect(eq.indicatorsResultEquivalent(b, await calculateIndicatorsCompact({ columns: store }, one)), `${symbol} ${asOf}`).toEqual({ equal: true });
    }
  }

  it("appends each new day on its first read after the tick and stays ≡ the baselines", { timeout: 600_000 }, async () => {
    const liveBars = pgBarSource(live.pool);
    const clock = pgClockStore(live.pool);
    const broadcaster: Broadcaster = { publish: () => undefined };
    // The feed has delivered bars up to 2019-06-28 only; the rest arrives one day per tick.
    await live.pool.query("create table held_bar as select * from price_bar where date > '2019-06-28'");
    await live.pool.query("delete from price_bar where date > '2019-06-28'");
    expect((await advanceClock({ clock, broadcaster }, { startDate: "2019-06-28" })).date).toBe("2019-06-28");
    const store = pgColumnStore(live.pool);
    await store.ready();
    expect(store.stats().loadedThroughDay).toBe(dayNumber("2019-06-28"));
    const loaded = store.stats().bars;
    await expectEquivalentAt("2019-06-28", store, liveBars);

    for (let k = 1; k <= 3; k++) {
      await live.pool.query(
        "insert into price_bar select * from held_bar where date = (select min(date) from held_bar where date > (select max(date) from price_bar))",
      );
      const tick = await advanceClock({ clock, broadcaster }, { startDate: "2019-06-28" });
      await expectEquivalentAt(tick.date, store, liveBars);
      expect(store.stats()).toMatchObject({ catchUps: k, loadedThroughDay: dayNumber(tick.date) });
    }
    expect(store.stats().bars).toBeGreaterThan(loaded + 3 * 450);
    expect(store.stats().bytes / store.stats().bars).toBeLessThanOrEqual(56);

    // The whole history present (the replay's case): a fresh store loads it all at once, and
    // neither ticks nor a read at an earlier date (a restarted replay) need another bar query.
    await live.pool.query("insert into price_bar select * from held_bar on conflict do nothing");
    const full = pgColumnStore(live.pool);
    await full.ready();
    for (let k = 0; k < 2; k++) {
      const tick = await advanceClock({ clock, broadcaster }, { startDate: "2019-06-28" });
      await expectEquivalentAt(tick.date, full, liveBars);
    }
    await expectEquivalentAt("2016-01-20", full, liveBars);
    expect(full.stats().catchUps).toBe(0);
  });
});
