/** The monitoring services of this process (shared with route handlers through the process slot). */
import { processSlot } from "../../platform/process-slot";
import type { AlertManager } from "../../../optimizer/alerts/manager";
import type { MonitorConfig } from "../../../optimizer/monitor/config";
import type { DatabaseWatch } from "../../platform/db/database-watch";
import type { FaultRegistry } from "../faults/faults";
import type { SampleFlusher } from "../samples/sample-flusher";
import type { PerfpilotMetrics } from "../prometheus/metrics-registry";
import type { MonitorSummary } from "./run-monitor";
import type { runAutopilot } from "../autopilot/run-autopilot";

export interface MonitoringRuntime {
  alerts: AlertManager;
  faults: FaultRegistry;
  metrics: PerfpilotMetrics;
  /** Whether this instance reaches its database, and since when. */
  database: DatabaseWatch;
  /** The sample flusher, when the host gave it: its failures and retry slot go to /metrics. */
  flusher?: Pick<SampleFlusher, "stats">;
  /** The monitor configuration in force (reloaded by every monitor run). */
  config(): MonitorConfig;
  /** The `performance-monitor` job's handler (every minute). */
  runMonitorJob(): Promise<MonitorSummary & { configError?: string }>;
  /** The `autopilot` job's handler (every minute, after the monitor). */
  runAutopilotJob(): Promise<Awaited<ReturnType<typeof runAutopilot>>>;
  /** Stops the timers (fault refresh, metrics folding) and the database watch; idempotent. */
  stop(): Promise<void>;
}

const SLOT = processSlot<MonitoringRuntime>("monitoring");

/** Registers (or clears) this process's monitoring services. */
export function setMonitoring(m: MonitoringRuntime | undefined): void {
  SLOT.set(m);
}

/** This process's monitoring services; throws when called outside a started server. */
export function getMonitoring(): MonitoringRuntime {
  const m = SLOT.get();
  if (!m) throw new Error("Perfpilot monitoring is not started (route called outside server.ts?)");
  return m;
}
