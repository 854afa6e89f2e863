/**
 * Bytes allocated by this process, as a monotonic counter: the engine's `AllocationMeter` port.
 *
 *   allocated = used V8 heap now + Σ over GCs (used heap before the GC − used heap after it)
 *             + Σ over readings of the growth of external memory (never its shrinking)
 *
 * A heap difference around a call goes negative whenever a GC runs inside it (a benchmark showed
 * −1.7 MB per call); adding back what each GC freed makes the difference the bytes allocated.
 * The per-GC figures come from `v8.GCProfiler`, which reports the heap statistics before and after
 * every GC but can only be read by stopping it, so every reading hands over to a new profiler.
 *
 * Measured here (Node 20.20, 2 cores; tests/unit/allocation-meter.test.ts keeps the accuracy):
 * - An array of doubles of 1–200 MB per call, garbage or kept: median error ≤ 0.2% (worst 1%),
 *   while the plain heap difference of the same calls went as low as −1.3 GB. What V8 counts as
 *   used is what is measured: many 64 KiB arrays measure +30% (a 256 KB new-space page holds three,
 *   its tail is counted), 8 KB arrays +3%, large and small objects ~0%.
 * - A reading costs 3–5 µs on the call path (two heap reads at ~0.2 µs, the hand-over, parsing
 *   the profile), plus 12–17 µs later: a stopped native profiler keeps its GC callbacks until its
 *   wrapper is collected, so the next GC runs them once (1,000 readings made the next scavenge
 *   13 ms instead of 0.15 ms). The running profiler adds its own callbacks to every GC (~10 µs).
 *   So the engine reads the meter on few calls (`memorySampleEvery`, `memorySampleIntervalMs`).
 * - No cheaper exact test for "a GC happened since the last reading" exists in Node 20: a WeakRef
 *   target survives scavenges; `perf_hooks` GC entries arrive in a later event-loop turn; no heap
 *   statistic counts GCs, and "used heap went down" missed 12 of 692 intervals that held a GC.
 *
 * External memory (ArrayBuffer and Buffer backing stores) is freed asynchronously after the GC that
 * found it dead, so GC before/after figures miss those frees: it is counted as its non-negative
 * growth between readings, a lower bound of what was allocated outside the V8 heap.
 */
import v8 from "node:v8";
import type { AllocationMeter } from "../../../optimizer/types";

interface HeapFigures {
  usedHeapSize: number;
  totalHeapSize: number;
}

/** One entry of a `v8.GCProfiler` profile (only the fields read here). */
interface GcStatistic {
  gcType: string;
  beforeGC: { heapStatistics: HeapFigures };
  afterGC: { heapStatistics: HeapFigures };
}

export interface GcAccountingMeterStats {
  readings: number;
  /** GCs accounted (each once). */
  gcs: number;
  /** GCs seen by two profilers during a hand-over, counted once. */
  duplicateGcs: number;
  /** Readings redone because a GC ran inside the reading itself. */
  retries: number;
  /** Readings that still had a GC inside after every retry (their value may be off by that GC). */
  unsettled: number;
  /** Readings whose raw value was below the previous one (returned as the previous one). */
  decreases: number;
  /** Bytes freed by GCs, in total. */
  freedBytes: number;
  /** Non-negative growth of external memory, in total. */
  externalGrowthBytes: number;
}

export interface GcAccountingMeter extends AllocationMeter {
  stats(): GcAccountingMeterStats;
  /** Stops the running profiler; later readings throw. */
  close(): void;
}

/** A GC is matched across two profiles by its exact heap figures (two GCs never share all four). */
function fingerprint(s: GcStatistic): string {
  const b = s.beforeGC.heapStatistics;
  const a = s.afterGC.heapStatistics;
  return `${s.gcType}:${b.usedHeapSize}:${a.usedHeapSize}:${b.totalHeapSize}:${a.totalHeapSize}`;
}

const TAIL = 4;
const MAX_ATTEMPTS = 3;

/**
 * Creates a meter with its own running GC profiler. One per process is enough: use
 * `processAllocationMeter()` unless a test needs its own.
 */
export function createGcAccountingMeter(): GcAccountingMeter {
  let running: v8.GCProfiler | null = new v8.GCProfiler();
  running.start();
  let freed = 0;
  let externalGrowth = 0;
  let lastExternal = v8.getHeapStatistics().external_memory;
  let last = 0;
  /** Fingerprints of the last GCs of the previous profile. */
  let tail: string[] = [];
  const st = { readings: 0, gcs: 0, duplicateGcs: 0, retries: 0, unsettled: 0, decreases: 0 };

  /**
   * Accounts one profile. The next profiler is started before the previous one is stopped, so a GC
   * in between is in both (at the end of one and the start of the other): it is counted once.
   */
  const account = (stats: GcStatistic[]) => {
    let skip = 0;
    for (let k = Math.min(tail.length, stats.length); k > 0 && skip === 0; k--) {
      let same = true;
      for (let i = 0; i < k && same; i++) same = fingerprint(stats[i]!) === tail[tail.length - k + i];
      if (same) skip = k;
    }
    st.duplicateGcs += skip;
    for (let i = skip; i < stats.length; i++) {
      const s = stats[i]!;
      // Not clamped at 0: a scavenge that promotes survivors can end above where it started (−4.4 MB
      // summed over one call keeping 50 MB in 8 KB arrays) and that growth is no allocation; the
      // unclamped sum matched a GC-free run of the same call to 0.1 MB, clamping overstated it by 8%.
      freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
      st.gcs++;
    }
    tail = stats.slice(-TAIL).map(fingerprint);
  };

  const handOver = () => {
    if (running === null) throw new Error("the allocation meter is closed");
    const next = new v8.GCProfiler();
    next.start();
    const profile = running.stop() as unknown as { statistics: GcStatistic[] };
    running = next;
    account(profile.statistics);
  };

  return {
    allocatedBytes() {
      st.readings++;
      for (let attempt = 1; ; attempt++) {
        // Bracketed by two heap reads: a GC inside the reading (the hand-over allocates a few KB)
        // shows as used heap going down; then it is unknown which profile holds it, so read again.
        // A GC that freed less than the reading allocated goes unseen: an error of at most a few KB.
        const before = v8.getHeapStatistics().used_heap_size;
        handOver();
        const h = v8.getHeapStatistics();
        if (h.used_heap_size < before && attempt < MAX_ATTEMPTS) {
          st.retries++;
          continue;
        }
        if (h.used_heap_size < before) st.unsettled++;
        if (h.external_memory > lastExternal) externalGrowth += h.external_memory - lastExternal;
        lastExternal = h.external_memory;
        // Monotonic by contract: a heap that shrinks outside a GC (an array trimmed in place) is no
        // negative allocation, so the counter holds until allocation passes it again.
        const value = h.used_heap_size + freed + externalGrowth;
        if (value < last) st.decreases++;
        else last = value;
        return last;
      }
    },
    stats: () => ({ ...st, freedBytes: freed, externalGrowthBytes: externalGrowth }),
    close() {
      running?.stop();
      running = null;
    },
  };
}

let shared: GcAccountingMeter | null = null;

/** The process's one allocation meter (created on first use; its profiler runs until exit). */
export function processAllocationMeter(): GcAccountingMeter {
  return (shared ??= createGcAccountingMeter());
}
