import "server-only";
import type pg from "pg";
import type { ComparisonView } from "../../../api/comparison-types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { COMPARISON_PAGING } from "./comparison-schemas";

/** Read-side query of the stored comparisons (benchmarks, and live ones of the first version): one page, newest first. */
export async function listComparisons(
  pool: pg.Pool,
  q: { operation?: string; limit: number; cursor?: KeyValues<typeof COMPARISON_PAGING.key> },
): Promise<Page<ComparisonView>> {
  const params: unknown[] = [q.operation ?? null];
  const after = afterCursor(COMPARISON_PAGING, ["created_at", "id"], q.cursor, params);
  const r = await pool.query<ComparisonView>(
    `select id, operation, variant, kind, created_at as "createdAt", window_start as "windowStart", window_end as "windowEnd",
            n_baseline as "nBaseline", n_optimized as "nOptimized", median_baseline_ms as "medianBaselineMs",
            median_optimized_ms as "medianOptimizedMs", p95_baseline_ms as "p95BaselineMs", p95_optimized_ms as "p95OptimizedMs",
            memory_baseline_bytes as "memoryBaselineBytes", memory_optimized_bytes as "memoryOptimizedBytes",
            improvement_pct as "improvementPct", ci_low_pct as "ciLowPct", ci_high_pct as "ciHighPct", p_value as "pValue",
            u_statistic as "uStatistic", verdict, task_id as "taskId", details
       from comparison where ($1::text is null or operation = $1) and ${after}
      order by created_at desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(COMPARISON_PAGING, r.rows, q.limit, (c) => [c.createdAt, c.id]);
}
