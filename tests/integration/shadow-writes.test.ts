/**
 * Shadow mode for operations that write, on the REAL data set in a real PostgreSQL: the signal
 * generator (`async`, the variant of the measured false rollback) and the snapshot (`batch`) in
 * shadow at sample rate 1 under the engine, over consecutive ticks of the replayed market clock.
 * Zero mismatches; the tables hold exactly what the baseline alone would have stored; a
 * deliberately wrong variant is still caught, and its shadow writes nothing either.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dryRunSignalStore, silentBroadcaster } from "../../lib/market/dry-run";
import { DEFAULT_INDICATOR_PARAMS } from "../../lib/market/indicators/params";
import { takeSnapshotBatched } from "../../lib/market/optimized/snapshot-batched";
import type { SnapshotRow } from "../../lib/market/ports";
import { generateSignals as generateSignalsService } from "../../lib/market/services/generate-signals";
import { snapshotDigest, snapshotRow } from "../../lib/market/services/take-snapshot";
import { advanceClock } from "../../lib/operations/market-clock/advance";
import type { OperationDeps } from "../../lib/operations/operation-module";
import { takeSnapshot } from "../../lib/operations/price-snapshot/take";
import { registerOperations } from "../../lib/operations/registry";
import { generateSignals } from "../../lib/operations/signal-generator/generate";
import { Engine } from "../../lib/optimizer/engine";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import { MASTER_SWITCHES, type EngineEvent, type OptimizationState, type SampleInput, type Strategy } from "../../lib/optimizer/types";
import type { Broadcaster, SignalPayload } from "../../lib/realtime/events";
import { pgColumnSource } from "../../lib/server/domains/market/pg-columns";
import { pgBatchSnapshotStore } from "../../lib/server/domains/market/pg-snapshots-batched";
import {
  pgBarSource,
  pgClockStore,
  pgNewsStore,
  pgPriceAlertStore,
  pgPriceStore,
  pgSignalStore,
  pgSnapshotStore,
} from "../../lib/server/domains/market/pg-stores";
import { createIndicatorPool, type IndicatorPool } from "../../lib/server/platform/workers/indicator-pool";
import { createTestDatabase } from "../helpers/db";

const P = DEFAULT_INDICATOR_PARAMS;
const SLOW = { timeout: 240_000 };
const switches = Object.fromEntries(MASTER_SWITCHES.map((s) => [s, true])) as Record<(typeof MASTER_SWITCHES)[number], boolean>;
const inShadow = (operation: string, strategy: Strategy): OptimizationState => ({
  id: `${operation}:${strategy}`,
  operation,
  strategy,
  state: "shadow",
  percent: 0,
  seed: 7,
  reason: null,
  version: 1,
  updatedAt: new Date(0).toISOString(),
  updatedBy: "test",
});

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let workers: IndicatorPool;
let deps: Omit<OperationDeps, "invoke">;
const published: { event: string; payload: unknown }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  workers = createIndicatorPool({ threads: 2 });
  const bars = pgBarSource(db.pool);
  const universe = new Set(await bars.listSymbols());
  const broadcaster: Broadcaster = { publish: (event, payload) => void published.push({ event, payload }) };
  deps = {
    bars,
    columns: pgColumnSource(db.pool),
    clock: pgClockStore(db.pool),
    prices: pgPriceStore(db.pool),
    signals: pgSignalStore(db.pool),
    news: pgNewsStore(db.pool),
    priceAlerts: pgPriceAlertStore(db.pool),
    snapshots: pgSnapshotStore(db.pool),
    batchSnapshots: pgBatchSnapshotStore(db.pool),
    broadcaster,
    workers,
    newsSources: [],
    universe: async () => universe,
    settings: { priceMoveAlertPct: 3 },
  };
});
afterAll(async () => {
  await workers?.close();
  await db?.drop();
});

function engineWithEvents() {
  const samples: SampleInput[] = [];
  const events: EngineEvent[] = [];
  const engine = new Engine({ sink: { record: (s) => void samples.push(s) }, emit: (e) => void events.push(e) });
  const mismatches = () => events.flatMap((e) => (e.type === "shadow.mismatch" ? [e.mismatch] : []));
  return { engine, samples, mismatches };
}

const key = (s: SignalPayload) => `${s.symbol} ${s.date} ${s.kind}`;
const sortedSignals = (rows: SignalPayload[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

async function storedSignals(date: string): Promise<SignalPayload[]> {
  const r = await db.pool.query<SignalPayload>("select symbol, date::text as date, kind, value, detail from signal where date = $1", [date]);
  return sortedSignals(r.rows);
}

async function storedSnapshot(takenAt: Date): Promise<SnapshotRow[]> {
  const r = await db.pool.query<{
    taken_at: Date;
    market_date: string;
    symbol: string;
    price: number;
    change: number | null;
    change_pct: number | null;
    volume: number;
  }>("select taken_at, market_date::text as market_date, symbol, price, change, change_pct, volume from price_snapshot where taken_at = $1", [takenAt]);
  return r.rows.map((x) => ({
    takenAt: x.taken_at,
    marketDate: x.market_date,
    symbol: x.symbol,
    price: x.price,
    change: x.change,
    changePct: x.change_pct,
    volume: x.volume,
  }));
}

describe("writing operations in shadow, over consecutive market-clock ticks", () => {
  it("signals (async) and snapshot (batch) in shadow: 0 mismatches, and exactly the baseline's rows stored", SLOW, async () => {
    const { engine, samples, mismatches } = engineWithEvents();
    const ops = registerOperations(engine, deps, [advanceClock, generateSignals, takeSnapshot]);
    ops.spec(generateSignals).shadowSampleRate = 1;
    ops.spec(takeSnapshot).shadowSampleRate = 1;
    engine.applyStates([inShadow(generateSignals.name, "async"), inShadow(takeSnapshot.name, "batch")], switches);

    const ticks: { date: string; takenAt: Date; detected: SignalPayload[]; latestCount: number; digest: string }[] = [];
    // 2017-01-11 → 2017-01-18 (01-16 is a holiday): the measured rollback was on AAPL 2017-01-17.
    for (let n = 0; n < 5; n++) {
      const tick = await ops.invoke(advanceClock, { startDate: "2017-01-11" });
      // What the baseline alone computes for this tick (no store, no broadcast).
      const alone = await generateSignalsService(
        { bars: deps.bars, signals: dryRunSignalStore(), broadcaster: silentBroadcaster },
        { asOf: tick.date, params: P },
      );
      // The job runs twice per tick: the second run finds every signal stored already.
      const first = await ops.invoke(generateSignals, { asOf: tick.date, params: P });
      const second = await ops.invoke(generateSignals, { asOf: tick.date, params: P });
      expect(sortedSignals(first.inserted)).toEqual(sortedSignals(alone.signals));
      expect(second).toMatchObject({ detected: alone.detected, inserted: [] });

      const takenAt = new Date(Date.UTC(2026, 0, 2, 9, n, 30));
      const snap = await ops.invoke(takeSnapshot, { takenAt });
      ticks.push({ date: tick.date, takenAt, detected: alone.signals, latestCount: tick.prices.length, digest: snap.digest });
    }
    expect(ticks.map((t) => t.date)).toEqual(["2017-01-11", "2017-01-12", "2017-01-13", "2017-01-17", "2017-01-18"]);
    expect(ticks.find((t) => t.date === "2017-01-17")!.detected.map(key)).toContain("AAPL 2017-01-17 rsi_overbought");

    expect(mismatches()).toEqual([]);
    expect(engine.takeCounters(`${generateSignals.name}:async`)).toMatchObject({ shadowRuns: 10, mismatches: 0, failures: 0 });
    expect(engine.takeCounters(`${takeSnapshot.name}:batch`)).toMatchObject({ shadowRuns: 5, mismatches: 0, failures: 0 });
    expect(
      samples
        .filter((s) => s.shadow)
        .map((s) => s.variant)
        .sort(),
    ).toEqual([...Array<string>(10).fill("async"), ...Array<string>(5).fill("batch")]);

    for (const t of ticks) {
      // Signals: the detected set, each once (the table's key would hide a duplicate insert, the
      // broadcasts would not: one `signals:new` per tick, from the primary's first run).
      expect(await storedSignals(t.date), t.date).toEqual(sortedSignals(t.detected));
      const news = published.filter((p) => p.event === "signals:new" && (p.payload as { date: string }).date === t.date);
      expect(news, t.date).toHaveLength(1);
      expect(sortedSignals((news[0]!.payload as { signals: SignalPayload[] }).signals)).toEqual(sortedSignals(t.detected));
      // Snapshot: one row per latest price, written once (not idempotent: a shadow write would double them).
      const rows = await storedSnapshot(t.takenAt);
      expect(rows, t.takenAt.toISOString()).toHaveLength(t.latestCount);
      expect(new Set(rows.map((r) => r.symbol)).size).toBe(t.latestCount);
      expect(snapshotDigest(rows)).toBe(t.digest);
    }
    // The last tick's rows are the baseline's rows of the prices now on the clock.
    const last = ticks[ticks.length - 1]!;
    expect(snapshotDigest((await deps.prices.latestPrices()).map((p) => snapshotRow(p, last.takenAt)))).toBe(last.digest);
    expect((await db.pool.query("select count(*)::int as n from price_snapshot")).rows[0].n).toBe(ticks.reduce((n, t) => n + t.latestCount, 0));
  });

  it("a deliberately wrong variant is reported, and its shadow run writes nothing", SLOW, async () => {
    const { engine, mismatches } = engineWithEvents();
    const full: OperationDeps = { ...deps, invoke: () => Promise.reject(new Error("unused")) };
    const signals = generateSignals.define(full);
    const parallel = signals.strategies!.find((s) => s.strategy === "async")!.wrap(signals.baseline);
    // An off-by-one RSI period: a genuinely different computation.
    const wrongSignals: typeof signals = {
      ...signals,
      shadowSampleRate: 1,
      strategies: [replaceStrategy("async", "RSI over 15 bars", (i, cx) => parallel({ ...i, params: { ...i.params, rsi: i.params.rsi + 1 } }, cx))],
    };
    const snapshot = takeSnapshot.define(full);
    // Stamps its rows 1 ms late (a variant reading its own clock instead of the input).
    const wrongSnapshot: typeof snapshot = {
      ...snapshot,
      shadowSampleRate: 1,
      strategies: [
        replaceStrategy("batch", "rows stamped 1 ms late", (i, cx) =>
          takeSnapshotBatched(
            { prices: deps.prices, snapshots: cx.shadow ? { insertMany: async (r) => r.length } : deps.batchSnapshots },
            { takenAt: new Date(i.takenAt.getTime() + 1) },
          ),
        ),
      ],
    };
    engine.register(wrongSignals);
    engine.register(wrongSnapshot);
    engine.applyStates([inShadow(generateSignals.name, "async"), inShadow(takeSnapshot.name, "batch")], switches);

    const asOf = (await deps.clock.read())!.currentDate;
    const before = await storedSignals(asOf);
    const eventsBefore = published.length;
    await engine.call(wrongSignals, { asOf, params: P });
    const takenAt = new Date(Date.UTC(2026, 0, 2, 10, 0, 30));
    await engine.call(wrongSnapshot, { takenAt });

    const found = mismatches();
    expect(found.map((m) => `${m.operation}:${m.variant}`)).toEqual([`${generateSignals.name}:async`, `${takeSnapshot.name}:batch`]);
    expect(found[0]!.diff).toMatch(/^(detected|signals\[)/);
    expect(found[1]!.diff).toMatch(/^digest: /);
    // Nothing written or published by the shadows: the signals were stored already, the snapshot once.
    expect(await storedSignals(asOf)).toEqual(before);
    expect(published.length).toBe(eventsBefore);
    expect(await storedSnapshot(takenAt)).toHaveLength((await deps.prices.latestPrices()).length);
    expect((await db.pool.query("select count(*)::int as n from price_snapshot where taken_at = $1", [new Date(takenAt.getTime() + 1)])).rows[0].n).toBe(0);
  });
});
