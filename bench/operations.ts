import type { Comparison } from "../lib/optimizer/stats/compare";

interface OperationRow {
  name: string;
  sideEffects: boolean;
  idempotent: boolean;
  optimizations: { strategy: string }[];
}

export interface OperationBenchRow {
  operation: string;
  variant: string;
  iterations: number;
  baselineMedianMs: number | null;
  optimizedMedianMs: number | null;
  baselineP95Ms: number | null;
  optimizedP95Ms: number | null;
  baselineMemoryBytes: number | null;
  optimizedMemoryBytes: number | null;
  speedup: number | null;
  improvementPct: number | null;
  ci95: { low: number; high: number } | null;
  pValue: number | null;
  verdict: string;
  mismatches: number;
  error?: string;
}

/** What GET /api/tasks/task/:id/result returns for a comparison task: the comparison plus its shadow-check count. */
type ComparisonTaskResult = Comparison & { mismatches: number };

// Slow baselines get fewer interleaved pairs so the whole run stays within minutes.
const ITERATIONS: Record<string, number> = {
  "signal-generator.generate": 8,
  "technical-indicators.calculate-batch": 10,
  "reports.build": 10,
};
// Crawlers need the internet (this machine has none: both variants would measure a skipped crawl).
const SKIP = new Set(["news-crawlers.investing", "news-crawlers.yahoo", "news-crawlers.crawl-all"]);

/**
 * Baseline vs each optimized variant of every operation, through the product's own on-demand
 * benchmark (POST /api/comparisons: identical real inputs, interleaved A B A B after a warm-up,
 * Mann–Whitney and bootstrap CI), so the figures are the ones the dashboard shows.
 */
export async function benchOperations(baseUrl: string, headers: Record<string, string>): Promise<OperationBenchRow[]> {
  const ops = ((await (await fetch(`${baseUrl}/api/operations`, { headers })).json()) as { operations: OperationRow[] }).operations;
  const rows: OperationBenchRow[] = [];
  for (const op of ops) {
    if (SKIP.has(op.name) || (op.sideEffects && !op.idempotent)) continue;
    for (const { strategy } of op.optimizations) {
      // The A/A control runs the baseline twice: calibration of the live analysis, not a benchmark row.
      if (strategy === "queue" || strategy === "identity") continue;
      const iterations = ITERATIONS[op.name] ?? 40;
      const res = await fetch(`${baseUrl}/api/comparisons`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ operation: op.name, strategies: [strategy], iterations, warmup: 2 }),
      });
      const handle = (await res.json()) as { taskId?: string; error?: { message: string } };
      if (!handle.taskId) {
        rows.push(empty(op.name, strategy, iterations, handle.error?.message ?? `HTTP ${res.status}`));
        continue;
      }
      let result: ComparisonTaskResult | null = null;
      let error: string | undefined;
      for (let i = 0; i < 600 && !result && !error; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const r = await fetch(`${baseUrl}/api/tasks/task/${handle.taskId}/result`, { headers });
        if (r.status === 200) result = ((await r.json()) as { result: ComparisonTaskResult }).result;
        else if (r.status !== 202) error = ((await r.json()) as { error: { message: string } }).error.message;
      }
      if (!result) {
        rows.push(empty(op.name, strategy, iterations, error ?? "timed out"));
        continue;
      }
      const comparisons = (await (await fetch(`${baseUrl}/api/comparisons?operation=${op.name}&limit=1`, { headers })).json()) as {
        comparisons: { memoryBaselineBytes: number | null; memoryOptimizedBytes: number | null }[];
      };
      const mem = comparisons.comparisons[0];
      const { baseline, optimized } = result;
      rows.push({
        operation: op.name,
        variant: strategy,
        iterations,
        baselineMedianMs: baseline.median,
        optimizedMedianMs: optimized.median,
        baselineP95Ms: baseline.p95,
        optimizedP95Ms: optimized.p95,
        baselineMemoryBytes: mem?.memoryBaselineBytes ?? null,
        optimizedMemoryBytes: mem?.memoryOptimizedBytes ?? null,
        speedup: baseline.median !== null && optimized.median !== null && optimized.median > 0 ? baseline.median / optimized.median : null,
        improvementPct: result.improvementPct,
        ci95: result.ci95,
        pValue: result.mannWhitney?.pValue ?? null,
        verdict: result.verdict,
        mismatches: result.mismatches,
      });
    }
  }
  return rows;
}

function empty(operation: string, variant: string, iterations: number, error: string): OperationBenchRow {
  return {
    operation,
    variant,
    iterations,
    baselineMedianMs: null,
    optimizedMedianMs: null,
    baselineP95Ms: null,
    optimizedP95Ms: null,
    baselineMemoryBytes: null,
    optimizedMemoryBytes: null,
    speedup: null,
    improvementPct: null,
    ci95: null,
    pValue: null,
    verdict: "not run",
    mismatches: 0,
    error,
  };
}
