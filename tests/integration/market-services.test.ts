import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_INDICATOR_PARAMS } from "../../lib/market/indicators/params";
import { advanceClock } from "../../lib/market/services/advance-clock";
import { buildReport } from "../../lib/market/services/build-report";
import { checkPrices } from "../../lib/market/services/check-prices";
import { generateSignals } from "../../lib/market/services/generate-signals";
import { takeSnapshot } from "../../lib/market/services/take-snapshot";
import type { Broadcaster } from "../../lib/realtime/events";
import {
  pgBarSource,
  pgClockStore,
  pgNewsStore,
  pgPriceAlertStore,
  pgPriceStore,
  pgSignalStore,
  pgSnapshotStore,
} from "../../lib/server/domains/market/pg-stores";
import { createTestDatabase } from "../helpers/db";
import { calculateIndicatorsBatchCompact } from "../../lib/market/optimized/indicators-memory";
import { deepCompare, INDICATOR_TOLERANCE } from "../../lib/market/optimized/equivalence";
import { pgColumnSource } from "../../lib/server/domains/market/pg-columns";

describe("market services on the real data", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const published: { event: string; payload: unknown }[] = [];
  const broadcaster: Broadcaster = { publish: (event, payload) => void published.push({ event, payload }) };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("replays one trading day per tick, persists the position and continues after a restart", async () => {
    const clock = pgClockStore(db.pool);
    const t1 = await advanceClock({ clock, broadcaster }, { startDate: "2016-01-02" });
    expect(t1).toMatchObject({ date: "2016-01-04", tick: 1, restarted: false });
    expect(t1.prices.length).toBeGreaterThan(450);
    const aapl = t1.prices.find((p) => p.symbol === "AAPL")!;
    expect(aapl.prevClose).not.toBeNull();
    expect(aapl.changePct).toBeCloseTo((aapl.close / aapl.prevClose! - 1) * 100, 9);
    // A "restart": a fresh store over the same database continues from the stored position.
    const t2 = await advanceClock({ clock: pgClockStore(db.pool), broadcaster }, { startDate: "2016-01-02" });
    expect(t2).toMatchObject({ date: "2016-01-05", tick: 2 });
    expect(published.filter((p) => p.event === "market:tick")).toHaveLength(2);
  });

  it("starts over at the end of the data", async () => {
    const clock = pgClockStore(db.pool);
    await db.pool.query(`update market_clock set "current_date" = '2020-01-10'`);
    const t = await advanceClock({ clock, broadcaster }, { startDate: "2016-01-02" });
    expect(t).toMatchObject({ date: "2016-01-04", restarted: true });
  });

  it("price monitor stores move and watch-list alerts once, however often it runs", async () => {
    await db.pool.query("insert into watch_item (symbol, above) values ('AAPL', 1)");
    const alerts = pgPriceAlertStore(db.pool);
    const prices = await pgPriceStore(db.pool).latestPrices();
    const date = prices[0]!.date;
    const input = { date, prices, thresholdPct: 3 };
    const first = await checkPrices({ alerts, broadcaster }, input);
    const expectedMoves = prices.filter((p) => p.changePct !== null && Math.abs(p.changePct) >= 3).length;
    expect(first.alerts.filter((a) => a.kind.startsWith("move_"))).toHaveLength(expectedMoves);
    expect(first.alerts.filter((a) => a.kind === "watch_above").map((a) => a.symbol)).toEqual(["AAPL"]);
    const second = await checkPrices({ alerts, broadcaster }, input);
    expect(second.alerts).toEqual([]);
    const stored = (await db.pool.query("select count(*)::int as n from price_alert")).rows[0].n;
    expect(stored).toBe(first.alerts.length);
  });

  it("snapshot writes one row per symbol's latest price", async () => {
    const r = await takeSnapshot({ prices: pgPriceStore(db.pool), snapshots: pgSnapshotStore(db.pool) }, { takenAt: new Date("2026-01-01T00:00:00Z") });
    const n = (await db.pool.query("select count(*)::int as n from price_snapshot where taken_at = '2026-01-01T00:00:00'")).rows[0].n;
    expect(n).toBe(r.rows);
    expect(r.rows).toBeGreaterThan(450);
  });

  it("signal generator stores de-duplicated signals at the clock's bar", async () => {
    const deps = { bars: pgBarSource(db.pool), signals: pgSignalStore(db.pool), broadcaster };
    const r = await generateSignals(deps, { asOf: "2016-01-04", params: DEFAULT_INDICATOR_PARAMS });
    expect(r.symbolsScanned).toBe(482);
    expect(r.detected).toBeGreaterThan(0);
    expect(r.inserted.length).toBe(r.detected);
    expect(r.inserted.every((s) => s.date === "2016-01-04")).toBe(true);
    const again = await generateSignals(deps, { asOf: "2016-01-04", params: DEFAULT_INDICATOR_PARAMS });
    expect(again.detected).toBe(r.detected);
    expect(again.inserted).toEqual([]);
  }, 60_000);

  it("builds a report with indicators, movers, signals and news counts, and names unknown symbols", async () => {
    const deps = { bars: pgBarSource(db.pool), prices: pgPriceStore(db.pool), signals: pgSignalStore(db.pool), news: pgNewsStore(db.pool) };
    const fractions: number[] = [];
    const report = await buildReport(
      deps,
      { symbols: ["AAPL", "MSFT", "NOPE"], asOf: "2016-01-04", params: DEFAULT_INDICATOR_PARAMS },
      (f) => void fractions.push(f),
    );
    expect(report.symbols).toEqual(["AAPL", "MSFT"]);
    expect(report.unknownSymbols).toEqual(["NOPE"]);
    expect(report.indicators.map((i) => i.lastBarDate)).toEqual(["2016-01-04", "2016-01-04"]);
    expect(report.topMovers.map((m) => m.symbol).sort()).toEqual(["AAPL", "MSFT"]);
    expect(report.newsCounts).toEqual({ AAPL: 0, MSFT: 0 });
    expect(fractions.length).toBe(2);
  });

  it("the report's memory variant (one batched columnar read) builds the same report as the baseline", async () => {
    const deps = { bars: pgBarSource(db.pool), prices: pgPriceStore(db.pool), signals: pgSignalStore(db.pool), news: pgNewsStore(db.pool) };
    const input = { symbols: ["AAPL", "MSFT", "SNI", "DXC", "NOPE"], asOf: "2019-06-28", params: DEFAULT_INDICATOR_PARAMS };
    const base = await buildReport(deps, input);
    const columns = pgColumnSource(db.pool);
    const compact = await buildReport(
      deps,
      input,
      undefined,
      async (symbols) => (await calculateIndicatorsBatchCompact({ columns }, { symbols, asOf: input.asOf, params: input.params })).results,
    );
    expect(deepCompare(base, compact, INDICATOR_TOLERANCE)).toBeNull();
    expect(compact.indicators.map((i) => i.symbol)).toEqual(["AAPL", "MSFT", "SNI", "DXC"]);
  });
});
