/**
 * JSON shapes of the API routes the dashboard reads (see app/api/**). Dates arrive as ISO
 * strings; numbers that the server may not have yet are null.
 */
import type { OptimizationStateName, Strategy } from "@/lib/optimizer/types";
import type { AlertPayload, TaskPayload } from "@/lib/realtime/events";

export type Verdict = "faster" | "no_detectable_difference" | "slower" | "insufficient_data";

/** The latest comparison embedded in an optimization row. */
export interface LatestComparison {
  id: string;
  kind: "live" | "benchmark";
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

export interface Optimization {
  id: string;
  operation: string;
  strategy: Strategy;
  state: OptimizationStateName;
  percent: number;
  reason: string | null;
  performanceGain: number | null;
  appliedAt: string | null;
  updatedAt: string;
  updatedBy: string;
  version: number;
  comparison: LatestComparison | null;
}

export interface Operation {
  name: string;
  service: string;
  title: string;
  sideEffects: boolean;
  idempotent: boolean;
  optimizations: Optimization[];
}

export interface MasterSwitch {
  name: string;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface Comparison {
  id: string;
  operation: string;
  variant: string;
  kind: "live" | "benchmark";
  createdAt: string;
  windowStart: string | null;
  windowEnd: string | null;
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

export interface Sample {
  at: string;
  operation: string;
  variant: string;
  durationMs: number;
  memoryBytes: number | null;
  outcome: string;
  cacheHit: boolean;
  shadow: boolean;
  instance: string;
  keyHash: number;
}

export interface Rollup {
  minute: string;
  operation: string;
  variant: string;
  count: number;
  errors: number;
  fallbacks: number;
  cacheHits: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  memoryMeanBytes: number | null;
}

export interface ShadowMismatch {
  id: number | string;
  at: string;
  operation: string;
  variant: string;
  inputKey: string;
  diff: string;
  instance: string | null;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  evidence: unknown;
  origin: string | null;
}

export type Task = TaskPayload & { createdAt?: string; attempts?: number; resultUrl?: string };

export interface TaskHandle {
  taskId: string;
  status: "processing";
  estimatedSeconds: number | null;
  resultUrl: string;
}

export interface MarketData {
  clock: { currentDate: string; tickCount: number } | null;
  prices: { symbol: string; close: number; changePct: number | null; volume: number }[];
}

/** An alert as `GET /api/alerts` and the `alerts` room send it. */
export type Alert = AlertPayload;

/** The `state` filter of `GET /api/alerts` (`open` = pending or firing). */
export type AlertListState = "open" | "pending" | "firing" | "resolved";

/** A silence of `GET /api/silences` (null operation or rule = every one). */
export interface Silence {
  id: string;
  operation: string | null;
  rule: string | null;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string | null;
  createdAt: string;
}
