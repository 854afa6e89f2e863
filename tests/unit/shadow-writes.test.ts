/**
 * Shadow runs of operations that write (SPEC §3 shadow mode): the real operation modules under
 * the real engine, over in-memory ports. A shadow run writes and broadcasts nothing, and the
 * comparison is of what each run computed, so a row the primary already stored is never a
 * mismatch (the measured rollback: "inserted[AAPL 2017-01-17 rsi_overbought]: only in baseline"),
 * while a variant that computes something else still is.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dryRunBatchSnapshotStore, dryRunNewsStore, dryRunSignalStore } from "../../lib/market/dry-run";
import { computeIndicatorsCompact, toBarColumns } from "../../lib/market/indicators/compact";
import { DEFAULT_INDICATOR_PARAMS } from "../../lib/market/indicators/params";
import type { IndicatorSet } from "../../lib/market/indicators/result";
import { MemoryNewsStore } from "../../lib/market/news/memory-store";
import { defaultNewsSources } from "../../lib/market/news/sources";
import { takeSnapshotBatched } from "../../lib/market/optimized/snapshot-batched";
import type { LatestPriceRow, PriceAlertStore, SignalStore, SnapshotRow, WatchItemRow } from "../../lib/market/ports";
import type { ColumnSource } from "../../lib/market/ports-compact";
import { generateSignals as generateSignalsService } from "../../lib/market/services/generate-signals";
import type { Bar } from "../../lib/market/types";
import { crawlAll } from "../../lib/operations/news-crawlers/crawl-all";
import { crawlInvesting, crawlYahoo } from "../../lib/operations/news-crawlers/crawl-source";
import type { OperationDeps } from "../../lib/operations/operation-module";
import { checkPrices } from "../../lib/operations/price-monitor/check";
import { takeSnapshot } from "../../lib/operations/price-snapshot/take";
import { registerOperations } from "../../lib/operations/registry";
import { generateSignals } from "../../lib/operations/signal-generator/generate";
import { Engine } from "../../lib/optimizer/engine";
import type { OperationSpec } from "../../lib/optimizer/operation";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import { createRng, standardNormal } from "../../lib/optimizer/stats/rng";
import { MASTER_SWITCHES, type EngineEvent, type OptimizationState, type SampleInput, type Strategy } from "../../lib/optimizer/types";
import type { Broadcaster, PriceAlertPayload, SignalPayload } from "../../lib/realtime/events";

const P = DEFAULT_INDICATOR_PARAMS;
const switches = Object.fromEntries(MASTER_SWITCHES.map((s) => [s, true])) as Record<(typeof MASTER_SWITCHES)[number], boolean>;
const inShadow = (operation: string, strategy: Strategy): OptimizationState => ({
  id: `${operation}:${strategy}`,
  operation,
  strategy,
  state: "shadow",
  percent: 0,
  seed: 1,
  reason: null,
  version: 1,
  updatedAt: new Date(0).toISOString(),
  updatedBy: "test",
});

/** A seeded random-walk market: 40 symbols, 320 weekdays from 2015-01-05. */
function market(): Map<string, Bar[]> {
  const rng = createRng(20170117);
  const days: string[] = [];
  for (let t = Date.UTC(2015, 0, 5); days.length < 320; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
  }
  const bars = new Map<string, Bar[]>();
  for (let s = 0; s < 40; s++) {
    const symbol = `S${String(s).padStart(2, "0")}`;
    let close = 50 + s;
    bars.set(
      symbol,
      days.map((date) => {
        const open = close;
        close = open * Math.exp(0.025 * standardNormal(rng));
        const high = Math.max(open, close) * (1 + 0.01 * rng());
        const low = Math.min(open, close) * (1 - 0.01 * rng());
        return { symbol, date, open, high, low, close, adjClose: close, volume: 1_000_000 + Math.round(1e5 * rng()) };
      }),
    );
  }
  return bars;
}

/** In-memory ports of every operation; each store de-duplicates like its Postgres adapter. */
function harness() {
  const bars = market();
  const symbols = [...bars.keys()];
  const upTo = (symbol: string, asOf: string) => (bars.get(symbol) ?? []).filter((b) => b.date <= asOf);
  const log: string[] = [];
  // Holds the columnar (optimized) read until the primary has stored its signals: the order of
  // the measured rollback, where the shadow ran after the primary's writes.
  let primaryWrote!: () => void;
  const afterPrimaryWrite = new Promise<void>((resolve) => (primaryWrote = resolve));

  const storedSignals = new Map<string, SignalPayload>();
  const signals: SignalStore & OperationDeps["signals"] = {
    async insertSignals(found) {
      log.push("insertSignals");
      const fresh: SignalPayload[] = [];
      for (const s of found) {
        const key = `${s.symbol} ${s.date} ${s.kind}`;
        if (storedSignals.has(key)) continue;
        storedSignals.set(key, { ...s });
        fresh.push({ ...s });
      }
      primaryWrote();
      return fresh;
    },
    recentSignals: async () => [],
  };
  const columns: ColumnSource = {
    listSymbols: async () => symbols,
    columnsUpTo: async (symbol, asOf) => toBarColumns(upTo(symbol, asOf)),
    async allColumnsUpTo(asOf, wanted = symbols) {
      await afterPrimaryWrite;
      log.push("columnar read");
      return new Map(wanted.filter((s) => upTo(s, asOf).length > 0).map((s) => [s, toBarColumns(upTo(s, asOf))]));
    },
  };

  const watch: WatchItemRow[] = [];
  const storedAlerts = new Map<string, PriceAlertPayload>();
  let alertInserts = 0;
  const priceAlerts: PriceAlertStore = {
    watchItems: async () => watch.map((w) => ({ ...w })),
    async insertAlerts(found) {
      alertInserts++;
      const fresh: PriceAlertPayload[] = [];
      for (const { watchId, ...a } of found) {
        const key = `${a.symbol} ${a.date} ${a.kind} ${watchId}`;
        if (storedAlerts.has(key)) continue;
        storedAlerts.set(key, a);
        fresh.push({ ...a });
      }
      return fresh;
    },
  };

  let clockDate = "2016-02-01";
  const latest = (): LatestPriceRow[] =>
    symbols.flatMap((symbol) => {
      const b = upTo(symbol, clockDate);
      const last = b[b.length - 1];
      const prev = b[b.length - 2];
      if (!last) return [];
      return [
        {
          symbol,
          date: last.date,
          close: last.close,
          prevClose: prev?.close ?? null,
          changePct: prev ? (last.close / prev.close - 1) * 100 : null,
          volume: last.volume,
        },
      ];
    });
  const snapshotRows: SnapshotRow[] = [];
  let batchInserts = 0;

  const published: { event: string; payload: unknown }[] = [];
  const broadcaster: Broadcaster = { publish: (event, payload) => void published.push({ event, payload }) };
  const news = Object.assign(new MemoryNewsStore(), { countMentions: async () => ({}) });
  const savedStates: string[] = [];
  const saveSourceState = news.saveSourceState.bind(news);
  news.saveSourceState = async (s) => (savedStates.push(s.name), saveSourceState(s));

  const deps: Omit<OperationDeps, "invoke"> = {
    bars: { listSymbols: async () => symbols, barsUpTo: async (symbol, asOf) => upTo(symbol, asOf) },
    columns,
    clock: {
      read: async () => ({ currentDate: clockDate, tickCount: 1 }),
      nextTradingDay: async () => null,
      firstTradingDayOnOrAfter: async () => null,
      advanceTo: async () => [],
    },
    prices: { latestPrices: async () => latest() },
    signals,
    news,
    priceAlerts,
    snapshots: { insertOne: async (row) => void snapshotRows.push(row) },
    batchSnapshots: { insertMany: async (rows) => (batchInserts++, snapshotRows.push(...rows), rows.length) },
    broadcaster,
    workers: {
      async computeMany(items, params) {
        return new Map<string, IndicatorSet>(items.map((i) => [i.symbol, computeIndicatorsCompact(i.cols, params)]));
      },
    },
    newsSources: [],
    universe: async () => new Set(symbols),
    settings: { priceMoveAlertPct: 3 },
  };

  const samples: SampleInput[] = [];
  const events: EngineEvent[] = [];
  // random() = 0: every call of an operation with an optimization in shadow runs the shadow.
  const engine = new Engine({ sink: { record: (s) => void samples.push(s) }, emit: (e) => void events.push(e), random: () => 0 });
  const mismatches = () => events.flatMap((e) => (e.type === "shadow.mismatch" ? [e.mismatch] : []));
  return {
    bars,
    deps,
    engine,
    samples,
    events,
    mismatches,
    log,
    published,
    storedSignals,
    storedAlerts,
    watch,
    snapshotRows,
    news,
    savedStates,
    latest,
    setClock: (d: string) => void (clockDate = d),
    get alertInserts() {
      return alertInserts;
    },
    get batchInserts() {
      return batchInserts;
    },
  };
}

/** The first date (from the end of the data) on which the baseline detects at least 3 signals. */
async function dateWithSignals(h: ReturnType<typeof harness>): Promise<{ asOf: string; detected: SignalPayload[] }> {
  const days = h.bars.get("S00")!.map((b) => b.date);
  for (const asOf of days.slice(-60)) {
    const r = await generateSignalsService({ bars: h.deps.bars, signals: dryRunSignalStore(), broadcaster: { publish: () => undefined } }, { asOf, params: P });
    if (r.detected >= 3) return { asOf, detected: r.signals };
  }
  throw new Error("the synthetic market has no day with 3 signals");
}

const key = (s: SignalPayload) => `${s.symbol} ${s.date} ${s.kind}`;

describe("signal-generator.generate in shadow", () => {
  it("0 mismatches although the primary has stored the signals before the shadow reads; the shadow stores and publishes nothing", async () => {
    const h = harness();
    const { asOf, detected } = await dateWithSignals(h);
    const ops = registerOperations(h.engine, h.deps, [generateSignals]);
    h.engine.applyStates([inShadow(generateSignals.name, "memory")], switches);

    const first = await ops.invoke(generateSignals, { asOf, params: P });
    const again = await ops.invoke(generateSignals, { asOf, params: P }); // the next run of the job, same clock date
    // The caller gets the baseline's result: everything new the first time, nothing new the second.
    expect(first.inserted.map(key).sort()).toEqual(detected.map(key).sort());
    expect(again).toMatchObject({ detected: detected.length, inserted: [] });
    // The measured order: the primary wrote, then the shadow read (and found every signal stored).
    expect(h.log.slice(0, 2)).toEqual(["insertSignals", "columnar read"]);

    expect(h.mismatches()).toEqual([]);
    expect(h.engine.takeCounters(`${generateSignals.name}:memory`)).toMatchObject({ shadowRuns: 2, mismatches: 0, failures: 0 });
    expect(h.samples.filter((s) => s.shadow).map((s) => `${s.variant}/${s.outcome}`)).toEqual(["memory/ok", "memory/ok"]);
    // Only the primary wrote (one store call per call) and only its first run published.
    expect(h.log.filter((l) => l === "insertSignals")).toHaveLength(2);
    expect([...h.storedSignals.keys()].sort()).toEqual(detected.map(key).sort());
    expect(h.published.map((p) => p.event)).toEqual(["signals:new"]);
    expect((h.published[0]!.payload as { signals: SignalPayload[] }).signals.map(key).sort()).toEqual(detected.map(key).sort());
  });

  it("still reports a variant that computes other signals, and that variant's shadow writes nothing either", async () => {
    const h = harness();
    const { asOf, detected } = await dateWithSignals(h);
    const real = generateSignals.define({ ...h.deps, invoke: () => Promise.reject(new Error("unused")) });
    const memory = real.strategies!.find((s) => s.strategy === "memory")!.wrap(real.baseline);
    // A genuinely different computation: the first detected signal comes out with another kind.
    const wrong: typeof real = {
      ...real,
      strategies: [
        replaceStrategy("memory", "wrong kind for the first signal", async (i, cx) => {
          const r = await memory(i, cx);
          return { ...r, signals: r.signals.map((s, j) => (j === 0 ? { ...s, kind: "not_a_signal" } : s)) };
        }),
      ],
    };
    h.engine.register(wrong);
    h.engine.applyStates([inShadow(generateSignals.name, "memory")], switches);
    await h.engine.call(wrong, { asOf, params: P });

    const [m, ...more] = h.mismatches();
    expect(more).toEqual([]);
    expect(m).toMatchObject({ operation: generateSignals.name, variant: "memory", inputKey: asOf });
    expect(m!.diff).toMatch(new RegExp(`^signals\\[${detected[0]!.symbol} ${asOf} ${detected[0]!.kind}\\]: only in baseline`));
    expect(h.engine.takeCounters(`${generateSignals.name}:memory`)).toMatchObject({ shadowRuns: 1, mismatches: 1 });
    expect([...h.storedSignals.keys()].sort()).toEqual(detected.map(key).sort());
    expect(h.published.map((p) => p.event)).toEqual(["signals:new"]);
  });
});

describe("price-snapshot.take in shadow (not idempotent: shadowed only because its shadow writes nothing)", () => {
  it("writes each row once, compares the rows built, and catches a variant that builds other rows", async () => {
    const h = harness();
    const ops = registerOperations(h.engine, h.deps, [takeSnapshot]);
    h.engine.applyStates([inShadow(takeSnapshot.name, "batch")], switches);
    const takenAt = new Date("2026-01-02T03:04:30.000Z");
    const r = await ops.invoke(takeSnapshot, { takenAt });

    expect(r.rows).toBe(40);
    expect(h.snapshotRows).toHaveLength(40);
    expect(new Set(h.snapshotRows.map((x) => x.symbol)).size).toBe(40);
    expect(h.batchInserts).toBe(0); // the batched shadow run wrote nothing
    expect(h.mismatches()).toEqual([]);
    expect(h.engine.takeCounters(`${takeSnapshot.name}:batch`)).toMatchObject({ shadowRuns: 1, mismatches: 0 });

    // A variant that reads a wrong price builds other rows: caught by the rows' digest.
    const h2 = harness();
    const spec = takeSnapshot.define({ ...h2.deps, invoke: () => Promise.reject(new Error("unused")) });
    const wrong: typeof spec = {
      ...spec,
      strategies: [
        replaceStrategy("batch", "one price off by a cent", (i, cx) => {
          const prices = { latestPrices: async () => h2.latest().map((p, j) => (j === 5 ? { ...p, close: p.close + 0.01 } : p)) };
          return takeSnapshotBatched({ prices, snapshots: cx.shadow ? dryRunBatchSnapshotStore() : h2.deps.batchSnapshots }, i);
        }),
      ],
    };
    h2.engine.register(wrong);
    h2.engine.applyStates([inShadow(takeSnapshot.name, "batch")], switches);
    await h2.engine.call(wrong, { takenAt });
    expect(h2.mismatches().map((m) => m.diff)).toEqual([expect.stringMatching(/^digest: baseline "[0-9a-f]{32}", optimized "[0-9a-f]{32}"$/)]);
    expect(h2.snapshotRows).toHaveLength(40);
  });

  it("is not shadowed when its spec does not declare that the shadow's writes are discarded", async () => {
    const h = harness();
    const spec: OperationSpec = { ...takeSnapshot.define({ ...h.deps, invoke: () => Promise.reject(new Error("unused")) }), shadowWritesDiscarded: false };
    h.engine.register(spec);
    h.engine.applyStates([inShadow(takeSnapshot.name, "batch")], switches);
    await h.engine.call(spec, { takenAt: new Date("2026-01-02T03:04:30.000Z") });
    expect(h.samples.map((s) => `${s.variant}/${s.shadow}`)).toEqual(["baseline/false"]);
  });
});

describe("price-monitor.check in shadow", () => {
  it("stores and publishes each alert once over repeated runs of a tick, with 0 mismatches", async () => {
    const h = harness();
    h.watch.push({ id: 1, symbol: "S03", above: 1, below: null }, { id: 2, symbol: "S07", above: null, below: 1e6 });
    const ops = registerOperations(h.engine, h.deps, [checkPrices]);
    h.engine.applyStates([inShadow(checkPrices.name, "incremental")], switches);
    const prices = h.latest();
    const input = { date: prices[0]!.date, prices, thresholdPct: 1 };
    const first = await ops.invoke(checkPrices, input);
    const again = await ops.invoke(checkPrices, input);

    expect(first.found.length).toBeGreaterThan(2);
    expect(first.alerts).toHaveLength(first.found.length);
    expect(again.alerts).toEqual([]);
    expect(h.mismatches()).toEqual([]);
    expect(h.engine.takeCounters(`${checkPrices.name}:incremental`)).toMatchObject({ shadowRuns: 2, mismatches: 0 });
    expect(h.alertInserts).toBe(2); // the primary's, once per call
    expect(h.storedAlerts.size).toBe(first.found.length);
    expect(h.published.map((p) => p.event)).toEqual(["price-alerts:new"]);
  });
});

describe("news crawlers in shadow", () => {
  const feed = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/feeds", name), "utf8");
  let server: http.Server;
  let base: string;
  const requests: string[] = [];
  beforeEach(async () => {
    requests.length = 0;
    server = http.createServer((req, res) => {
      const file = req.url === "/investing.rss" ? "investing-news.rss.xml" : "yahoo-finance.rss.xml";
      const etag = `"${file}"`;
      requests.push(`${req.url} ${req.headers["if-none-match"] ? "conditional" : "full"}`);
      // A little latency, as a real feed has: both runs read the source state before either writes.
      setTimeout(() => {
        if (req.headers["if-none-match"] === etag) res.writeHead(304, { etag }).end();
        else res.writeHead(200, { "content-type": "application/rss+xml", etag }).end(feed(file));
      }, 20);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("a crawler's conditional-GET shadow saves no state and stores nothing: 0 mismatches when the primary stored the articles", async () => {
    const h = harness();
    h.deps.newsSources = defaultNewsSources({ investing: { url: `${base}/investing.rss` }, yahoo: { url: `${base}/yahoo.rss` } });
    const ops = registerOperations(h.engine, h.deps, [crawlInvesting, crawlYahoo, crawlAll]);
    h.engine.applyStates([inShadow(crawlInvesting.name, "incremental")], switches);

    const first = await ops.invoke(crawlInvesting, {});
    expect(first).toMatchObject({ status: "ok" });
    const stored = h.news.articleCount;
    expect(stored).toBeGreaterThan(5);
    expect(first.status === "ok" && first.inserted).toBe(stored);
    // Unchanged feed: the baseline downloads again (0 new), the shadow's conditional GET gets a 304.
    const again = await ops.invoke(crawlInvesting, {});
    expect(again).toMatchObject({ status: "ok", inserted: 0 });
    expect(requests.filter((r) => r.endsWith("conditional"))).toEqual(["/investing.rss conditional"]);

    expect(h.mismatches()).toEqual([]);
    expect(h.engine.takeCounters(`${crawlInvesting.name}:incremental`)).toMatchObject({ shadowRuns: 2, mismatches: 0, failures: 0 });
    expect(h.news.articleCount).toBe(stored);
    expect(h.savedStates).toEqual(["investing", "investing"]); // the primary's, once per call
    expect(h.published.map((p) => p.event)).toEqual(["news:new"]);
  });

  it("crawl-all's shadow crawls on dry-run ports itself, never through the engine (which would write)", async () => {
    const h = harness();
    h.deps.newsSources = defaultNewsSources({ investing: { url: `${base}/investing.rss` }, yahoo: { url: `${base}/yahoo.rss` } });
    const ops = registerOperations(h.engine, h.deps, [crawlInvesting, crawlYahoo, crawlAll]);
    h.engine.applyStates([inShadow(crawlAll.name, "async")], switches);

    const outcomes = await ops.invoke(crawlAll, {});
    expect(outcomes.map((o) => `${o.source} ${o.status}`)).toEqual(["investing ok", "yahoo ok"]);
    expect(h.mismatches()).toEqual([]);
    expect(h.engine.takeCounters(`${crawlAll.name}:async`)).toMatchObject({ shadowRuns: 1, mismatches: 0 });
    // Each crawler ran once, as the primary's call; the shadow's crawls are not crawler calls.
    expect(
      h.samples
        .filter((s) => s.operation !== crawlAll.name)
        .map((s) => `${s.operation} ${s.shadow}`)
        .sort(),
    ).toEqual([`${crawlInvesting.name} false`, `${crawlYahoo.name} false`]);
    expect(h.savedStates.sort()).toEqual(["investing", "yahoo"]);
    expect(h.published.map((p) => p.event)).toEqual(["news:new", "news:new"]);
    expect(requests).toHaveLength(4); // both runs fetched both feeds
  });
});

describe("dry-run ports", () => {
  it("read through, write nothing, and answer every distinct row handed to them", async () => {
    const real = new MemoryNewsStore();
    await real.saveSourceState({
      name: "yahoo",
      healthy: true,
      lastError: null,
      lastFetchedAt: null,
      lastSuccessAt: null,
      nextRetryAt: null,
      consecutiveFailures: 0,
      etag: '"e1"',
      lastModified: null,
    });
    const dry = dryRunNewsStore(real);
    expect(await dry.getSourceState("yahoo")).toMatchObject({ etag: '"e1"' });
    await dry.saveSourceState({ ...(await real.getSourceState("yahoo"))!, etag: '"e2"' });
    const article = {
      guid: null,
      link: null,
      title: "t",
      summary: null,
      publishedAt: null,
      dedupeKey: "k1",
      source: "yahoo",
      tickers: [],
      fetchedAt: new Date(0),
    };
    expect(await dry.insertArticles([article, article, { ...article, dedupeKey: "k2" }])).toBe(2);
    expect(await real.getSourceState("yahoo")).toMatchObject({ etag: '"e1"' });
    expect(real.articleCount).toBe(0);

    const s = { symbol: "A", date: "2017-01-17", kind: "rsi_overbought", value: 71, detail: "RSI 71.00 rose above 70" };
    expect(await dryRunSignalStore().insertSignals([s, { ...s, value: 72 }, { ...s, kind: "macd_bullish" }])).toEqual([s, { ...s, kind: "macd_bullish" }]);
  });
});
