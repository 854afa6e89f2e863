/**
 * The monitoring services of this process, in a typed `globalThis` slot like lib/server/runtime.ts
 * (Next gives route handlers their own copy of our modules; a module-level singleton set by
 * server.ts would be invisible there).
 */
import type { AlertManager } from "../../../optimizer/alerts/manager";
import type { MonitorConfig } from "../../../optimizer/monitor/config";
import type { FaultRegistry } from "../faults/faults";
import type { PerfpilotMetrics } from "../prometheus/metrics-registry";
import type { MonitorSummary } from "./run-monitor";
import type { runAutopilot } from "../autopilot/run-autopilot";

export interface MonitoringRuntime {
  alerts: AlertManager;
  faults: FaultRegistry;
  metrics: PerfpilotMetrics;
  /** The monitor configuration in force (reloaded by every monitor run). */
  config(): MonitorConfig;
  /** The `performance-monitor` job's handler (every minute). */
  runMonitorJob(): Promise<MonitorSummary & { configError?: string }>;
  /** The `autopilot` job's handler (every minute, after the monitor). */
  runAutopilotJob(): Promise<Awaited<ReturnType<typeof runAutopilot>>>;
  /** Stops the timers (fault refresh, metrics folding); idempotent. */
  stop(): void;
}

const SLOT = Symbol.for("perfpilot.monitoring");
type Slot = { [SLOT]?: MonitoringRuntime };

/** Registers (or clears) this process's monitoring services. */
export function setMonitoring(m: MonitoringRuntime | undefined): void {
  (globalThis as Slot)[SLOT] = m;
}

/** This process's monitoring services; throws when called outside a started server. */
export function getMonitoring(): MonitoringRuntime {
  const m = (globalThis as Slot)[SLOT];
  if (!m) throw new Error("Perfpilot monitoring is not started (route called outside server.ts?)");
  return m;
}
