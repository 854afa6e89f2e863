/**
 * Indicator benchmark: baseline vs the optimized variants.
 *  1. Compute only: five indicators (SMA20, EMA20, RSI14, MACD, BB) on one 1M-point series.
 *  2. Bytes per bar held: `Bar[]` rows (as pgBarSource returns them) vs `BarColumns`.
 *  3. Universe analysis end to end (482 symbols, seven indicators + signal detection, capturing
 *     signal store so inserts are not measured): baseline generateSignals (a query per symbol)
 *     vs generateSignalsCompact / generateSignalsParallel reading one batched columnar query per
 *     call, and the same two reading the in-memory column store (loaded once before the trials,
 *     the load timed apart: it is paid once at start, not per call).
 *  4. Pool speedup on the universe batch (compute only) vs single-thread compact.
 * Timed trials wait (≤ 10 s) for a quiet CPU first: other processes share this 2-core machine.
 *
 * Usage: node --import tsx bench/indicators.ts [--universe]   (starts its own embedded PostgreSQL
 * + import; `--universe` runs section 3 only)
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import type pg from "pg";
import { computeFiveIndicatorsBaseline } from "../lib/market/indicators/baseline";
import { allocateFiveIndicatorSet, computeFiveIndicatorsCompact, computeIndicatorsCompact } from "../lib/market/indicators/compact";
import { DEFAULT_INDICATOR_PARAMS as P } from "../lib/market/indicators/params";
import { INDICATOR_FIELDS } from "../lib/market/ports-compact";
import { fiveIndicatorSetsEquivalent, latestIndicators } from "../lib/market/indicators/result";
import type { SignalStore } from "../lib/market/ports";
import { generateSignals } from "../lib/market/services/generate-signals";
import type { Bar } from "../lib/market/types";
import { signalsResultEquivalent } from "../lib/market/optimized/equivalence";
import { generateSignalsCompact, generateSignalsParallel } from "../lib/market/optimized/signals-memory";
import type { Broadcaster } from "../lib/realtime/events";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { createPool } from "../lib/server/platform/db/pool";
import { importPrices } from "../lib/server/domains/market/import-prices";
import { pgColumnSource } from "../lib/server/domains/market/pg-columns";
import { pgColumnStore } from "../lib/server/domains/market/pg-column-store";
import { pgBarSource } from "../lib/server/domains/market/pg-stores";
import { createIndicatorPool, type IndicatorPool } from "../lib/server/platform/workers/indicator-pool";

const AS_OF = "2019-12-31";

export interface IndicatorBenchResult {
  compute: { points: number; baselineMpps: number; compactMpps: number; speedup: number; equivalent: boolean };
  memory: { method: string; bars: number; barObjectsBytesPerBar: number; columnsBytesPerBar: number };
  universe: {
    symbols: number;
    baselineMs: number;
    compactMs: number;
    parallelMs: number;
    compactSpeedup: number;
    parallelSpeedup: number;
    storeCompactMs: number;
    storeParallelMs: number;
    storeCompactSpeedup: number;
    storeParallelSpeedup: number;
    storeLoadMs: number;
    /** The store's part of a store-backed run: the universe's column views (listSymbols + allColumnsUpTo). */
    storeReadMs: number;
    storeBytesPerBar: number;
    equivalent: boolean;
  };
  pool: { threads: number; singleMs: number; poolMs: number; speedupMedian: number; speedupP25: number; workerKernelMs: number[] };
  noisyTrials: number;
}

function cpuTimes(): { idle: number; total: number } | null {
  try {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + f[4]!, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

let noisyTrials = 0;
/** Waits for a 200 ms window with ≥ 85 % idle CPU (≤ 10 s; counts trials that never got one). */
async function waitQuiet(): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const a = cpuTimes();
    if (!a) return;
    await new Promise((r) => setTimeout(r, 200));
    const b = cpuTimes()!;
    if ((b.idle - a.idle) / Math.max(1, b.total - a.total) >= 0.85) return;
  }
  noisyTrials++;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;

/** Times `runs` trials after `warmup` untimed ones (each after a quiet-CPU wait). */
async function trials(runs: number, warmup: number, f: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    await waitQuiet();
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return ms;
}

/** Deterministic geometric random walk (xorshift), as Bar rows. */
function syntheticBars(n: number): Bar[] {
  let s = 0x9e3779b9;
  let price = 100;
  const bars: Bar[] = new Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    price *= 1 + ((s >>> 0) / 2 ** 32 - 0.5) * 0.02;
    bars[i] = { symbol: "SYN", date: "2000-01-01", open: price, high: price * 1.01, low: price * 0.99, close: price, adjClose: price, volume: 1e6 };
  }
  return bars;
}

/** `gc()` via --expose-gc, or turned on at run time; null if neither works. */
function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    v8.setFlagsFromString("--expose-gc");
    return vm.runInNewContext("gc") as () => void;
  } catch {
    return null;
  }
}

/**
 * Live bytes added by `load`: heapUsed + external after full GCs. V8 frees ArrayBuffer/Buffer
 * backing stores on a background sweeper after a GC, so `external` is read only once it has
 * stopped moving (without this, the previous phase's buffers were freed during the next one).
 */
async function heldBytes<T>(gc: (() => void) | null, load: () => Promise<T>): Promise<{ bytes: number; value: T }> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 50));
    }
    return used();
  };
  const before = await settle();
  const value = await load();
  return { bytes: (await settle()) - before, value };
}

type Fig = IndicatorBenchResult;

/** 1. Compute only, one 1M-point series (its own function: the 1M Bar rows must die with it). */
async function benchCompute(): Promise<Fig["compute"]> {
  const N = 1_000_000;
  const series = syntheticBars(N);
  const close = Float64Array.from(series, (b) => b.close);
  const out = allocateFiveIndicatorSet(N);
  const baseMs = await trials(3, 1, () => computeFiveIndicatorsBaseline(series));
  const compMs = await trials(15, 3, () => computeFiveIndicatorsCompact(close, out));
  const equivalent = fiveIndicatorSetsEquivalent(computeFiveIndicatorsBaseline(series), computeFiveIndicatorsCompact(close)).equal;
  const baselineMpps = N / quantile(baseMs, 0.5) / 1e3;
  const compactMpps = N / quantile(compMs, 0.5) / 1e3;
  return { points: N, baselineMpps, compactMpps, speedup: compactMpps / baselineMpps, equivalent };
}

/** 2. Bytes per bar held, the whole universe in each form (columns first, then rows). */
async function benchMemory(pool: pg.Pool): Promise<Fig["memory"]> {
  const gc = getGc();
  const bars = pgBarSource(pool);
  const symbols = await bars.listSymbols();
  const loadRows = () => Promise.all(symbols.map((s) => bars.barsUpTo(s, AS_OF)));
  const loadCols = () => pgColumnSource(pool).allColumnsUpTo(AS_OF, symbols);
  // Warm-up loads, discarded: the first load of each form also leaves one-off retained buffers
  // (≈ 22 B/bar for the columns' first load, 0 on every later one).
  await loadCols();
  await loadRows();
  const cols = await heldBytes(gc, loadCols);
  const nBars = [...cols.value.values()].reduce((n, c) => n + c.length, 0);
  cols.value.clear();
  const rows = await heldBytes(gc, loadRows);
  if (rows.value.reduce((n, b) => n + b.length, 0) !== nBars) throw new Error("bench: rows and columns hold different bar counts");
  return {
    method: gc
      ? "heapUsed + external delta around a (second) load, after forced GCs and buffer sweeping"
      : "heapUsed + external delta (no gc available: includes garbage, upper bound)",
    bars: nBars,
    barObjectsBytesPerBar: rows.bytes / nBars,
    columnsBytesPerBar: cols.bytes / nBars,
  };
}

/** 3. Universe analysis end to end from the database. */
async function benchUniverse(pool: pg.Pool, indicatorPool: IndicatorPool): Promise<Fig["universe"]> {
  const noop: Broadcaster = { publish: () => undefined };
  const capture: SignalStore = { insertSignals: async (s) => s };
  const bars = pgBarSource(pool);
  const columns = pgColumnSource(pool);
  const input = { asOf: AS_OF, params: P };
  const runBase = () => generateSignals({ bars, signals: capture, broadcaster: noop }, input);
  const runComp = () => generateSignalsCompact({ columns, signals: capture, broadcaster: noop }, input);
  const runPar = () => generateSignalsParallel({ columns, pool: indicatorPool, signals: capture, broadcaster: noop }, input);
  const store = pgColumnStore(pool);
  const t0 = performance.now();
  await store.ready();
  const storeLoadMs = performance.now() - t0;
  const runStoreComp = () => generateSignalsCompact({ columns: store, signals: capture, broadcaster: noop }, input);
  const runStorePar = () => generateSignalsParallel({ columns: store, pool: indicatorPool, signals: capture, broadcaster: noop }, input);
  const base = await runBase();
  let equivalent = true;
  for (const run of [runComp, runPar, runStoreComp, runStorePar]) equivalent &&= signalsResultEquivalent(base, await run()).equal;
  const b = quantile(await trials(3, 0, runBase), 0.5);
  const c = quantile(await trials(9, 1, runComp), 0.5);
  const p = quantile(await trials(9, 1, runPar), 0.5);
  const sc = quantile(await trials(15, 2, runStoreComp), 0.5);
  const sp = quantile(await trials(15, 2, runStorePar), 0.5);
  const readViews = async () => store.allColumnsUpTo(AS_OF, await store.listSymbols(), INDICATOR_FIELDS);
  const sr = quantile(await trials(15, 2, readViews), 0.5);
  const st = store.stats();
  return {
    symbols: base.symbolsScanned,
    baselineMs: b,
    compactMs: c,
    parallelMs: p,
    compactSpeedup: b / c,
    parallelSpeedup: b / p,
    storeCompactMs: sc,
    storeParallelMs: sp,
    storeCompactSpeedup: b / sc,
    storeParallelSpeedup: b / sp,
    storeLoadMs,
    storeReadMs: sr,
    storeBytesPerBar: st.bytes / st.bars,
    equivalent,
  };
}

/** 4. Pool vs single-thread compact on the universe, compute only, interleaved trials. */
async function benchPool(pool: pg.Pool, indicatorPool: IndicatorPool): Promise<Fig["pool"]> {
  const all = await pgColumnSource(pool).allColumnsUpTo(AS_OF);
  const items = [...all].map(([symbol, cols]) => ({ symbol, cols }));
  const single = async () => {
    for (const i of items) latestIndicators(computeIndicatorsCompact(i.cols, P));
  };
  const pooled = async () => {
    const sets = await indicatorPool.computeMany(items, P);
    for (const s of sets.values()) latestIndicators(s);
    indicatorPool.release(sets);
  };
  const s1: number[] = [];
  const p1: number[] = [];
  for (let i = 0; i < 25; i++) {
    s1.push(...(await trials(1, i === 0 ? 3 : 0, single)));
    p1.push(...(await trials(1, i === 0 ? 3 : 0, pooled)));
  }
  return {
    threads: 2,
    singleMs: quantile(s1, 0.5),
    poolMs: quantile(p1, 0.5),
    speedupMedian: quantile(s1, 0.5) / quantile(p1, 0.5),
    speedupP25: quantile(s1, 0.25) / quantile(p1, 0.25),
    workerKernelMs: indicatorPool.lastStats()!.workerComputeMs,
  };
}

/** Runs the four measurements against a database holding the imported data set. */
export async function benchIndicators(pool: pg.Pool): Promise<IndicatorBenchResult> {
  noisyTrials = 0;
  const compute = await benchCompute();
  const memory = await benchMemory(pool);
  const indicatorPool = createIndicatorPool({ threads: 2 });
  try {
    const universe = await benchUniverse(pool, indicatorPool);
    const poolFig = await benchPool(pool, indicatorPool);
    return { compute, memory, universe, pool: poolFig, noisyTrials };
  } finally {
    await indicatorPool.close();
  }
}

/** Section 3 alone (the user-facing wait), for a quicker run. */
export async function benchUniverseOnly(pool: pg.Pool): Promise<Fig["universe"]> {
  noisyTrials = 0;
  const indicatorPool = createIndicatorPool({ threads: 2 });
  try {
    return await benchUniverse(pool, indicatorPool);
  } finally {
    await indicatorPool.close();
  }
}

/** Prints the figures as a table. */
export function printIndicatorBench(r: IndicatorBenchResult): void {
  const f = (x: number, d = 1) => x.toFixed(d);
  console.table({
    "1. five indicators, 1M points (M points/s)": {
      baseline: f(r.compute.baselineMpps, 2),
      compact: f(r.compute.compactMpps, 1),
      parallel: "",
      speedup: `${f(r.compute.speedup, 0)}×`,
      equivalent: r.compute.equivalent,
    },
    "2. bytes per bar held": {
      baseline: f(r.memory.barObjectsBytesPerBar),
      compact: f(r.memory.columnsBytesPerBar),
      parallel: "",
      speedup: `${f(r.memory.barObjectsBytesPerBar / r.memory.columnsBytesPerBar)}× less`,
      equivalent: "",
    },
    [`3. universe from DB, ${r.universe.symbols} symbols (ms)`]: {
      baseline: f(r.universe.baselineMs, 0),
      compact: f(r.universe.compactMs, 0),
      parallel: f(r.universe.parallelMs, 0),
      speedup: `${f(r.universe.compactSpeedup)}× / ${f(r.universe.parallelSpeedup)}×`,
      equivalent: r.universe.equivalent,
    },
    [`3b. universe from the column store (ms)`]: {
      baseline: f(r.universe.baselineMs, 0),
      compact: f(r.universe.storeCompactMs, 1),
      parallel: f(r.universe.storeParallelMs, 1),
      speedup: `${f(r.universe.storeCompactSpeedup)}× / ${f(r.universe.storeParallelSpeedup)}×`,
      equivalent: r.universe.equivalent,
    },
    "4. universe compute, 1 thread vs pool (ms)": {
      baseline: "",
      compact: f(r.pool.singleMs),
      parallel: f(r.pool.poolMs),
      speedup: `${f(r.pool.speedupMedian, 2)}× (p25 ${f(r.pool.speedupP25, 2)}×)`,
      equivalent: "",
    },
  });
  console.log(
    `column store: loaded once in ${f(r.universe.storeLoadMs, 0)} ms; universe views ${f(r.universe.storeReadMs, 2)} ms per run; ${f(r.universe.storeBytesPerBar)} B per bar held (array capacity / bars)`,
  );
  console.log(
    `memory: ${r.memory.method}, ${r.memory.bars} bars; pool kernel time per chunk (ms): ${r.pool.workerKernelMs.map((x) => f(x)).join(", ")}; trials without a quiet CPU: ${r.noisyTrials}`,
  );
}

async function main(): Promise<void> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
    srv.on("error", reject);
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-bench-"));
  fs.chmodSync(tmp, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(tmp, "postgres"), port, database: "bench" });
  const pool = createPool(server.connectionString, 6);
  try {
    await applyMigrations(server.connectionString);
    await importPrices(pool, path.resolve(import.meta.dirname, "../data/sp500-daily-2015-2019.csv.gz"));
    if (process.argv.includes("--universe")) {
      const u = await benchUniverseOnly(pool);
      console.log(JSON.stringify({ universe: u, noisyTrials }));
      return;
    }
    const result = await benchIndicators(pool);
    printIndicatorBench(result);
    console.log(JSON.stringify(result));
  } finally {
    await pool.end();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
