/**
 * Drains the SampleRecorder to the `sample` table with COPY FROM STDIN, on a timer.
 *
 * Guarantees: one flush in flight at a time; a batch that failed to write is kept (bounded) and
 * retried on the next tick; retries are idempotent (ON CONFLICT DO NOTHING on (instance, seq)),
 * so a COPY that committed although the client saw an error is never written twice; nothing ever
 * throws out of the timer.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { FLAG_CACHE_HIT, FLAG_SHADOW, OUTCOMES, type SampleBatch, type SampleRecorder } from "../../../optimizer/recorder";

/** The subset of a pino logger the flusher uses. */
export interface FlusherLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SampleFlusherOptions {
  recorder: SampleRecorder;
  pool: pg.Pool;
  /** Unique per process run: (instance, seq) is the primary key and seq restarts with the process. */
  instanceId: string;
  intervalMs?: number;
  /** Samples per COPY statement (default 20,000). */
  batchSize?: number;
  /** Samples kept for retry while the database fails (default 10 batches); beyond that the oldest are dropped. */
  maxPendingSamples?: number;
  log?: FlusherLog;
}

export interface FlusherStats {
  /** Rows inserted into `sample`. */
  written: number;
  /** Flush runs (timer ticks that did work, flushNow, stop). */
  flushes: number;
  /** Failed write attempts. */
  failures: number;
  /** Samples drained but not yet written (the retry slot). */
  pendingSamples: number;
  /** Samples evicted from a full retry slot. */
  droppedSamples: number;
  /** Samples of batches Postgres refused as invalid data (retrying cannot help). */
  rejectedSamples: number;
  /** Samples skipped because (instance, seq) was already in the table (a retried COPY had committed). */
  duplicateSamples: number;
  lastError: string | null;
  lastFlushMs: number | null;
  stopped: boolean;
}

export interface SampleFlusher {
  /** Writes everything buffered now (after any flush in flight); resolves with rows written, never rejects. */
  flushNow(): Promise<number>;
  /** Stops the timer and writes everything still buffered (one attempt; failures are logged). */
  stop(): Promise<void>;
  stats(): FlusherStats;
}

const COLUMNS = "at, operation, variant, duration_ms, memory_bytes, outcome, cache_hit, shadow, instance, key_hash, seq";
const ROWS_PER_CHUNK = 1_000;
const FAILURE_LOG_EVERY_MS = 30_000;

/** Escapes a value for COPY's text format; NUL cannot be stored in a text column, so it is removed. */
export function copyText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\\\n\r\t\u0000]/.test(s) ? s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t").replaceAll("\u0000", "") : s;
}

/** COPY text rows of a batch, ROWS_PER_CHUNK per string, encoded lazily so the event loop breathes. */
function* encodeBatch(b: SampleBatch, instance: string): Generator<string> {
  const ops = b.operations.map(copyText);
  const variants = b.variants.map(copyText);
  const tail = `\t${copyText(instance)}\t`;
  // `at` is UTC wall time for a `timestamp` column; formatting the second once per distinct
  // second is ~20x cheaper than toISOString() per row (batches are mostly a few seconds).
  let lastSec = NaN;
  let secText = "";
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const ms = Math.floor(b.at[i]!);
    const sec = Math.floor(ms / 1000);
    if (sec !== lastSec) {
      lastSec = sec;
      secText = new Date(sec * 1000).toISOString().slice(0, 19).replace("T", " ");
    }
    const frac = ms - sec * 1000;
    const mem = b.memoryBytes[i]!;
    const flags = b.flags[i]!;
    out +=
      `${secText}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}\t${ops[b.operationId[i]!]}\t${variants[b.variantId[i]!]}\t` +
      `${b.durationMs[i]}\t${mem === mem ? mem : "\\N"}\t${OUTCOMES[b.outcome[i]!]}\t` +
      `${flags & FLAG_CACHE_HIT ? "t" : "f"}\t${flags & FLAG_SHADOW ? "t" : "f"}${tail}${b.keyHash[i]}\t${b.seq[i]}\n`;
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield out;
      out = "";
    }
  }
  if (out) yield out;
}

async function copyInto(client: pg.PoolClient, table: string, b: SampleBatch, instance: string): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${COLUMNS}) FROM STDIN`));
  await pipeline(Readable.from(encodeBatch(b, instance)), stream);
  return stream.rowCount;
}

/** Plain COPY: the fast path for a batch's first attempt. */
async function writeBatch(pool: pg.Pool, b: SampleBatch, instance: string): Promise<number> {
  const client = await pool.connect();
  try {
    const n = await copyInto(client, "sample", b, instance);
    client.release();
    return n;
  } catch (err) {
    // A connection that failed mid-COPY may be in any state: do not give it back to the pool.
    client.release(err as Error);
    throw err;
  }
}

/** COPY into a temp table, then INSERT … ON CONFLICT DO NOTHING: idempotent, for retries. */
async function writeBatchIdempotent(pool: pg.Pool, b: SampleBatch, instance: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("CREATE TEMP TABLE sample_in (LIKE sample INCLUDING DEFAULTS) ON COMMIT DROP");
    await copyInto(client, "sample_in", b, instance);
    const r = await client.query(`INSERT INTO sample (${COLUMNS}) SELECT ${COLUMNS} FROM sample_in ON CONFLICT (instance, seq) DO NOTHING`);
    await client.query("COMMIT");
    client.release();
    return r.rowCount ?? 0;
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Invalid data (class 22) or a constraint other than the key: the same batch can never succeed. */
function isPoison(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && (code.startsWith("22") || (code.startsWith("23") && code !== "23505"));
}

const consoleLog: FlusherLog = {
  info: (obj, msg) => console.info(msg, obj),
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

/** Starts the periodic flusher; see the file comment for its guarantees. */
export function startSampleFlusher(options: SampleFlusherOptions): SampleFlusher {
  const { recorder, pool, instanceId, intervalMs = 1000, batchSize = 20_000, log = consoleLog } = options;
  const maxPending = Math.max(batchSize, options.maxPendingSamples ?? 10 * batchSize);
  const pending: SampleBatch[] = [];
  const s: FlusherStats = {
    written: 0,
    flushes: 0,
    failures: 0,
    pendingSamples: 0,
    droppedSamples: 0,
    rejectedSamples: 0,
    duplicateSamples: 0,
    lastError: null,
    lastFlushMs: null,
    stopped: false,
  };
  let failingSince: number | null = null;
  let lastFailureLog = 0;

  function onFailure(err: unknown, b: SampleBatch): "poison" | "retry" {
    s.failures++;
    s.lastError = err instanceof Error ? err.message : String(err);
    const ctx = { err: s.lastError, code: sqlState(err), batch: b.length, pending: s.pendingSamples, instanceId };
    if (isPoison(err)) {
      s.rejectedSamples += b.length;
      log.error({ ...ctx, firstSeq: b.seq[0] }, "sample batch refused by postgres as invalid; dropped");
      return "poison";
    }
    const now = Date.now();
    if (failingSince === null) {
      failingSince = now;
      lastFailureLog = now;
      log.error(ctx, "sample flush failed; keeping the batch for retry");
    } else if (now - lastFailureLog >= FAILURE_LOG_EVERY_MS) {
      lastFailureLog = now;
      log.warn({ ...ctx, failingForMs: now - failingSince, dropped: s.droppedSamples }, "sample flush still failing");
    }
    return "retry";
  }

  function onSuccess(): void {
    if (failingSince !== null) {
      log.info({ failedForMs: Date.now() - failingSince, dropped: s.droppedSamples, instanceId }, "sample flush recovered");
      failingSince = null;
    }
  }

  function keep(b: SampleBatch): void {
    pending.push(b);
    s.pendingSamples += b.length;
    // Bounded: evict the oldest batches, as the recorder's ring does (recent data is worth more).
    while (s.pendingSamples > maxPending && pending.length > 1) {
      const old = pending.shift()!;
      s.pendingSamples -= old.length;
      s.droppedSamples += old.length;
    }
  }

  /** Writes one batch; returns false when the database failed (batch kept for retry). */
  async function attempt(b: SampleBatch, isRetry: boolean): Promise<boolean> {
    try {
      let n: number;
      try {
        n = isRetry ? await writeBatchIdempotent(pool, b, instanceId) : await writeBatch(pool, b, instanceId);
      } catch (err) {
        // A duplicate key on a first attempt: this instance id was used before (or a retry
        // raced); write the new rows idempotently instead of retrying the batch forever.
        if (isRetry || sqlState(err) !== "23505") throw err;
        n = await writeBatchIdempotent(pool, b, instanceId);
        log.warn({ instanceId, skipped: b.length - n, firstSeq: b.seq[0] }, "samples with an existing (instance, seq) skipped: instance id reused?");
      }
      s.written += n;
      s.duplicateSamples += b.length - n;
      onSuccess();
      return true;
    } catch (err) {
      if (onFailure(err, b) === "poison") return true;
      if (!isRetry) keep(b);
      return false;
    }
  }

  /** One flush: retry slot first, then up to `budget` fresh samples. Never throws. */
  async function flushOnce(budget: number): Promise<number> {
    const t0 = performance.now();
    const before = s.written;
    s.flushes++;
    let healthy = true;
    while (pending.length > 0) {
      const b = pending[0]!;
      if (!(await attempt(b, true))) {
        healthy = false;
        break;
      }
      pending.shift();
      s.pendingSamples -= b.length;
    }
    while (budget > 0 && recorder.peekCount > 0) {
      const b = recorder.drain(Math.min(batchSize, budget));
      budget -= b.length;
      if (!healthy)
        keep(b); // the database is down: move samples to the retry slot without trying
      else if (!(await attempt(b, false))) healthy = false;
    }
    s.lastFlushMs = performance.now() - t0;
    return s.written - before;
  }

  // Serialises flushes: at most one in flight; flushNow/stop queue behind the current one.
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  function serialize(fn: () => Promise<number>): Promise<number> {
    queued++;
    const p = tail.then(fn).catch((err: unknown) => {
      // Only a throwing logger gets here; nothing may escape into the timer (unhandled rejection).
      try {
        log.error({ err: String(err), instanceId }, "sample flush crashed");
      } catch {
        /* nowhere left to report */
      }
      return 0;
    });
    tail = p.finally(() => queued--);
    return p;
  }

  // Flush when a full batch is buffered or intervalMs has passed, checked every ≤ 100 ms. Why not
  // a plain intervalMs timer: under 100k samples/s a 1 s wait (plus ticks skipped while a long
  // flush runs) overflowed the 131,072-sample ring although COPY keeps up (bench/samples.ts:
  // 13.8 % dropped); record() itself cannot signal "batch full" without a cost on every call.
  let lastFlushStart = performance.now();
  const timer = setInterval(
    () => {
      // Skip while a flush is running or queued: ticks must not pile up behind a slow database.
      if (queued > 0 || s.stopped) return;
      const due = recorder.peekCount >= batchSize || performance.now() - lastFlushStart >= intervalMs;
      if (!due || (recorder.peekCount === 0 && pending.length === 0)) return;
      lastFlushStart = performance.now();
      void serialize(() => flushOnce(recorder.peekCount));
    },
    Math.min(intervalMs, 100),
  );
  // The flusher alone must not keep the process alive; shutdown calls stop().
  timer.unref();

  let stopping: Promise<void> | null = null;
  const stop = async () => {
    s.stopped = true;
    clearInterval(timer);
    await serialize(async () => {
      let written = 0;
      // Calls still finishing during shutdown keep recording: drain until empty or failing.
      for (let round = 0; round < 100 && recorder.peekCount + pending.length > 0; round++) {
        written += await flushOnce(recorder.peekCount);
        if (failingSince !== null) break; // the database is down: one attempt, then report below
      }
      const left = recorder.peekCount + s.pendingSamples;
      if (left > 0) log.error({ left, lastError: s.lastError, instanceId }, "samples not written at shutdown");
      return written;
    });
  };

  return {
    flushNow: () => serialize(() => flushOnce(recorder.peekCount)),
    stop: () => (stopping ??= stop()),
    stats: () => ({ ...s }),
  };
}
