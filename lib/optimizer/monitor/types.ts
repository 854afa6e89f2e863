/**
 * The vocabulary of the performance monitor (SPEC §3 "Monitor"): samples of one operation and
 * variant over a recent and a reference window, and the findings a rule produces from them.
 */

/** The monitor's rules; with operation and variant they make an alert's fingerprint. */
export const MONITOR_RULES = [
  "latency_regression",
  "slower_than_baseline",
  "error_rate",
  "response_time",
  "memory_high",
  "process_memory",
  "cpu_high",
  "no_data",
  "guard_rollback",
] as const;
export type MonitorRule = (typeof MONITOR_RULES)[number];

export type Severity = "warning" | "critical";

/** Pseudo-operation and variant of process-wide findings (CPU, RSS). */
export const PROCESS_OPERATION = "process";
export const ALL_VARIANTS = "all";

/** Samples of one (operation, variant) in time order (ascending `at`). Columnar to keep big windows cheap. */
export interface SeriesWindow {
  length: number;
  /** ms since epoch, ascending. */
  at: Float64Array;
  durationMs: Float64Array;
  /** Heap delta per call in bytes; NaN when the call was not measured. */
  memoryBytes: Float64Array;
  /** 1 when the run failed (error, fallback, timeout), else 0. */
  failed: Uint8Array;
}

/**
 * One operation and variant: `recent` holds at least the last `recent.maxWindowSeconds`,
 * `reference` the older samples (up to `reference.windowSeconds` before the recent window).
 * The evaluator decides the exact window boundaries, so the two may overlap in time.
 */
export interface VariantSeries {
  operation: string;
  variant: string;
  recent: SeriesWindow;
  reference: SeriesWindow;
}

/** Process-wide figures of the instance that runs the monitor. */
export interface ProcessFigures {
  rssBytes: number;
  /** Process CPU time over wall time, normalised to all cores (0–100). */
  cpuPercent: number;
  cores: number;
  /** 1-minute load average; null where the OS has none (Windows). */
  loadavg1: number | null;
  /** Wall time the CPU figure covers. */
  windowMs: number;
}

/** What the monitor evaluates at one instant. */
export interface MonitorInput {
  series: VariantSeries[];
  /** Last sample time per operation (ms), for the no-data rule; null/absent = never seen. */
  lastSeen?: Record<string, number | null>;
  /** Per-operation memory budgets known from the code (`memoryThresholdMb`); the config wins. */
  budgets?: Record<string, { memoryBudgetMb?: number }>;
  process?: ProcessFigures;
  /** The live analyses of the phases the optimizations are in now (one per optimization). */
  analyses?: PhaseVerdict[];
  /** Optimizations the guard rolled back and nobody has changed since. */
  guardRollbacks?: GuardRollback[];
}

/** What the monitor needs of a live analysis: its verdict in the current phase. */
export interface PhaseVerdict {
  operation: string;
  strategy: string;
  phase: number;
  startedAt: number;
  verdict: "faster" | "slower" | "none";
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  nBaseline: number;
  nOptimized: number;
  z: number | null;
  verdictThresholdZ: number | null;
}

/** An optimization in `rolled_back` by the guard, with the guard's evidence. */
export interface GuardRollback {
  operation: string;
  strategy: string;
  at: number;
  reason: string;
  observed: Record<string, number>;
  threshold: Record<string, number>;
  sampleSizes: { baseline: number; optimized: number };
  test: { name: string; statistic: number; pValue: number } | null;
  window: { from: string; to: string };
}

/** What was observed against what threshold, with the test that decided it (shown in the "why" panel). */
export interface FindingEvidence {
  observed: Record<string, number>;
  threshold: Record<string, number>;
  sampleSizes: { recent: number; reference?: number };
  test: { name: string; statistic: number; pValue: number } | null;
  window: { recent: { from: string; to: string }; reference?: { from: string; to: string } };
}

/** One rule's verdict that something is wrong now. */
export interface Finding {
  /** `operation|variant|rule`: one alert per fingerprint. */
  fingerprint: string;
  operation: string;
  variant: string;
  rule: MonitorRule;
  severity: Severity;
  summary: string;
  evidence: FindingEvidence;
}

/** The fingerprint of an alert: operation + variant + rule. */
export function fingerprintOf(operation: string, variant: string, rule: string): string {
  return `${operation}|${variant}|${rule}`;
}
