/**
 * Peak resident set size of the process while something runs (a scheduled job): RSS read at the
 * start, every `intervalMs` and at the end (`process.memoryUsage.rss()` costs ~2.5 µs), plus the
 * kernel's high-water mark (`ru_maxrss`), which catches a peak between two readings whenever the
 * run raised the process's all-time high.
 */

export const PEAK_RSS_MEASURE =
  "peak resident set size of the whole process during the run (concurrent work included): the highest of readings at start, end and every interval, or the kernel's high-water mark (ru_maxrss) when the run raised it";

export interface PeakRss {
  peakBytes: number;
  startBytes: number;
  endBytes: number;
  /** The run raised the process's all-time high (`ru_maxrss`), and `peakBytes` is that mark. */
  kernelHighWater: boolean;
  readings: number;
  intervalMs: number;
  measure: typeof PEAK_RSS_MEASURE;
}

export interface PeakRssSampler {
  /** Stops sampling and returns the figures (idempotent: later calls return the same). */
  stop(): PeakRss;
}

/** `ru_maxrss` is in kilobytes on Linux and macOS (Node passes it through). */
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

/** Starts sampling now; call `stop()` when the run ends (its timer never keeps the process up). */
export function startPeakRss(intervalMs = 50): PeakRssSampler {
  const startBytes = process.memoryUsage.rss();
  const maxBefore = maxRssBytes();
  let peak = startBytes;
  let readings = 1;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    readings++;
  }, intervalMs);
  timer.unref();
  let result: PeakRss | null = null;
  return {
    stop() {
      if (result) return result;
      clearInterval(timer);
      const endBytes = process.memoryUsage.rss();
      const maxAfter = maxRssBytes();
      const kernelHighWater = maxAfter > maxBefore;
      result = {
        peakBytes: Math.max(peak, endBytes, kernelHighWater ? maxAfter : 0),
        startBytes,
        endBytes,
        kernelHighWater,
        readings: readings + 1,
        intervalMs,
        measure: PEAK_RSS_MEASURE,
      };
      return result;
    },
  };
}
