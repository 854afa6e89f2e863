/**
 * Builds this process's monitoring services (what server.ts wires): the alert manager, the
 * metrics registry, the process sampler, the fault registry's refresh, and the two job handlers.
 */
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
  log: { error(obj: object, msg: string): void };
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

  return {
    alerts,
    faults: deps.faults,
    metrics,
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
    stop() {
      deps.faults.stop();
      metrics.stopFolding();
    },
  };
}
