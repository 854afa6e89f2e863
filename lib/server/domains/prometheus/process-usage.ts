/**
 * Process CPU and memory figures for the monitor: CPU from `process.cpuUsage()` deltas over wall
 * time, normalised to the cores available; RSS; the 1-minute load average where the OS has one.
 */
import os from "node:os";
import type { ProcessFigures } from "../../../optimizer/monitor/types";

export interface ProcessSampler {
  /** Figures since the previous call (the first call covers the time since the sampler was created). */
  sample(): ProcessFigures;
}

/** A CPU/RSS sampler; keep one per process (the delta needs the previous reading). */
export function createProcessSampler(now: () => number = () => performance.now()): ProcessSampler {
  let lastCpu = process.cpuUsage();
  let lastAt = now();
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return {
    sample() {
      const cpu = process.cpuUsage();
      const at = now();
      const cpuMicros = cpu.user - lastCpu.user + (cpu.system - lastCpu.system);
      const wallMs = Math.max(1, at - lastAt);
      lastCpu = cpu;
      lastAt = at;
      // Windows reports [0, 0, 0]: no load average rather than a misleading zero.
      const load = os.loadavg()[0] ?? 0;
      return {
        rssBytes: process.memoryUsage.rss(),
        cpuPercent: Math.min(100, (cpuMicros / 1000 / wallMs / cores) * 100),
        cores,
        loadavg1: process.platform === "win32" ? null : load,
        windowMs: wallMs,
      };
    },
  };
}
