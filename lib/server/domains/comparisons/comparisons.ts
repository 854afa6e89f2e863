import crypto from "node:crypto";
import type pg from "pg";
import { AppError } from "../../../errors";
import { benchmarkProblem, runBenchmark } from "../../../optimizer/benchmark";
import { processAllocationMeter } from "../samples/allocation-meter";
import type { Engine } from "../../../optimizer/engine";
import type { OperationSpec } from "../../../optimizer/operation";
import type { Comparison } from "../../../optimizer/stats/compare";
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
  /** Per-call timings (ms, run order) of a benchmark, stored so anyone can recompute its verdict. */
  timings?: { baseline: number[]; optimized: number[] };
}

/** Stores a comparison (the original PerformanceMetrics) and returns its id. */
export async function storeComparison(pool: pg.Pool, c: StoredComparisonInput): Promise<string> {
  const id = crypto.randomUUID();
  const k = c.comparison;
  await pool.query(
    `insert into comparison (id, operation, variant, kind, window_start, window_end, n_baseline, n_optimized,
       median_baseline_ms, median_optimized_ms, p95_baseline_ms, p95_optimized_ms, memory_baseline_bytes, memory_optimized_bytes,
       improvement_pct, ci_low_pct, ci_high_pct, p_value, u_statistic, verdict, task_id, details, timings, method)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
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
      c.timings === undefined ? null : JSON.stringify(c.timings),
      k.method,
    ],
  );
  if (k.improvementPct !== null && k.verdict !== "insufficient_data") {
    for (const s of c.variant.split("+")) {
      await pool.query("update optimization set performance_gain = $2 where id = $1", [`${c.operation}:${s}`, k.improvementPct]);
    }
  }
  return id;
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
  const problem = benchmarkProblem(op, req.operation, req.strategies);
  if (problem || !op) throw new AppError(problem?.code ?? "not_found", problem?.message ?? `unknown operation ${req.operation}`);
  const inputs = op.benchmarkInputs ? await op.benchmarkInputs() : null;
  if (!inputs) throw new AppError("unavailable", `no benchmark inputs for ${op.name} yet (has the market clock started?)`);
  const r = await runBenchmark(deps.engine, op, req.strategies, inputs, {
    iterations: req.iterations,
    warmup: req.warmup,
    progress,
    allocatedBytes: processAllocationMeter().allocatedBytes,
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
    timings: { baseline: r.baselineMs, optimized: r.optimizedMs },
  });
  return { comparisonId: id, ...r.comparison, mismatches: r.mismatches, firstMismatch: r.firstMismatch };
}

interface TimingsRow {
  id: string;
  operation: string;
  variant: string;
  kind: string;
  verdict: string;
  improvement_pct: number | null;
  ci_low_pct: number | null;
  ci_high_pct: number | null;
  method: string | null;
  timings: { baseline: number[]; optimized: number[] } | null;
}

/** A benchmark's stored per-call timings with what was concluded from them (null: unknown comparison). */
export async function comparisonTimings(pool: pg.Pool, id: string): Promise<TimingsRow | null> {
  const r = await pool.query<TimingsRow>(
    "select id, operation, variant, kind, verdict, improvement_pct, ci_low_pct, ci_high_pct, method, timings from comparison where id = $1",
    [id],
  );
  return r.rows[0] ?? null;
}
