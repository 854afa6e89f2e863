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
  sampleBuffer?: { buffered: number; dropped: number };
};

/** One monitor evaluation (schedulable every minute; the scheduler runs each slot once). */
export async function runMonitor(deps: RunMonitorDeps): Promise<MonitorSummary> {
  const clock = deps.clock ?? systemClock;
  const { config, pool } = deps;
  const now = clock.now();
  const scheduled = Object.entries(config.operations).filter(([, o]) => o.expectedIntervalSeconds !== undefined).map(([name]) => name);
  const [series, lastSeen] = await Promise.all([readSeries(pool, now, config), readLastSeen(pool, scheduled, now)]);
  const budgets: Record<string, { memoryBudgetMb?: number }> = {};
  for (const op of deps.engine?.operations() ?? []) if (op.memoryThresholdMb !== undefined) budgets[op.name] = { memoryBudgetMb: op.memoryThresholdMb };
  const findings = evaluateMonitor({ series, lastSeen, budgets, process: deps.processSampler?.sample() }, config, now);
  const alerts = deps.alerts ?? createAlertService({ pool, config: () => config.alerts, broadcaster: deps.broadcaster, clock });
  const summary = await alerts.process(findings);
  const stats = deps.recorder?.stats();
  return {
    at: new Date(now).toISOString(),
    series: series.length,
    fingerprints: findings.slice(0, 50).map((f) => f.fingerprint),
    ...summary,
    ...(stats ? { sampleBuffer: { buffered: stats.buffered, dropped: stats.dropped } } : {}),
  };
}
