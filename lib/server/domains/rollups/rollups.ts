/**
 * Per-minute rollups of raw samples (count, outcomes, mean, HDR percentiles) and retention.
 *
 * Histograms: hdr-histogram-js, pure JS (no wasm init), values in integer microseconds over
 * 1 µs .. 1 h with 3 significant digits. Measured here for 10k values (build + encode):
 * 32-bit buckets 5.5 ms / 95 KB, 64-bit 3.9 ms / 189 KB, "packed" 20.8 ms / 50 KB. We use 32-bit
 * buckets for one minute (6M calls/min still fit a bucket) and reuse a single histogram object,
 * so the footprint does not multiply; merges accumulate into 64-bit buckets (24 h can overflow 2^31).
 *
 * Percentiles are nearest-rank (PERCENTILE_DEFINITION in lib/optimizer/stats/quantile.ts), as HDR's
 * getValueAtPercentile computes them: the top of the bucket holding the value at rank ⌈p·n⌉, at
 * most 1/1024 above it, plus the rounding to whole µs (≤ 0.5 µs). So a rollup percentile is within
 * 1 % of the raw one from 50 µs up, and below that equals it at the dashboard's 1 µs resolution —
 * why the unit stays µs (tests/integration/rollup-percentiles.test.ts).
 *
 * Shadow samples are included in their variant's rollup: a shadow run is a real, measured
 * execution of that variant on a real input — exactly the evidence the comparisons need.
 */
import type pg from "pg";
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { RollupRow } from "../../../api/rollup-types";

export type { RollupRow };

const MINUTE = 60_000;
/** 1 h in µs: longer calls are recorded as 1 h in the histogram (max_ms keeps the real maximum). */
export const HISTOGRAM_MAX_US = 3_600_000_000;

/** A fresh histogram with the rollup parameters. */
export function newHistogram(bitBucketSize: 32 | 64 = 32): Histogram {
  return build({
    bitBucketSize,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HISTOGRAM_MAX_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
}

/** A duration in ms as the integer µs value the histograms record (clamped to the tracked range). */
export function toMicros(durationMs: number): number {
  return Math.min(HISTOGRAM_MAX_US, Math.max(0, Math.round(durationMs * 1000)));
}

export interface RollupSamplesOptions {
  /** Only minutes ending at or before `until` are rolled up (complete minutes). */
  until: Date;
  /** First minute to (re)compute; default: the last `recomputeMinutes` rolled-up minutes, or the oldest sample. */
  since?: Date;
  /** Minutes recomputed before the newest existing rollup, to take in late samples (default 3). */
  recomputeMinutes?: number;
  /** Minutes per SQL round trip (default 10). */
  chunkMinutes?: number;
}

export interface RollupSamplesResult {
  from: Date | null;
  to: Date;
  /** Rollup rows upserted. */
  rows: number;
}

/**
 * Exact HDR bucket of a duration, in SQL. A histogram fed (bucket, count) pairs is identical to
 * one fed every raw value (HDR stores counts per bucket), and Postgres returns a few thousand
 * bucket rows per minute instead of every sample. With 3 digits there are 2048 sub-buckets:
 * values < 2048 µs are exact, above that bucket k = floor(log2 us) − 10 has width 2^k. The float
 * log2 is corrected by one either way so exact powers of two land in the right bucket.
 */
/** A row of BUCKETS_SQL. `extract(epoch …)` is numeric, which pg returns as text. */
interface BucketRow {
  minute_ms: string;
  operation: string;
  variant: string;
  bucket: number;
  n: number;
}

const BUCKETS_SQL = `
  select extract(epoch from date_trunc('minute', s.at)) * 1000 as minute_ms, s.operation, s.variant,
         case when u.us < 2048 then u.us else (u.us >> (k.k - 10)) << (k.k - 10) end as bucket,
         count(*)::int as n
  from sample s
  cross join lateral (select least(greatest(round(s.duration_ms * 1000), 0), ${HISTOGRAM_MAX_US})::bigint as us) u
  cross join lateral (select floor(ln(greatest(u.us, 1)::float8) / ln(2::float8))::int as k0) f
  cross join lateral (select case when (u.us >> (f.k0 + 1)) > 0 then f.k0 + 1
                                  when (u.us >> f.k0) = 0 then f.k0 - 1 else f.k0 end as k) k
  where s.at >= $1::timestamp and s.at < $2::timestamp
  group by 1, 2, 3, 4`;

/** A row of STATS_SQL (minute_ms: numeric, as text). */
interface StatsRow {
  minute_ms: string;
  operation: string;
  variant: string;
  count: number;
  errors: number;
  fallbacks: number;
  cache_hits: number;
  mean_ms: number;
  max_ms: number;
  memory_mean_bytes: number | null;
}

const STATS_SQL = `
  select extract(epoch from date_trunc('minute', at)) * 1000 as minute_ms, operation, variant,
         count(*)::int as count,
         count(*) filter (where outcome = 'error')::int as errors,
         count(*) filter (where outcome in ('fallback', 'timeout'))::int as fallbacks,
         count(*) filter (where cache_hit)::int as cache_hits,
         avg(duration_ms) as mean_ms, max(duration_ms) as max_ms, avg(memory_bytes) as memory_mean_bytes
  from sample
  where at >= $1::timestamp and at < $2::timestamp
  group by 1, 2, 3`;

const UPSERT_SQL = `
  insert into rollup (minute, operation, variant, count, errors, fallbacks, cache_hits,
                      mean_ms, p50_ms, p95_ms, p99_ms, max_ms, memory_mean_bytes, histogram)
  select * from unnest($1::timestamp[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[],
                       $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::text[])
  on conflict (minute, operation, variant) do update set
    count = excluded.count, errors = excluded.errors, fallbacks = excluded.fallbacks, cache_hits = excluded.cache_hits,
    mean_ms = excluded.mean_ms, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms, p99_ms = excluded.p99_ms,
    max_ms = excluded.max_ms, memory_mean_bytes = excluded.memory_mean_bytes, histogram = excluded.histogram`;

/** Timestamps travel as ISO text: `::timestamp` ignores the `Z`, giving UTC wall time whatever the session TZ. */
const ts = (ms: number) => new Date(ms).toISOString();
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

async function startMinute(pool: pg.Pool, recompute: number): Promise<number | null> {
  const r = await pool.query<{ m: string | null }>("select extract(epoch from max(minute)) * 1000 as m from rollup");
  const latest = num(r.rows[0]?.m);
  if (latest !== null) return latest - Math.max(0, recompute - 1) * MINUTE;
  const s = await pool.query<{ m: string | null }>("select extract(epoch from min(at)) * 1000 as m from sample");
  const oldest = num(s.rows[0]?.m);
  return oldest === null ? null : floorMinute(oldest);
}

/**
 * Rolls up every complete minute from the start (see RollupSamplesOptions.since) to `until`, per
 * (minute, operation, variant), upserting into `rollup` — idempotent: a rerun yields the same rows.
 */
export async function rollupSamples(pool: pg.Pool, options: RollupSamplesOptions): Promise<RollupSamplesResult> {
  const end = floorMinute(options.until.getTime());
  const chunk = Math.max(1, options.chunkMinutes ?? 10) * MINUTE;
  const start = options.since ? floorMinute(options.since.getTime()) : await startMinute(pool, options.recomputeMinutes ?? 3);
  const result: RollupSamplesResult = { from: start === null ? null : new Date(start), to: new Date(end), rows: 0 };
  if (start === null) return result;
  const h = newHistogram(32);
  for (let t = start; t < end; t += chunk) {
    const range = [ts(t), ts(Math.min(t + chunk, end))];
    const [stats, buckets] = await Promise.all([pool.query<StatsRow>(STATS_SQL, range), pool.query<BucketRow>(BUCKETS_SQL, range)]);
    const byKey = new Map<string, number[]>();
    for (const b of buckets.rows) {
      const key = `${num(b.minute_ms)}\u0000${b.operation}\u0000${b.variant}`;
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(Number(b.bucket), b.n);
    }
    const cols: unknown[][] = Array.from({ length: 14 }, () => []);
    for (const r of stats.rows) {
      const minuteMs = num(r.minute_ms)!;
      h.reset();
      const list = byKey.get(`${minuteMs}\u0000${r.operation}\u0000${r.variant}`) ?? [];
      for (let i = 0; i < list.length; i += 2) h.recordValueWithCount(list[i]!, list[i + 1]!);
      const row = [
        ts(minuteMs),
        r.operation,
        r.variant,
        r.count,
        r.errors,
        r.fallbacks,
        r.cache_hits,
        num(r.mean_ms),
        h.getValueAtPercentile(50) / 1000,
        h.getValueAtPercentile(95) / 1000,
        h.getValueAtPercentile(99) / 1000,
        num(r.max_ms),
        num(r.memory_mean_bytes),
        encodeIntoCompressedBase64(h),
      ];
      row.forEach((v, i) => cols[i]!.push(v));
    }
    if (stats.rows.length > 0) await pool.query(UPSERT_SQL, cols);
    result.rows += stats.rows.length;
  }
  return result;
}

/** A row of `rollup` as readRollups selects it (minute_ms: numeric epoch ms, as text). */
interface StoredRollupRow {
  minute_ms: string;
  operation: string;
  variant: string;
  count: number;
  errors: number;
  fallbacks: number;
  cache_hits: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  memory_mean_bytes: number | null;
  histogram: string;
}

/** Rollup rows of one operation (optionally one variant) with from ≤ minute < to, oldest first. */
export async function readRollups(pool: pg.Pool, q: { operation: string; variant?: string; from: Date; to: Date }): Promise<RollupRow[]> {
  const r = await pool.query<StoredRollupRow>(
    `select extract(epoch from minute) * 1000 as minute_ms, operation, variant, count, errors, fallbacks, cache_hits,
            mean_ms, p50_ms, p95_ms, p99_ms, max_ms, memory_mean_bytes, histogram
     from rollup where operation = $1 and ($2::text is null or variant = $2) and minute >= $3::timestamp and minute < $4::timestamp
     order by minute, variant`,
    [q.operation, q.variant ?? null, q.from.toISOString(), q.to.toISOString()],
  );
  return r.rows.map((x) => ({
    minute: new Date(num(x.minute_ms)!),
    operation: x.operation,
    variant: x.variant,
    count: x.count,
    errors: x.errors,
    fallbacks: x.fallbacks,
    cacheHits: x.cache_hits,
    meanMs: x.mean_ms,
    p50Ms: x.p50_ms,
    p95Ms: x.p95_ms,
    p99Ms: x.p99_ms,
    maxMs: x.max_ms,
    memoryMeanBytes: x.memory_mean_bytes,
    histogram: x.histogram,
  }));
}

export interface MergedRollup {
  count: number;
  errors: number;
  fallbacks: number;
  cacheHits: number;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /**
   * Count-weighted mean of the rows' memory means. Approximate: rollups do not store how many
   * samples had memory measured; exact when the measuring rate is the same across the rows.
   */
  memoryMeanBytes: number | null;
}

type MergeInput = Pick<RollupRow, "count" | "errors" | "fallbacks" | "cacheHits" | "meanMs" | "maxMs" | "memoryMeanBytes" | "histogram">;

/** Merges rollup rows (e.g. the minutes of 1 h or 24 h) by adding their histograms: exact percentiles of the union. */
export function mergeRollups(rows: readonly MergeInput[]): MergedRollup {
  const acc = newHistogram(64);
  const m: MergedRollup = {
    count: 0,
    errors: 0,
    fallbacks: 0,
    cacheHits: 0,
    meanMs: null,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    maxMs: null,
    memoryMeanBytes: null,
  };
  let sum = 0;
  let memSum = 0;
  let memCount = 0;
  for (const r of rows) {
    if (r.count === 0) continue;
    acc.add(decodeFromCompressedBase64(r.histogram, 64));
    m.count += r.count;
    m.errors += r.errors;
    m.fallbacks += r.fallbacks;
    m.cacheHits += r.cacheHits;
    sum += r.meanMs * r.count;
    m.maxMs = m.maxMs === null ? r.maxMs : Math.max(m.maxMs, r.maxMs);
    if (r.memoryMeanBytes !== null) {
      memSum += r.memoryMeanBytes * r.count;
      memCount += r.count;
    }
  }
  if (m.count === 0) return m;
  m.meanMs = sum / m.count;
  m.p50Ms = acc.getValueAtPercentile(50) / 1000;
  m.p95Ms = acc.getValueAtPercentile(95) / 1000;
  m.p99Ms = acc.getValueAtPercentile(99) / 1000;
  m.memoryMeanBytes = memCount > 0 ? memSum / memCount : null;
  return m;
}

export interface RetentionOptions {
  samplesMaxAgeHours?: number;
  rollupsMaxAgeDays?: number;
  now?: Date;
  /** Rows per DELETE statement: short transactions, no long locks or WAL bursts (default 10,000). */
  batchSize?: number;
}

async function deleteInBatches(pool: pg.Pool, table: "sample" | "rollup", column: "at" | "minute", before: number, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await pool.query(`delete from ${table} where ctid = any(array(select ctid from ${table} where ${column} < $1::timestamp limit $2))`, [
      ts(before),
      batch,
    ]);
    total += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < batch) return total;
  }
}

/** Deletes raw samples and rollups older than their retention, in bounded batches. */
export async function applyRetention(pool: pg.Pool, options: RetentionOptions = {}): Promise<{ samplesDeleted: number; rollupsDeleted: number }> {
  const { samplesMaxAgeHours = 24, rollupsMaxAgeDays = 30, now = new Date(), batchSize = 10_000 } = options;
  const t = now.getTime();
  const samplesDeleted = await deleteInBatches(pool, "sample", "at", t - samplesMaxAgeHours * 3_600_000, batchSize);
  const rollupsDeleted = await deleteInBatches(pool, "rollup", "minute", t - rollupsMaxAgeDays * 86_400_000, batchSize);
  return { samplesDeleted, rollupsDeleted };
}
