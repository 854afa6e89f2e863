/**
 * Prometheus exposition (GET /metrics): a prom-client registry of our own (not the global
 * default: Next loads route handlers as a separate copy of our modules, and the same metric
 * registered twice in one registry throws), kept in the process slot so the server and the
 * route see the same one.
 */
import { processSlot } from "../../platform/process-slot";
import type pg from "pg";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Engine } from "../../../optimizer/engine";
import { optimizationId, strategiesOf } from "../../../optimizer/operation";
import { OUTCOMES, type SampleRecorder } from "../../../optimizer/recorder";
import type { Strategy } from "../../../optimizer/types";
import { PendingSamples } from "../samples/metered-sink";
import type { FlusherStats } from "../samples/sample-flusher";
import { isDatabaseUnavailable } from "../../platform/db/unavailable";

/** prom-client's text format 0.0.4. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Latency bucket bounds in seconds: geometric with ratio 2^(1/4) ≈ 1.19 (four per doubling; the
 * bounds of Prometheus native histograms' schema 2), from 2^-14 s ≈ 61 µs to 2^7 = 128 s: 85
 * bounds. Why: PromQL's histogram_quantile interpolates linearly inside a bucket, so its error
 * against the raw nearest-rank percentile is at most the bucket's relative width (ratio − 1) on
 * any sample and far less on smooth ones. Measured with numpy on log-normal samples (σ 0.4–1.0,
 * 41 medians 0.1 ms–5 s, 20 seeds), worst |histogram_quantile − raw| / raw over p50/p95/p99 at
 * n = 10,000 calls (3,000 / 100,000): ratio 2^(1/8) 2.4 % (4.1 / 0.7), 1.15 3.2 % (5.5 / 1.7),
 * 2^(1/4) 4.2 % (6.7 / 2.5), 1.25 6.1 %, 1.3 8.3 %, 1.5 15 %, 2 44 %; the former 0.5 ms…30 s
 * 1-2.5-5 layout 173 % (a 0.1 ms p50 in its first bucket). 2^(1/4) is the coarsest of these
 * that holds 5 % once the p99 rests on ~100 calls; with fewer, sampling noise dominates (p50 and
 * p95 stay ≤ 3.6 % at n = 3,000). Cost: 88 series per (operation, variant) instead of 18, e.g.
 * 3,000 for 35 pairs; halving the error (2^(1/8)) would double that. Below 61 µs (cache hits)
 * the quantile is interpolated from 0; calls above 128 s report 128 s.
 */
export const LATENCY_BUCKETS: readonly number[] = Array.from({ length: 85 }, (_, k) => 2 ** ((k - 56) / 4));

/** Creates a registry with every Perfpilot metric (tests create their own; the server uses the slot). */
export function createMetricsRegistry(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // prom-client 15 adds gauges named *_total (nodejs_active_{handles,requests,resources}_total),
    // which `promtool check metrics` rejects: "_total" marks a counter. Each is the sum over `type`
    // of the gauge of the same name without the suffix, so dropping them loses nothing.
    for (const { name } of registry.getMetricsAsArray()) {
      if (name.endsWith("_total") && registry.getSingleMetric(name) instanceof Gauge) registry.removeSingleMetric(name);
    }
  }
  const registers = [registry];
  const pending = new PendingSamples();
  const latency = new Histogram({
    name: "perfpilot_operation_duration_seconds",
    help: "Duration of operation runs by variant (shadow runs included)",
    labelNames: ["operation", "variant"] as const,
    buckets: [...LATENCY_BUCKETS],
    registers,
  });
  const calls = new Counter({
    name: "perfpilot_operation_runs_total",
    help: "Operation runs by variant and outcome",
    labelNames: ["operation", "variant", "outcome"] as const,
    registers,
  });
  const errors = new Counter({
    name: "perfpilot_operation_errors_total",
    help: "Failed runs (error, fallback, timeout) by variant",
    labelNames: ["operation", "variant"] as const,
    registers,
  });
  const cacheLookups = new Counter({
    name: "perfpilot_cache_lookups_total",
    help: "Runs of cached variants by result",
    labelNames: ["operation", "result"] as const,
    registers,
  });
  const cacheHitRatio = new Gauge({
    name: "perfpilot_cache_hit_ratio",
    help: "Cache hits / (hits + misses) per operation since start",
    labelNames: ["operation"] as const,
    registers,
  });
  const optimizationState = new Gauge({
    name: "perfpilot_optimization_state",
    help: "1 for the current state of each optimization",
    labelNames: ["optimization", "operation", "strategy", "state"] as const,
    registers,
  });
  const optimizationRatio = new Gauge({
    name: "perfpilot_optimization_ratio",
    help: "Share of calls using each optimization, 0 to 1 (canary percent / 100; 1 when on)",
    labelNames: ["optimization", "operation", "strategy"] as const,
    registers,
  });
  const alertsFiring = new Gauge({
    name: "perfpilot_alerts_firing",
    help: "Firing performance alerts by severity",
    labelNames: ["severity"] as const,
    registers,
  });
  const queueDepth = new Gauge({
    name: "perfpilot_queue_depth",
    help: "pg-boss jobs waiting (created or retry) per queue",
    labelNames: ["queue", "state"] as const,
    registers,
  });
  const sampleDrops = new Counter({
    name: "perfpilot_sample_buffer_dropped_total",
    help: "Samples overwritten in the recorder's ring before they were flushed",
    registers,
  });
  const sampleBuffered = new Gauge({ name: "perfpilot_sample_buffer_size", help: "Samples waiting in the recorder's ring", registers });
  const flushFailures = new Counter({
    name: "perfpilot_sample_flush_failures_total",
    help: "Failed writes of sample batches to Postgres (each is retried, unless Postgres refused it as invalid)",
    registers,
  });
  const retryDropped = new Counter({
    name: "perfpilot_sample_retry_dropped_total",
    help: "Samples evicted from the flusher's full retry slot while Postgres failed (lost)",
    registers,
  });
  const rejected = new Counter({
    name: "perfpilot_sample_rejected_total",
    help: "Samples of batches Postgres refused as invalid data (lost; retrying cannot help)",
    registers,
  });
  const retrySize = new Gauge({ name: "perfpilot_sample_retry_size", help: "Samples waiting in the flusher's retry slot for Postgres", registers });
  const databaseUp = new Gauge({ name: "perfpilot_database_up", help: "1 while this instance reaches its database, 0 during an outage", registers });
  const databaseOutages = new Counter({
    name: "perfpilot_database_outages_total",
    help: "Database outages this instance saw (consecutive failed pings of its database watch)",
    registers,
  });
  const metricsDrops = new Counter({
    name: "perfpilot_metrics_samples_dropped_total",
    help: "Samples that missed the latency histogram (its buffer was full)",
    registers,
  });

  const children: { observe(v: number): void }[] = [];
  const cache = new Map<string, { hits: number; misses: number }>();
  let reportedDrops = 0;
  let reportedMetricsDrops = 0;
  // Counters mirror cumulative figures kept elsewhere (flusher, database watch): add the growth.
  const reported = { failures: 0, retryDropped: 0, rejected: 0, outages: 0 };
  const mirror = (c: Counter, key: keyof typeof reported, total: number) => {
    if (total > reported[key]) c.inc(total - reported[key]);
    reported[key] = Math.max(reported[key], total);
  };
  let timer: ReturnType<typeof setInterval> | null = null;

  /**
   * Moves the pending samples into the histogram and counters. Off the call path; prom-client's
   * observe() still costs ~0.5 µs a sample here (label hashing), i.e. ~1 ms of CPU per 2,000
   * calls, against ~40 ns added to each call by the ring (measured, scratch bench, Node 20).
   */
  const fold = () => {
    const counts: number[] = [];
    const lookups = new Map<string, { hits: number; misses: number }>();
    pending.drain((id, durationMs, outcome, cacheHit) => {
      const [operation, variant, cached] = pending.pairs[id]!;
      (children[id] ??= latency.labels(operation, variant)).observe(durationMs / 1000);
      counts[id * 4 + outcome] = (counts[id * 4 + outcome] ?? 0) + 1;
      if (cached) {
        let s = lookups.get(operation);
        if (!s) lookups.set(operation, (s = { hits: 0, misses: 0 }));
        if (cacheHit) s.hits++;
        else s.misses++;
      }
    });
    counts.forEach((n, k) => {
      const [operation, variant] = pending.pairs[k >> 2]!;
      const outcome = OUTCOMES[k & 3]!;
      calls.inc({ operation, variant, outcome }, n);
      if (outcome !== "ok") errors.inc({ operation, variant }, n);
    });
    for (const [operation, d] of lookups) {
      if (d.hits > 0) cacheLookups.inc({ operation, result: "hit" }, d.hits);
      if (d.misses > 0) cacheLookups.inc({ operation, result: "miss" }, d.misses);
      const total = cache.get(operation) ?? { hits: 0, misses: 0 };
      cache.set(operation, { hits: total.hits + d.hits, misses: total.misses + d.misses });
    }
    if (pending.dropped > reportedMetricsDrops) {
      metricsDrops.inc(pending.dropped - reportedMetricsDrops);
      reportedMetricsDrops = pending.dropped;
    }
  };

  return {
    registry,
    pending,
    fold,
    latency,
    /** Folds every 5 s so an unscraped process never fills the ring (idempotent, unref'd). */
    startFolding() {
      if (timer) return;
      timer = setInterval(fold, 5_000);
      timer.unref();
    },
    stopFolding() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    /**
     * Refreshes the gauges that are read rather than counted. During a database outage (as the
     * watch says, or as a query finds) the gauges read from Postgres are left out, not failed:
     * the scrape still answers with what this process knows, `perfpilot_database_up 0` first.
     */
    async update(deps: {
      pool?: pg.Pool;
      engine?: Engine;
      recorder?: SampleRecorder;
      caches?: Record<string, { stats(): { hits: number; misses: number } }>;
      flusher?: { stats(): Pick<FlusherStats, "failures" | "droppedSamples" | "rejectedSamples" | "pendingSamples"> };
      database?: { state(): { up: boolean; outages: number } };
    }) {
      fold();
      for (const [operation, s] of cache) cacheHitRatio.set({ operation }, s.hits + s.misses > 0 ? s.hits / (s.hits + s.misses) : 0);
      // Exact figures from the cache strategies themselves, where the host passes them.
      for (const [operation, c] of Object.entries(deps.caches ?? {})) {
        const s = c.stats();
        cacheHitRatio.set({ operation }, s.hits + s.misses > 0 ? s.hits / (s.hits + s.misses) : 0);
      }
      if (deps.engine) {
        // One series per optimization: a state change must not leave the old state's series behind.
        optimizationState.reset();
        optimizationRatio.reset();
        for (const op of deps.engine.operations()) {
          const strategies: Strategy[] = strategiesOf(op);
          for (const strategy of strategies) {
            const st = deps.engine.state(optimizationId(op.name, strategy));
            if (!st) continue;
            optimizationState.set({ optimization: st.id, operation: op.name, strategy, state: st.state }, 1);
            optimizationRatio.set({ optimization: st.id, operation: op.name, strategy }, st.percent / 100);
          }
        }
      }
      if (deps.recorder) {
        const s = deps.recorder.stats();
        if (s.dropped > reportedDrops) sampleDrops.inc(s.dropped - reportedDrops);
        reportedDrops = Math.max(reportedDrops, s.dropped);
        sampleBuffered.set(s.buffered);
      }
      if (deps.flusher) {
        const f = deps.flusher.stats();
        mirror(flushFailures, "failures", f.failures);
        mirror(retryDropped, "retryDropped", f.droppedSamples);
        mirror(rejected, "rejected", f.rejectedSamples);
        retrySize.set(f.pendingSamples);
      }
      const db = deps.database?.state();
      if (db) {
        databaseUp.set(db.up ? 1 : 0);
        mirror(databaseOutages, "outages", db.outages);
      }
      if (!deps.pool) return;
      if (db && !db.up) {
        // No query during a known outage (each may wait the pool's connect timeout for nothing), and
        // no stale figures: the series are absent until the database answers again.
        alertsFiring.reset();
        queueDepth.reset();
        return;
      }
      await Promise.all([
        unlessUnavailable(() => updateAlerts(deps.pool!, alertsFiring), alertsFiring),
        unlessUnavailable(() => updateQueues(deps.pool!, queueDepth), queueDepth),
      ]);
    },
  };
}

export type PerfpilotMetrics = ReturnType<typeof createMetricsRegistry>;

/** Runs a gauge's database read; an outage (not yet seen by the watch) leaves the gauge empty instead of failing the scrape. */
async function unlessUnavailable(read: () => Promise<void>, gauge: Gauge<string>): Promise<void> {
  try {
    await read();
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    gauge.reset();
  }
}

async function updateAlerts(pool: pg.Pool, gauge: Gauge<"severity">): Promise<void> {
  const r = await pool.query<{ severity: string; n: number }>("select severity, count(*)::int as n from alert where state = 'firing' group by severity");
  gauge.set({ severity: "warning" }, 0);
  gauge.set({ severity: "critical" }, 0);
  for (const row of r.rows) gauge.set({ severity: row.severity }, row.n);
}

async function updateQueues(pool: pg.Pool, gauge: Gauge<"queue" | "state">): Promise<void> {
  try {
    // pg-boss 12 keeps every queue's jobs under the (list-partitioned) table pgboss.job.
    const r = await pool.query<{ name: string; state: string; n: number }>(
      "select name, state::text as state, count(*)::int as n from pgboss.job where state in ('created', 'retry') group by name, state",
    );
    gauge.reset();
    for (const row of r.rows) gauge.set({ queue: row.name, state: row.state }, row.n);
  } catch (err) {
    // No pg-boss schema yet (a database that never ran the queue): report no queues.
    const code = (err as { code?: string }).code;
    if (code !== "42P01" && code !== "3F000") throw err;
  }
}

const SLOT = processSlot<PerfpilotMetrics>("metrics");

/** The process's metrics registry, created on first use. */
export function getMetricsRegistry(): PerfpilotMetrics {
  return SLOT.getOrCreate(createMetricsRegistry);
}

/** The /metrics text: folds pending samples, refreshes the read gauges, serializes the registry. */
export async function collectMetrics(deps: Parameters<PerfpilotMetrics["update"]>[0] & { metrics?: PerfpilotMetrics }): Promise<string> {
  const metrics = deps.metrics ?? getMetricsRegistry();
  await metrics.update(deps);
  return metrics.registry.metrics();
}
