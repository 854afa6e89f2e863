import net from "node:net";
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OUTCOMES, SampleRecorder } from "../../lib/optimizer/recorder";
import type { SampleInput } from "../../lib/optimizer/types";
import { createPool } from "../../lib/server/platform/db/pool";
import { applyRetention, mergeRollups, newHistogram, readRollups, rollupSamples, toMicros } from "../../lib/server/domains/rollups/rollups";
import { startSampleFlusher, type FlusherLog } from "../../lib/server/domains/samples/sample-flusher";
import { createTestDatabase } from "../helpers/db";
import { waitFor } from "../helpers/wait";

// A non-UTC process time zone: any local-time conversion on the way to Postgres would show.
const savedTz = process.env.TZ;
process.env.TZ = "Pacific/Auckland";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
  process.env.TZ = savedTz;
});
beforeEach(async () => {
  await db.pool.query("truncate sample, rollup");
});

/** Leap day, one minute before midnight UTC (13:00 next day in Auckland). */
const T0 = Date.UTC(2024, 1, 29, 23, 59, 0);
const WEIRD_OP = "quote\twith\\tab\nand newline";

function sample(i: number): SampleInput {
  return {
    at: T0 + i * 7,
    operation: i % 10 === 9 ? WEIRD_OP : `op${i % 3}`,
    variant: i % 2 ? "cache+memory" : "baseline",
    durationMs: 0.123456789 + i * 0.001,
    memoryBytes: i % 4 === 0 ? null : i * 1024 - 5_000_000,
    outcome: OUTCOMES[i % 4]!,
    cacheHit: i % 5 === 0,
    shadow: i % 7 === 0,
    keyHash: (i * 2_654_435_761) | 0,
  };
}

function captureLog(): FlusherLog & { entries: { level: string; msg: string; obj: object }[] } {
  const entries: { level: string; msg: string; obj: object }[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: "info", msg, obj }),
    warn: (obj, msg) => entries.push({ level: "warn", msg, obj }),
    error: (obj, msg) => entries.push({ level: "error", msg, obj }),
  };
}

async function counts(instance?: string): Promise<{ n: number; distinct: number; minSeq: number | null; maxSeq: number | null }> {
  const r = await db.pool.query(
    `select count(*)::int as n, count(distinct (instance, seq))::int as distinct, min(seq) as min_seq, max(seq) as max_seq
     from sample where $1::text is null or instance = $1`,
    [instance ?? null],
  );
  const row = r.rows[0];
  return { n: row.n, distinct: row.distinct, minSeq: row.min_seq, maxSeq: row.max_seq };
}

describe("sample flusher", () => {
  it("writes 50,000 samples with COPY and every field round-trips exactly", async () => {
    const recorder = new SampleRecorder();
    for (let i = 0; i < 50_000; i++) recorder.record(sample(i));
    const flusher = startSampleFlusher({ recorder, pool: db.pool, instanceId: "i-roundtrip", intervalMs: 60_000, log: captureLog() });
    expect(await flusher.flushNow()).toBe(50_000);
    await flusher.stop();
    expect(await counts()).toEqual({ n: 50_000, distinct: 50_000, minSeq: 0, maxSeq: 49_999 });

    const rows = (
      await db.pool.query(
        `select extract(epoch from at) * 1000 as at_ms, to_char(at, 'YYYY-MM-DD HH24:MI:SS.MS') as at_text, at, operation, variant,
                duration_ms, memory_bytes, outcome, cache_hit, shadow, instance, key_hash, seq
         from sample order by seq`,
      )
    ).rows;
    expect(rows).toHaveLength(50_000);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const s = sample(i);
      const got = {
        at: Number(r.at_ms),
        operation: r.operation,
        variant: r.variant,
        durationMs: r.duration_ms,
        memoryBytes: r.memory_bytes,
        outcome: r.outcome,
        cacheHit: r.cache_hit,
        shadow: r.shadow,
        keyHash: r.key_hash,
      };
      if (i % 997 === 0 || i < 12) expect({ ...got, seq: r.seq, instance: r.instance }).toEqual({ ...s, seq: i, instance: "i-roundtrip" });
      else if (JSON.stringify(got) !== JSON.stringify(s)) expect(got).toEqual(s); // fast path for the bulk
    }
    // A few rows spelled out: null memory, outcome, shadow, the UTC wall time (not Auckland's).
    expect(rows[0]).toMatchObject({ at_text: "2024-02-29 23:59:00.000", memory_bytes: null, outcome: "ok", shadow: true, cache_hit: true });
    expect(rows[9]).toMatchObject({ operation: WEIRD_OP, outcome: "error", memory_bytes: 9 * 1024 - 5_000_000 });
    expect(rows[8_572]).toMatchObject({ at_text: "2024-03-01 00:00:00.004", outcome: "ok", memory_bytes: null });
    expect((rows[8_572].at as Date).toISOString()).toBe("2024-03-01T00:00:00.004Z");
  });

  it("loses and duplicates no sample across concurrent flushes and a graceful shutdown", async () => {
    const recorder = new SampleRecorder({ capacity: 200_000 });
    const flusher = startSampleFlusher({ recorder, pool: db.pool, instanceId: "i-concurrent", intervalMs: 5, batchSize: 3_000, log: captureLog() });
    const explicit: Promise<number>[] = [];
    for (let chunk = 0; chunk < 100; chunk++) {
      for (let k = 0; k < 1_000; k++) recorder.record(sample(chunk * 1_000 + k));
      if (chunk % 10 === 3) explicit.push(flusher.flushNow()); // races the timer's flushes on purpose
      await new Promise((r) => setTimeout(r, 1));
    }
    for (let k = 0; k < 500; k++) recorder.record(sample(100_000 + k)); // still buffered at shutdown
    await Promise.all([flusher.stop(), flusher.stop()]); // a second stop() waits for the same final flush
    await Promise.all(explicit);

    const rs = recorder.stats();
    const fs = flusher.stats();
    expect(rs).toMatchObject({ recorded: 100_500, dropped: 0, buffered: 0 });
    expect(await counts()).toEqual({ n: rs.recorded - rs.dropped, distinct: 100_500, minSeq: 0, maxSeq: 100_499 });
    expect(fs).toMatchObject({ written: 100_500, failures: 0, pendingSamples: 0, duplicateSamples: 0 });
    expect(fs.flushes).toBeGreaterThan(5); // flushes really ran while recording
  });

  it("with a small ring, writes exactly the samples not dropped", async () => {
    const recorder = new SampleRecorder({ capacity: 2_000 });
    const flusher = startSampleFlusher({ recorder, pool: db.pool, instanceId: "i-small", intervalMs: 5, batchSize: 500, log: captureLog() });
    for (let chunk = 0; chunk < 40; chunk++) {
      for (let k = 0; k < 1_500 + (chunk % 3) * 400; k++) recorder.record(sample(k)); // bursts beyond the capacity sometimes
      await new Promise((r) => setTimeout(r, 1));
    }
    await flusher.stop();
    const rs = recorder.stats();
    expect(rs.dropped).toBeGreaterThan(0);
    const c = await counts();
    expect(c.n).toBe(rs.recorded - rs.dropped);
    expect(c.distinct).toBe(c.n);
  });

  it("a full ring overwrites the oldest samples and counts them", async () => {
    const recorder = new SampleRecorder({ capacity: 1_000 });
    for (let i = 0; i < 1_500; i++) recorder.record(sample(i));
    expect(recorder.stats()).toMatchObject({ recorded: 1_500, dropped: 500, buffered: 1_000 });
    const flusher = startSampleFlusher({ recorder, pool: db.pool, instanceId: "i-full", intervalMs: 60_000, log: captureLog() });
    await flusher.stop();
    expect(await counts()).toEqual({ n: 1_000, distinct: 1_000, minSeq: 500, maxSeq: 1_499 });
  });

  it("keeps failed batches through a database outage and writes them once it is back", async () => {
    const log = captureLog();
    const recorder = new SampleRecorder();
    const flusher = startSampleFlusher({ recorder, pool: db.pool, instanceId: "i-outage", intervalMs: 20, batchSize: 1_000, log });
    await db.pool.query("alter table sample rename to sample_away");
    try {
      for (let i = 0; i < 2_500; i++) recorder.record(sample(i));
      expect(await flusher.flushNow()).toBe(0); // resolves, does not throw
      for (let i = 2_500; i < 4_000; i++) recorder.record(sample(i));
      // Timer ticks keep failing; samples move to the retry slot.
      await waitFor(() => recorder.peekCount === 0, { timeoutMs: 10_000, intervalMs: 10, message: "the failing flushes to take every sample out of the ring" });
      const during = flusher.stats();
      expect(during).toMatchObject({ written: 0, pendingSamples: 4_000, droppedSamples: 0 });
      expect(during.failures).toBeGreaterThanOrEqual(2);
      expect(during.lastError).toMatch(/sample/);
      expect(log.entries.filter((e) => e.level === "error")).toHaveLength(1); // logged once, not per tick
      expect(log.entries[0]!.obj).toMatchObject({ instanceId: "i-outage", code: "42P01" });
    } finally {
      await db.pool.query("alter table sample_away rename to sample");
    }
    await waitFor(() => flusher.stats().written === 4_000, {
      timeoutMs: 10_000,
      intervalMs: 10,
      message: "the flusher to write the 4,000 kept samples once the table is back",
    });
    for (let i = 4_000; i < 4_100; i++) recorder.record(sample(i));
    await flusher.stop();
    expect(await counts()).toEqual({ n: 4_100, distinct: 4_100, minSeq: 0, maxSeq: 4_099 });
    expect(flusher.stats()).toMatchObject({ written: 4_100, pendingSamples: 0, duplicateSamples: 0, droppedSamples: 0 });
    expect(log.entries.at(-1)).toMatchObject({ level: "info", msg: "sample flush recovered" });
  });

  it("bounds the retry slot, dropping its oldest batches, and never throws with the server unreachable", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const dead = createPool(`postgresql://postgres:postgres@127.0.0.1:${port}/nothing`, 2);
    const log = captureLog();
    const recorder = new SampleRecorder();
    const flusher = startSampleFlusher({ recorder, pool: dead, instanceId: "i-dead", intervalMs: 60_000, batchSize: 1_000, maxPendingSamples: 2_000, log });
    for (let i = 0; i < 5_000; i++) recorder.record(sample(i));
    expect(await flusher.flushNow()).toBe(0);
    expect(flusher.stats()).toMatchObject({ pendingSamples: 2_000, droppedSamples: 3_000, written: 0 });
    await expect(flusher.stop()).resolves.toBeUndefined();
    expect(log.entries.at(-1)).toMatchObject({ level: "error", msg: "samples not written at shutdown", obj: { left: 2_000 } });
    await dead.end();
  });

  it("keeps the newest samples when the retry slot overflows, and writes them after recovery", async () => {
    const recorder = new SampleRecorder();
    const flusher = startSampleFlusher({
      recorder,
      pool: db.pool,
      instanceId: "i-bounded",
      intervalMs: 60_000,
      batchSize: 1_000,
      maxPendingSamples: 2_000,
      log: captureLog(),
    });
    await db.pool.query("alter table sample rename to sample_away");
    try {
      for (let i = 0; i < 5_000; i++) recorder.record(sample(i));
      await flusher.flushNow();
    } finally {
      await db.pool.query("alter table sample_away rename to sample");
    }
    expect(await flusher.flushNow()).toBe(2_000);
    expect(await counts()).toEqual({ n: 2_000, distinct: 2_000, minSeq: 3_000, maxSeq: 4_999 });
    expect(flusher.stats()).toMatchObject({ droppedSamples: 3_000, pendingSamples: 0 });
    await flusher.stop();
  });

  it("drops a batch Postgres refuses as invalid (counted, logged) instead of retrying it forever", async () => {
    await db.pool.query("alter table sample add constraint sample_test_ck check (duration_ms < 1000000)");
    try {
      const log = captureLog();
      const recorder = new SampleRecorder();
      for (let i = 0; i < 1_000; i++) recorder.record({ ...sample(i), durationMs: i === 10 ? 2e6 : 1 });
      const flusher = startSampleFlusher({ recorder, pool: db.pool, instanceId: "i-poison", intervalMs: 60_000, batchSize: 500, log });
      expect(await flusher.flushNow()).toBe(500);
      await flusher.stop();
      expect(flusher.stats()).toMatchObject({ written: 500, rejectedSamples: 500, pendingSamples: 0 });
      expect(log.entries).toMatchObject([{ level: "error", obj: { code: "23514", batch: 500, firstSeq: 0 } }]);
      expect(await counts()).toEqual({ n: 500, distinct: 500, minSeq: 500, maxSeq: 999 });
    } finally {
      await db.pool.query("alter table sample drop constraint sample_test_ck");
    }
  });

  it("writes a batch whose rows partly exist already (reused instance id, or a retried COPY that had committed) without duplicates", async () => {
    const first = new SampleRecorder();
    for (let i = 0; i < 100; i++) first.record(sample(i));
    const a = startSampleFlusher({ recorder: first, pool: db.pool, instanceId: "i-dup", intervalMs: 60_000, log: captureLog() });
    await a.stop();
    const second = new SampleRecorder(); // seq restarts at 0 under the same instance id
    for (let i = 0; i < 150; i++) second.record(sample(i));
    const log = captureLog();
    const b = startSampleFlusher({ recorder: second, pool: db.pool, instanceId: "i-dup", intervalMs: 60_000, log });
    expect(await b.flushNow()).toBe(50);
    await b.stop();
    expect(b.stats()).toMatchObject({ written: 50, duplicateSamples: 100, failures: 0, pendingSamples: 0 });
    expect(log.entries).toMatchObject([{ level: "warn", obj: { instanceId: "i-dup", skipped: 100 } }]);
    expect(await counts()).toEqual({ n: 150, distinct: 150, minSeq: 0, maxSeq: 149 });
  });
});

// ---------------------------------------------------------------------------------------------

const M = Date.UTC(2024, 2, 10, 12, 0, 0);

/** Durations over many magnitudes, including exact powers of two in µs (HDR bucket edges). */
function durationOf(i: number): number {
  const edges = [2.048, 4.096, 2.047, 65.536, 1048.576, 0.001, 0];
  if (i % 37 === 0) return edges[(i / 37) % edges.length]!;
  return Math.round(Math.exp(((i * 7919) % 10_007) / 1_000) * 37) / 1000 + (i % 3) * 0.0002; // 0.037 ms .. 815 s
}

function rollupSample(i: number, minute: number, variant = "baseline"): SampleInput {
  return {
    at: minute + ((i * 613) % 60_000),
    operation: "quote",
    variant,
    durationMs: durationOf(i),
    memoryBytes: i % 4 === 0 ? null : (i % 17) * 1000,
    outcome: i % 50 === 0 ? "error" : i % 40 === 1 ? "fallback" : i % 60 === 2 ? "timeout" : "ok",
    cacheHit: i % 3 === 0,
    shadow: i % 9 === 0,
    keyHash: i,
  };
}

async function writeSamples(samples: SampleInput[], instanceId: string): Promise<void> {
  const recorder = new SampleRecorder({ capacity: samples.length + 1 });
  samples.forEach((s) => recorder.record(s));
  const f = startSampleFlusher({ recorder, pool: db.pool, instanceId, intervalMs: 60_000, log: captureLog() });
  await f.stop();
  expect(f.stats().written).toBe(samples.length);
}

/** Nearest-rank percentile (what HDR reports, up to its bucket resolution). */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Equal up to floating-point summation order (Postgres' avg vs a JS sum). */
function expectRelClose(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want) + 1e-12);
}

function jsHistogram(durations: number[]) {
  const h = newHistogram(64);
  durations.forEach((d) => h.recordValue(toMicros(d)));
  return h;
}

describe("rollups", () => {
  const minute0 = Array.from({ length: 3_000 }, (_, i) => rollupSample(i, M));
  const minute1 = Array.from({ length: 2_000 }, (_, i) => rollupSample(i + 3_000, M + 60_000));
  const cache0 = Array.from({ length: 10 }, (_, i) => rollupSample(i, M, "cache"));
  const incomplete = Array.from({ length: 50 }, (_, i) => rollupSample(i, M + 120_000));

  async function allRollups() {
    return (await db.pool.query("select * from rollup order by minute, operation, variant")).rows;
  }

  it("computes per-minute rows with HDR percentiles within precision, idempotently", async () => {
    await writeSamples([...minute0, ...minute1, ...cache0, ...incomplete], "i-rollup");
    const res = await rollupSamples(db.pool, { until: new Date(M + 150_000) });
    expect(res).toMatchObject({ from: new Date(M), to: new Date(M + 120_000), rows: 3 });

    const rows = await readRollups(db.pool, { operation: "quote", from: new Date(M - 3_600_000), to: new Date(M + 3_600_000) });
    expect(rows.map((r) => [r.minute.toISOString(), r.variant, r.count])).toEqual([
      ["2024-03-10T12:00:00.000Z", "baseline", 3_000],
      ["2024-03-10T12:00:00.000Z", "cache", 10],
      ["2024-03-10T12:01:00.000Z", "baseline", 2_000],
    ]); // minute 12:02 is incomplete at `until`: not rolled up

    const r0 = rows[0]!;
    const d = minute0.map((s) => s.durationMs);
    expect(r0.errors).toBe(minute0.filter((s) => s.outcome === "error").length);
    expect(r0.fallbacks).toBe(minute0.filter((s) => s.outcome === "fallback" || s.outcome === "timeout").length);
    expect(r0.cacheHits).toBe(minute0.filter((s) => s.cacheHit).length);
    expectRelClose(r0.meanMs, d.reduce((a, b) => a + b, 0) / d.length);
    expect(r0.maxMs).toBe(Math.max(...d));
    const mem = minute0.flatMap((s) => (s.memoryBytes === null ? [] : [s.memoryBytes]));
    expectRelClose(r0.memoryMeanBytes!, mem.reduce((a, b) => a + b, 0) / mem.length);
    for (const [p, got] of [
      [50, r0.p50Ms],
      [95, r0.p95Ms],
      [99, r0.p99Ms],
    ] as const) {
      const exact = exactPercentile(d, p);
      // HDR with 3 digits reports the top of the value's bucket: ≤ 1/1024 above it (+ µs rounding).
      expect(got).toBeGreaterThanOrEqual(exact - 0.0005);
      expect(got).toBeLessThanOrEqual(exact * (1 + 1 / 1024) + 0.0005);
    }
    // The stored histogram is exactly the one built from every raw value (validates the SQL bucketing).
    const stored = decodeFromCompressedBase64(r0.histogram);
    const expected = jsHistogram(d);
    expect(stored.totalCount).toBe(3_000);
    for (let p = 0; p <= 100; p += 0.5) expect(stored.getValueAtPercentile(p)).toBe(expected.getValueAtPercentile(p));

    const before = await allRollups();
    await rollupSamples(db.pool, { until: new Date(M + 150_000) });
    await rollupSamples(db.pool, { until: new Date(M + 150_000), since: new Date(M - 600_000) });
    expect(await allRollups()).toEqual(before);
  });

  it("takes in late samples of recent minutes on the next run (upsert)", async () => {
    await writeSamples(minute0, "i-late-1");
    await rollupSamples(db.pool, { until: new Date(M + 60_000) });
    await writeSamples(
      minute1.map((s) => ({ ...s, at: s.at - 60_000 })),
      "i-late-2",
    ); // late arrivals for minute 0
    await rollupSamples(db.pool, { until: new Date(M + 60_000) });
    const [row] = await readRollups(db.pool, { operation: "quote", variant: "baseline", from: new Date(M), to: new Date(M + 60_000) });
    expect(row!.count).toBe(5_000);
  });

  it("merging two minutes equals the rollup of their union", async () => {
    await writeSamples([...minute0, ...minute1], "i-merge");
    await rollupSamples(db.pool, { until: new Date(M + 120_000) });
    const rows = await readRollups(db.pool, { operation: "quote", variant: "baseline", from: new Date(M), to: new Date(M + 120_000) });
    expect(rows).toHaveLength(2);
    const merged = mergeRollups(rows);

    // The union rolled up as one minute: move minute 1's samples into minute 0 and recompute.
    await db.pool.query("update sample set at = at - interval '1 minute' where at >= $1::timestamp", [new Date(M + 60_000).toISOString()]);
    await db.pool.query("truncate rollup");
    await rollupSamples(db.pool, { until: new Date(M + 60_000) });
    const [union] = await readRollups(db.pool, { operation: "quote", variant: "baseline", from: new Date(M), to: new Date(M + 60_000) });
    expect(union!.count).toBe(5_000);
    expect(merged).toMatchObject({
      count: union!.count,
      errors: union!.errors,
      fallbacks: union!.fallbacks,
      cacheHits: union!.cacheHits,
      p50Ms: union!.p50Ms,
      p95Ms: union!.p95Ms,
      p99Ms: union!.p99Ms,
      maxMs: union!.maxMs,
    });
    expectRelClose(merged.meanMs!, union!.meanMs);
    const all = [...minute0, ...minute1].map((s) => s.durationMs);
    expect(merged.p99Ms).toBe(jsHistogram(all).getValueAtPercentile(99) / 1000);
    expect(mergeRollups([])).toMatchObject({ count: 0, p50Ms: null });
  });
});

describe("retention", () => {
  it("deletes only samples and rollups older than their retention, in bounded batches", async () => {
    const now = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
    const h = 3_600_000;
    const old = Array.from({ length: 23 }, (_, i) => ({ ...sample(i), at: now.getTime() - 25 * h - i * 1000 }));
    const fresh = Array.from({ length: 5 }, (_, i) => ({ ...sample(i), at: now.getTime() - 23 * h + i * 1000 }));
    await writeSamples([...old, ...fresh], "i-retention");
    const minutes = [-31, -30.5, -29, -1].map((days) => new Date(now.getTime() + days * 24 * h).toISOString());
    for (const [k, m] of minutes.entries()) {
      await db.pool.query(
        `insert into rollup (minute, operation, variant, count, errors, fallbacks, cache_hits, mean_ms, p50_ms, p95_ms, p99_ms, max_ms, histogram)
         values ($1::timestamp, 'quote', $2, 1, 0, 0, 0, 1, 1, 1, 1, 1, '')`,
        [m, `v${k}`],
      );
    }
    const res = await applyRetention(db.pool, { now, batchSize: 7 });
    expect(res).toEqual({ samplesDeleted: 23, rollupsDeleted: 2 });
    const left = await db.pool.query("select min(at) as min_at, count(*)::int as n from sample");
    expect(left.rows[0].n).toBe(5);
    expect((left.rows[0].min_at as Date).getTime()).toBe(now.getTime() - 23 * h);
    const rl = await db.pool.query("select variant from rollup order by variant");
    expect(rl.rows.map((r) => r.variant)).toEqual(["v2", "v3"]);
    expect(await applyRetention(db.pool, { now })).toEqual({ samplesDeleted: 0, rollupsDeleted: 0 });
  });
});
