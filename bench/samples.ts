/**
 * Sample pipeline benchmark:
 *  (a) SampleRecorder.record() cost per call: batches of 1M calls on preallocated inputs of one
 *      shape (as the engine builds them), median and p99 of the per-batch averages; plus the same
 *      with a fresh object literal per call (what the caller pays to build the sample);
 *  (b) sustained ingestion: 1,000,000 samples recorded as fast as possible (yielding to the event
 *      loop between chunks so the flusher can run), written to Postgres by the real flusher (COPY);
 *      reports rows/s end to end, dropped samples and the slowest single record() call.
 *
 * Usage: node --import tsx bench/samples.ts   (starts its own embedded PostgreSQL in a temp dir)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import { OUTCOMES, SampleRecorder } from "../lib/optimizer/recorder";
import type { SampleInput } from "../lib/optimizer/types";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { createPool } from "../lib/server/platform/db/pool";
import { startSampleFlusher } from "../lib/server/domains/samples/sample-flusher";
import { freePort } from "../scripts/spawn-server";

export interface IngestionResult {
  capacity: number;
  intervalMs: number;
  samples: number;
  written: number;
  dropped: number;
  /** Rows written per second, first record() to the end of the final flush. */
  writtenPerSec: number;
  /** record() calls per second while recording (with the flusher interleaved). */
  recordedPerSec: number;
  /** Target rate, or null for as fast as possible. */
  ratePerSec: number | null;
  /** Wall-clock time of single record() calls: includes OS preemption and GC pauses of the thread. */
  maxRecordUs: number;
  p999RecordUs: number;
  /** record() calls that took > 100 µs wall-clock. */
  slowCalls: number;
  elapsedMs: number;
}

export interface SamplesBenchResult {
  record: { medianNs: number; p99Ns: number; literalMedianNs: number; batches: number; callsPerBatch: number };
  ingestion: IngestionResult[];
}

function inputs(n: number, t0: number): SampleInput[] {
  const ops = ["market.quote", "market.history", "market.indicators", "market.signals"];
  const variants = ["baseline", "cache", "cache+memory"];
  return Array.from({ length: n }, (_, i) => ({
    at: t0 + i * 0.01,
    operation: ops[i % ops.length]!,
    variant: variants[i % variants.length]!,
    durationMs: 0.5 + (i % 97) * 0.113,
    memoryBytes: i % 64 === 0 ? 1024 * (i % 13) : null,
    outcome: OUTCOMES[i % 50 === 0 ? 1 : 0]!,
    cacheHit: i % 3 === 0,
    shadow: i % 11 === 0,
    keyHash: (i * 2_654_435_761) | 0,
  }));
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;

/** (a) ns per record() call; the ring is never drained, so the overwrite path is measured too. */
function benchRecord(batches: number, callsPerBatch: number): SamplesBenchResult["record"] {
  const recorder = new SampleRecorder();
  const input = inputs(4096, Date.now());
  const run = () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < callsPerBatch; i++) recorder.record(input[i & 4095]!);
    return Number(process.hrtime.bigint() - t0) / callsPerBatch;
  };
  for (let w = 0; w < 3; w++) run(); // JIT warm-up
  const per = sorted(Array.from({ length: batches }, run));

  // The engine builds one literal per call: measure that cost together with record().
  const lit = new SampleRecorder();
  const ops = ["market.quote", "market.history"];
  const runLiteral = () => {
    const t0 = process.hrtime.bigint();
    const base = Date.now();
    for (let i = 0; i < callsPerBatch; i++) {
      lit.record({
        at: base + i * 0.001,
        operation: ops[i & 1]!,
        variant: "baseline",
        durationMs: 0.25 + (i & 7),
        memoryBytes: null,
        outcome: "ok",
        cacheHit: false,
        shadow: false,
        keyHash: i,
      });
    }
    return Number(process.hrtime.bigint() - t0) / callsPerBatch;
  };
  for (let w = 0; w < 3; w++) runLiteral();
  const perLit = sorted(Array.from({ length: Math.max(5, Math.floor(batches / 3)) }, runLiteral));
  return { medianNs: pct(per, 50), p99Ns: pct(per, 99), literalMedianNs: pct(perLit, 50), batches, callsPerBatch };
}

/**
 * (b) `samples` samples through the recorder and the real flusher into `sample`: as fast as
 * possible, or paced at `ratePerSec` (a sustained load rather than a burst).
 */
async function benchIngestion(pool: pg.Pool, samples: number, capacity: number, intervalMs: number, ratePerSec: number | null): Promise<IngestionResult> {
  const instanceId = `bench-${process.pid}-${capacity}-${Date.now()}`;
  const recorder = new SampleRecorder({ capacity });
  const input = inputs(8192, Date.now());
  const flusher = startSampleFlusher({ recorder, pool, instanceId, intervalMs });
  const lat = new Float64Array(samples);
  const chunk = 2_000;
  const t0 = performance.now();
  let slowCalls = 0;
  for (let i = 0; i < samples;) {
    const due = ratePerSec === null ? samples : Math.floor(((performance.now() - t0) * ratePerSec) / 1000);
    const end = Math.min(samples, i + chunk, Math.max(i, due));
    for (; i < end; i++) {
      const s = performance.now();
      recorder.record(input[i & 8191]!);
      const d = performance.now() - s;
      lat[i] = d;
      if (d > 0.1) slowCalls++;
    }
    // Yield: in production, calls arrive between I/O callbacks; the flusher runs in between.
    if (ratePerSec === null || i < due) await new Promise((r) => setImmediate(r));
    else await new Promise((r) => setTimeout(r, 1));
  }
  const recordedMs = performance.now() - t0;
  await flusher.stop();
  const elapsedMs = performance.now() - t0;
  const fs = flusher.stats();
  const count = await pool.query<{ n: number }>("select count(*)::int as n from sample where instance = $1", [instanceId]);
  if (count.rows[0]!.n !== fs.written) throw new Error(`flusher reports ${fs.written} rows, table has ${count.rows[0]!.n}`);
  await pool.query("delete from sample where instance = $1", [instanceId]);
  lat.sort();
  return {
    capacity,
    intervalMs,
    samples,
    written: fs.written,
    dropped: recorder.stats().dropped + fs.droppedSamples,
    writtenPerSec: fs.written / (elapsedMs / 1000),
    recordedPerSec: samples / (recordedMs / 1000),
    ratePerSec,
    maxRecordUs: lat[samples - 1]! * 1000,
    slowCalls,
    p999RecordUs: lat[Math.floor(samples * 0.999)]! * 1000,
    elapsedMs,
  };
}

/** Runs (a) and (b); without a pool, starts (and stops) its own embedded PostgreSQL. */
export async function benchSamples(pool?: pg.Pool, opts: { batches?: number; samples?: number } = {}): Promise<SamplesBenchResult> {
  const record = benchRecord(opts.batches ?? 30, 1_000_000);
  if (pool) return { record, ingestion: await runIngestion(pool, opts.samples ?? 1_000_000) };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-bench-"));
  // postgres runs as another user when we are root: it must be able to enter the directory.
  fs.chmodSync(tmp, 0o755);
  const pgHandle = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), database: "bench" });
  try {
    await applyMigrations(pgHandle.connectionString);
    const own = createPool(pgHandle.connectionString, 4);
    try {
      return { record, ingestion: await runIngestion(own, opts.samples ?? 1_000_000) };
    } finally {
      await own.end();
    }
  } finally {
    await pgHandle.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function runIngestion(pool: pg.Pool, samples: number): Promise<IngestionResult[]> {
  return [
    // A ring holding every sample and a short interval: the flusher's own throughput, nothing dropped.
    await benchIngestion(pool, samples, 1 << 20, 50, null),
    // The engine host's settings (131,072 ring, 1 s interval) under a sustained 100k samples/s.
    await benchIngestion(pool, samples, 1 << 17, 1_000, 100_000),
    // The same settings under a 1M burst recorded in a fraction of a second: the ring overflows, counted.
    await benchIngestion(pool, samples, 1 << 17, 1_000, null),
  ];
}

function print(r: SamplesBenchResult): void {
  const f = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`record(): ${r.record.batches} batches × ${f(r.record.callsPerBatch)} calls`);
  console.log(`  median ${f(r.record.medianNs, 1)} ns/call, p99 of batch averages ${f(r.record.p99Ns, 1)} ns/call`);
  console.log(`  with a fresh object literal per call (caller's cost included): median ${f(r.record.literalMedianNs, 1)} ns/call`);
  console.log("ingestion (recorder → flusher → COPY → sample):");
  console.log("  ring       interval  load         samples    written    dropped   rows/s written  record()/s   p99.9 µs  max µs    calls >100 µs");
  for (const x of r.ingestion) {
    const load = x.ratePerSec === null ? "max speed" : `${f(x.ratePerSec)}/s`;
    console.log(
      `  ${f(x.capacity).padEnd(10)} ${`${x.intervalMs} ms`.padEnd(9)} ${load.padEnd(12)} ${f(x.samples).padEnd(10)} ${f(x.written).padEnd(10)} ` +
        `${f(x.dropped).padEnd(9)} ${f(x.writtenPerSec).padEnd(15)} ${f(x.recordedPerSec).padEnd(12)} ${f(x.p999RecordUs, 2).padEnd(9)} ` +
        `${f(x.maxRecordUs, 0).padEnd(9)} ${x.slowCalls}`,
    );
  }
  console.log("  (record() has no await, lock or I/O: wall-clock outliers are OS preemption / GC pauses of the whole thread)");
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const res = await benchSamples();
  print(res);
  console.log(JSON.stringify(res));
}
