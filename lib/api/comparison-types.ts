/** Comparisons as the API lists them (rows of `listComparisons` / `listOptimizations`). */
import type { Verdict } from "../optimizer/stats/compare";

/** `live`: from recorded traffic (the comparisons job); `benchmark`: an on-demand run. */
export type ComparisonKind = "live" | "benchmark";

/**
 * The newest comparison of an optimization, embedded by `listOptimizations`. Postgres builds it
 * with json_build_object, so `createdAt` is already text: the `timestamp` column's UTC wall time
 * without a zone suffix (e.g. `2026-11-30T07:11:07.123`).
 */
export interface LatestComparison {
  id: string;
  kind: ComparisonKind;
  createdAt: string;
  nBaseline: number;
  nOptimized: number;
  medianBaselineMs: number | null;
  medianOptimizedMs: number | null;
  improvementPct: number | null;
  ciLowPct: number | null;
  ciHighPct: number | null;
  pValue: number | null;
  verdict: Verdict;
}

/** A stored comparison (table `comparison`). */
export interface ComparisonView {
  id: string;
  operation: string;
  variant: string;
  kind: ComparisonKind;
  createdAt: Date;
  windowStart: Date | null;
  windowEnd: Date | null;
  nBaseline: number;
  nOptimized: number;
  medianBaselineMs: number | null;
  medianOptimizedMs: number | null;
  p95BaselineMs: number | null;
  p95OptimizedMs: number | null;
  memoryBaselineBytes: number | null;
  memoryOptimizedBytes: number | null;
  improvementPct: number | null;
  ciLowPct: number | null;
  ciHighPct: number | null;
  pValue: number | null;
  uStatistic: number | null;
  verdict: Verdict;
  taskId: string | null;
  details: unknown;
}
