/**
 * Builds this process's monitoring services (what server.ts wires): the alert manager, the
 * metrics registry, the process sampler, the fault registry's refresh, the two job handlers, and
 * the database watch with its outage reporting (banner event, alert after recovery).
 */
import os from "node:os";
import type pg from "pg";
import { systemClock, type Clock } from "../../../optimizer/monitor/clock";
import type { Engine } from "../../../optimizer/engine";
import { median } from "../../../optimizer/stats/quantile";
import type { SampleRecorder } from "../../../optimizer/recorder";
import type { OptimizationStore } from "../../../optimizer/types";
import type { Broadcaster } from "../../../realtime/events";
import { createAlertService } from "../alerts/alert-service";
import type { FaultRegistry } from "../faults/faults";
import { getMetricsRegistry, type PerfpilotMetrics } from "../prometheus/metrics-registry";
import { createProcessSampler } from "../prometheus/process-usage";
import { runAutopilot } from "../autopilot/run-autopilot";
import { runMonitor } from "./run-monitor";
import type { MonitoringRuntime } from "./monitoring-runtime";
import { loadMonitorConfig } from "./settings";
import { reportDatabaseOutages } from "./database-outages";
import { processDatabaseWatch, setProcessDatabaseWatch, startDatabaseWatch } from "../../platform/db/database-watch";
import type { SampleFlusher } from "../samples/sample-flusher";
import { operationDefaults } from "../../../optimizer/monitor/config";

export interface StartMonitoringDeps {
  pool: pg.Pool;
  broadcaster: Broadcaster;
  engine: Engine;
  store: OptimizationStore;
  recorder: SampleRecorder;
  faults: FaultRegistry;
  metrics?: PerfpilotMetrics;
  /** A JSON file with the monitor rules; default: the `monitor.rules` setting. */
  configFile?: string;
  clock?: Clock;
  /** This instance, named in the evidence of the database outages it reports. */
  instanceId?: string;
  /** The sample flusher: its failures, drops and retry slot are exported in /metrics. */
  flusher?: Pick<SampleFlusher, "stats">;
  /** Database watch timing (tests); defaults: a ping every 2 s, 1.5 s timeout, down after 2 failures. */
  databaseWatch?: { intervalMs?: number; timeoutMs?: number; failuresToDown?: number; settleMs?: number; retryMs?: number };
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Loads the configuration (an invalid one fails start-up with every bad field) and builds the services. */
export async function startMonitoring(deps: StartMonitoringDeps): Promise<MonitoringRuntime> {
  const clock = deps.clock ?? systemClock;
  let config = await loadMonitorConfig(deps.pool, { file: deps.configFile, defaults: operationDefaults(deps.engine.operations()) });
  const metrics = deps.metrics ?? getMetricsRegistry();
  const processSampler = createProcessSampler();
  const alerts = createAlertService({ pool: deps.pool, config: () => config.alerts, broadcaster: deps.broadcaster, clock });
  // Relative latency faults apply to the variant's median of the last 5 minutes in this process.
  deps.faults.setMedianSource((operation, variant) => {
    const d = deps.recorder.recentDurations(operation, variant, clock.now() - 300_000);
    return d.length > 0 ? median(d) : null;
  });
  await deps.faults.refresh();
  deps.faults.start();
  metrics.startFolding();
  const w = deps.databaseWatch ?? {};
  const database = startDatabaseWatch({ pool: deps.pool, intervalMs: w.intervalMs, timeoutMs: w.timeoutMs, failuresToDown: w.failuresToDown, log: deps.log });
  const outages = reportDatabaseOutages({
    watch: database,
    alerts,
    broadcaster: deps.broadcaster,
    instanceId: deps.instanceId ?? `${os.hostname()}-${process.pid}`,
    log: deps.log,
    settleMs: w.settleMs,
    retryMs: w.retryMs,
  });
  await database.check();
  setProcessDatabaseWatch(database);

  return {
    alerts,
    faults: deps.faults,
    metrics,
    database,
    flusher: deps.flusher,
    config: () => config,
    async runMonitorJob() {
      let configError: string | undefined;
      try {
        config = await loadMonitorConfig(deps.pool, { file: deps.configFile, defaults: operationDefaults(deps.engine.operations()) });
      } catch (err) {
        // A bad edit must not switch monitoring off: keep the last valid rules, say so loudly.
        configError = err instanceof Error ? err.message : String(err);
        deps.log.error({ err }, "invalid monitor configuration; keeping the previous one");
      }
      const summary = await runMonitor({ pool: deps.pool, clock, config, engine: deps.engine, recorder: deps.recorder, processSampler, alerts });
      return configError ? { ...summary, configError } : summary;
    },
    runAutopilotJob: () => runAutopilot({ pool: deps.pool, engine: deps.engine, store: deps.store, clock }),
    async stop() {
      deps.faults.stop();
      metrics.stopFolding();
      outages.stop();
      if (processDatabaseWatch() === database) setProcessDatabaseWatch(undefined);
      await database.stop();
    },
  };
}
