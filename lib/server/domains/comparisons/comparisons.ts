import crypto from "node:crypto";
import v8 from "node:v8";
import type pg from "pg";
import { AppError } from "../../../errors";
import { runBenchmark } from "../../../optimizer/benchmark";
import type { Engine } from "../../../optimizer/engine";
import type { OperationSpec } from "../../../optimizer/operation";
import { sampleRatioMismatch } from "../../../optimizer/stats/chi-square";
import { compareSamples, type Comparison } from "../../../optimizer/stats/compare";
import { mean } from "../../../optimizer/stats/quantile";
import type { Strategy } from "../../../optimizer/types";

export interface StoredComparisonInput {
  operation: string;
  variant: string;
  kind: "live" | "benchmark";
  comparison: Comparison;
  memoryBaseline: number | null;
  memoryOptimized: number | null;
  window?: { from: Date; to: Date };
  taskId?: string;
  details?: unknown;
}

/** Stores a comparison (the original PerformanceMetrics) and returns its id. */
export async function storeComparison(pool: pg.Pool, c: StoredComparisonInput): Promise<string> {
  const id = crypto.randomUUID();
  const k = c.comparison;
  await pool.query(
    `insert into comparison (id, operation, variant, kind, window_start, window_end, n_baseline, n_optimized,
       median_baseline_ms, median_optimized_ms, p95_baseline_ms, p95_optimized_ms, memory_baseline_bytes, memory_optimized_bytes,
       improvement_pct, ci_low_pct, ci_high_pct, p_value, u_statistic, verdict, task_id, details)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
    [
      id,
      c.operation,
      c.variant,
      c.kind,
      c.window?.from ?? null,
      c.window?.to ?? null,
      k.baseline.n,
      k.optimized.n,
      k.baseline.median,
      k.optimized.median,
      k.baseline.p95,
      k.optimized.p95,
      c.memoryBaseline,
      c.memoryOptimized,
      k.improvementPct,
      k.ci95?.low ?? null,
      k.ci95?.high ?? null,
      k.mannWhitney?.pValue ?? null,
      k.mannWhitney?.u ?? null,
      k.verdict,
      c.taskId ?? null,
      c.details === undefined ? null : JSON.stringify(c.details),
    ],
  );
  if (k.improvementPct !== null && k.verdict !== "insufficient_data") {
    for (const s of c.variant.split("+")) {
      await pool.query("update optimization set performance_gain = $2 where id = $1", [`${c.operation}:${s}`, k.improvementPct]);
    }
  }
  return id;
}

/**
 * Live comparisons: for every optimization in use (canary, on or shadow), baseline vs optimized
 * samples of the same operation from the same recent window (shadow runs are paired samples of
 * identical inputs). Samples are capped per side so one busy operation cannot make this slow.
 */
export async function runLiveComparisons(pool: pg.Pool, opts: { windowMinutes?: number; perSide?: number } = {}): Promise<number> {
  const windowMinutes = opts.windowMinutes ?? 15;
  const perSide = opts.perSide ?? 2_000;
  const to = new Date();
  const from = new Date(to.getTime() - windowMinutes * 60_000);
  const live = await pool.query<{ operation_name: string; strategy: string; state: string; percent: number }>(
    "select operation_name, strategy, state, percent from optimization where state in ('shadow', 'canary', 'on') and strategy <> 'queue'",
  );
  let stored = 0;
  for (const o of live.rows) {
    const side = async (optimized: boolean) => {
      const r = await pool.query<{ d: number; m: number | null }>(
        `select duration_ms as d, memory_bytes as m from sample
          where operation = $1 and at >= $2 and at < $3 and outcome = 'ok'
            and (case when $4 then $5 = any(string_to_array(variant, '+')) else variant = 'baseline' end)
          order by at desc limit $6`,
        [o.operation_name, from, to, optimized, o.strategy, perSide],
      );
      return { d: r.rows.map((x) => x.d), m: r.rows.flatMap((x) => (x.m === null ? [] : [x.m])) };
    };
    const [base, opt] = await Promise.all([side(false), side(true)]);
    if (base.d.length === 0 && opt.d.length === 0) continue;
    const srm = o.state === "canary" ? await splitCheck(pool, o.operation_name, o.strategy, o.percent, from, to) : null;
    await storeComparison(pool, {
      operation: o.operation_name,
      variant: o.strategy,
      kind: "live",
      comparison: compareSamples(base.d, opt.d),
      memoryBaseline: base.m.length ? mean(base.m) : null,
      memoryOptimized: opt.m.length ? mean(opt.m) : null,
      window: { from, to },
      ...(srm ? { details: { sampleRatio: srm } } : {}),
    });
    stored++;
  }
  return stored;
}

/**
 * Sample-ratio-mismatch check of a canary split: the distinct request keys seen in each group
 * against the configured percentage (χ² goodness of fit, flagged at p < 0.001). Keys, not calls,
 * are the unit: assignment is per key, and one busy key would otherwise look like a broken split.
 */
async function splitCheck(pool: pg.Pool, operation: string, strategy: string, percent: number, from: Date, to: Date) {
  const r = await pool.query<{ optimized: number; baseline: number }>(
    `select count(distinct key_hash) filter (where $2 = any(string_to_array(variant, '+')))::int as optimized,
            count(distinct key_hash) filter (where variant = 'baseline')::int as baseline
       from sample where operation = $1 and at >= $3 and at < $4 and not shadow`,
    [operation, strategy, from, to],
  );
  const { optimized = 0, baseline = 0 } = r.rows[0] ?? {};
  if (optimized + baseline < 20) return { keys: optimized + baseline, expectedPercent: percent, checked: false as const };
  const t = sampleRatioMismatch([baseline, optimized], [100 - percent, percent]);
  return { keys: optimized + baseline, optimizedKeys: optimized, expectedPercent: percent, checked: true as const, mismatch: t.mismatch, pValue: t.pValue, statistic: t.statistic };
}

export interface BenchmarkRequest {
  operation: string;
  strategies: Strategy[];
  iterations: number;
  warmup: number;
}

/**
 * The on-demand benchmark task: both variants of an operation on identical real inputs,
 * interleaved, then stored as a comparison. Operations with side effects that are not
 * idempotent cannot be benchmarked (running them twice would write twice).
 */
export async function runStoredBenchmark(
  deps: { pool: pg.Pool; engine: Engine },
  req: BenchmarkRequest,
  progress: (fraction: number, message?: string) => void,
  taskId?: string,
) {
  const op = deps.engine.operation(req.operation) as OperationSpec | undefined;
  if (!op) throw new AppError("not_found", `unknown operation ${req.operation}`);
  if (op.sideEffects && !op.idempotent) throw new AppError("conflict", `${op.name} writes data and is not idempotent: it cannot be benchmarked`);
  const known: Strategy[] = (op.strategies ?? []).map((o) => o.strategy);
  const bad = req.strategies.filter((s) => !known.includes(s));
  if (bad.length > 0) throw new AppError("validation_failed", `strategies not available for ${op.name}: ${bad.join(", ")}`);
  const inputs = op.benchmarkInputs ? await op.benchmarkInputs() : null;
  if (!inputs) throw new AppError("unavailable", `no benchmark inputs for ${op.name} yet (has the market clock started?)`);
  const r = await runBenchmark(deps.engine, op, req.strategies, inputs, {
    iterations: req.iterations,
    warmup: req.warmup,
    progress,
    heapUsed: () => v8.getHeapStatistics().used_heap_size,
  });
  const id = await storeComparison(deps.pool, {
    operation: op.name,
    variant: req.strategies.join("+"),
    kind: "benchmark",
    comparison: r.comparison,
    memoryBaseline: r.baselineMemory.length ? mean(r.baselineMemory) : null,
    memoryOptimized: r.optimizedMemory.length ? mean(r.optimizedMemory) : null,
    ...(taskId ? { taskId } : {}),
    details: { iterations: req.iterations, warmup: req.warmup, mismatches: r.mismatches, firstMismatch: r.firstMismatch },
  });
  return { comparisonId: id, ...r.comparison, mismatches: r.mismatches, firstMismatch: r.firstMismatch };
}
