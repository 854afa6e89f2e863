/**
 * The `performance-monitor` job: every minute, read the windows from Postgres, evaluate the
 * rules, and move alerts through their lifecycle. Changes are audited as actor `monitor`.
 */
import type pg from "pg";
import type { AlertManager, ProcessSummary } from "../../../optimizer/alerts/manager";
import type { Engine } from "../../../optimizer/engine";
import { systemClock, type Clock } from "../../../optimizer/monitor/clock";
import type { MonitorConfig } from "../../../optimizer/monitor/config";
import { evaluateMonitor } from "../../../optimizer/monitor/evaluate";
import type { SampleRecorder } from "../../../optimizer/recorder";
import type { Broadcaster } from "../../../realtime/events";
import { createAlertService } from "../alerts/alert-service";
import type { ProcessSampler } from "../prometheus/process-usage";
import { readLastSeen, readSeries } from "../samples/sample-reader";
import { currentAnalyses } from "../comparisons/live-analyses";
import type { GuardRollback, PhaseVerdict } from "../../../optimizer/monitor/types";

interface OptimizationStateRow {
  id: string;
  state: string;
  reason: string | null;
  updated_at: Date;
  updated_by: string;
}

async function readOptimizationStates(pool: pg.Pool): Promise<Map<string, OptimizationStateRow>> {
  const r = await pool.query<OptimizationStateRow>("select id, state, reason, updated_at, updated_by from optimization");
  return new Map(r.rows.map((x) => [x.id, x]));
}

/**
 * Why an alert about an optimized variant no longer applies, or null: every strategy of its variant
 * must still be in use (shadow, canary or on); alerts about the rollback itself stay.
 */
function variantGone(operation: string, variant: string, rule: string, states: Map<string, OptimizationStateRow>): string | null {
  if (variant === "baseline" || variant === "all" || rule === "guard_rollback") return null;
  for (const strategy of variant.split("+")) {
    const o = states.get(`${operation}:${strategy}`);
    if (!o) continue;
    if (o.state === "off" || o.state === "rolled_back") {
      const what = o.state === "rolled_back" ? "rolled back" : "turned off";
      return `${variant} no longer serves calls: ${strategy} was ${what} at ${o.updated_at.toISOString()} by ${o.updated_by}${o.reason ? ` (${o.reason})` : ""}`;
    }
  }
  return null;
}

interface GuardRollbackRow {
  operation_name: string;
  strategy: string;
  updated_at: Date;
  reason: string | null;
  evidence: {
    observed?: Record<string, number>;
    threshold?: Record<string, number>;
    sampleSizes?: { baseline: number; optimized: number };
    test?: GuardRollback["test"];
    window?: { from: string; to: string };
  } | null;
}

/** Optimizations in `rolled_back` by the guard (nobody changed them since), with the guard's evidence. */
async function readGuardRollbacks(pool: pg.Pool): Promise<GuardRollback[]> {
  const r = await pool.query<GuardRollbackRow>(
    `select o.operation_name, o.strategy, o.updated_at, o.reason,
            (select e.evidence from audit_event e where e.subject_type = 'optimization' and e.subject_id = o.id and e.action = 'optimization.rollback'
              order by e.at desc limit 1) as evidence
       from optimization o where o.state = 'rolled_back' and o.updated_by = 'guard'`,
  );
  return r.rows.map((x) => ({
    operation: x.operation_name,
    strategy: x.strategy,
    at: x.updated_at.getTime(),
    reason: x.reason ?? "guard rollback",
    observed: x.evidence?.observed ?? {},
    threshold: x.evidence?.threshold ?? {},
    sampleSizes: x.evidence?.sampleSizes ?? { baseline: 0, optimized: 0 },
    test: x.evidence?.test ?? null,
    window: x.evidence?.window ?? { from: x.updated_at.toISOString(), to: x.updated_at.toISOString() },
  }));
}

export interface RunMonitorDeps {
  pool: pg.Pool;
  clock?: Clock;
  config: MonitorConfig;
  broadcaster?: Broadcaster;
  /** This process's recorder: its buffer figures go into the summary. */
  recorder?: SampleRecorder;
  /** The engine: operations' memory budgets (`memoryThresholdMb`). */
  engine?: Engine;
  /** CPU/RSS of this process (the instance that runs the job). */
  processSampler?: ProcessSampler;
  /** A long-lived alert manager (the runtime's); one over Postgres is built otherwise. */
  alerts?: AlertManager;
}

/** The job's summary (stored with the run in `job_run.summary`). */
export type MonitorSummary = ProcessSummary & {
  at: string;
  series: number;
  /** Fingerprints of this evaluation's findings (at most 50). */
  fingerprints: string[];
  /** Open alerts resolved because what they were about no longer exists (a rolled-back variant). */
  resolvedGone: number;
  sampleBuffer?: { buffered: number; dropped: number };
};

/** One monitor evaluation (schedulable every minute; the scheduler runs each slot once). */
export async function runMonitor(deps: RunMonitorDeps): Promise<MonitorSummary> {
  const clock = deps.clock ?? systemClock;
  const { config, pool } = deps;
  const now = clock.now();
  const scheduled = Object.entries(config.operations)
    .filter(([, o]) => o.expectedIntervalSeconds !== undefined)
    .map(([name]) => name);
  const [series, lastSeen, analyses, guardRollbacks, states] = await Promise.all([
    readSeries(pool, now, config),
    readLastSeen(pool, scheduled, now),
    currentAnalyses(pool),
    readGuardRollbacks(pool),
    readOptimizationStates(pool),
  ]);
  const budgets: Record<string, { memoryBudgetMb?: number }> = {};
  for (const op of deps.engine?.operations() ?? []) if (op.memoryThresholdMb !== undefined) budgets[op.name] = { memoryBudgetMb: op.memoryThresholdMb };
  const verdicts: PhaseVerdict[] = analyses.map((a) => ({
    operation: a.operation,
    strategy: a.strategy,
    phase: a.phase,
    startedAt: a.startedAt,
    verdict: a.verdict,
    ratio: a.ratio,
    ratioLow: a.ratioLow,
    ratioHigh: a.ratioHigh,
    nBaseline: a.nBaseline,
    nOptimized: a.nOptimized,
    z: a.result.z,
    verdictThresholdZ: a.result.threshold?.verdict ?? null,
  }));
  const findings = evaluateMonitor({ series, lastSeen, budgets, process: deps.processSampler?.sample(), analyses: verdicts, guardRollbacks }, config, now);
  const alerts = deps.alerts ?? createAlertService({ pool, config: () => config.alerts, broadcaster: deps.broadcaster, clock });
  // Alerts follow reality: an alert about a variant that serves no calls any more resolves by itself.
  const gone = await alerts.resolveGone((a) => variantGone(a.operation, a.variant, a.rule, states));
  const summary = await alerts.process(findings);
  const stats = deps.recorder?.stats();
  return {
    at: new Date(now).toISOString(),
    series: series.length,
    fingerprints: findings.slice(0, 50).map((f) => f.fingerprint),
    ...summary,
    resolvedGone: gone.length,
    ...(stats ? { sampleBuffer: { buffered: stats.buffered, dropped: stats.dropped } } : {}),
  };
}
