/**
 * Bytes a run leaves live: the used V8 heap plus external memory after forced full GCs, after the
 * run minus before it. Meant for benchmarks, inside an isolated worker (./retained-bytes-worker.ts),
 * where no other work shares the heap; in a busy process the figure includes whatever else stayed.
 *
 * Forcing a GC in a worker on Node 20: `execArgv: ["--expose-gc"]` is refused
 * (ERR_WORKER_INVALID_EXEC_ARGV), so the flag is set at run time and `gc` taken from a new context.
 */
import v8 from "node:v8";
import vm from "node:vm";

export interface RetainedBytes {
  /** Live bytes added by the run, its result still referenced (heap + external). */
  retainedBytes: number;
  heapBytes: number;
  externalBytes: number;
  /** Live bytes added by the run once its result is released: what it keeps elsewhere (caches, leaks). */
  retainedWithoutResultBytes: number;
  /** Method, as the API and the UI state it. */
  measure: typeof RETAINED_MEASURE;
}

export const RETAINED_MEASURE =
  "bytes retained after the run: used V8 heap + external memory after forced full GCs, minus the same before it (isolated worker)";

let gcFn: (() => void) | null = null;

/**
 * A full-GC function: `globalThis.gc` when the process runs with --expose-gc, else one from a
 * context created with the flag set for that moment (the flag is process-wide, so it is turned
 * off again; contexts made meanwhile elsewhere would see a `gc` global).
 */
export function exposedGc(): () => void {
  if (gcFn) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return (gcFn = g);
  v8.setFlagsFromString("--expose-gc");
  try {
    gcFn = vm.runInNewContext("gc") as () => void;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
  return gcFn;
}

const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Live heap and external bytes once garbage is gone. ArrayBuffer backing stores are freed by a
 * sweeper after the GC that found them dead, and weak callbacks run in later tasks, so GCs are
 * repeated (a task apart) until two readings agree within `tolerance` bytes.
 */
async function settledLive(gc: () => void, tolerance: number): Promise<{ heap: number; external: number }> {
  let prev: { heap: number; external: number } | null = null;
  for (let i = 0; i < 12; i++) {
    gc();
    await nextTask();
    const s = v8.getHeapStatistics();
    const cur = { heap: s.used_heap_size, external: s.external_memory };
    if (prev && Math.abs(cur.heap + cur.external - (prev.heap + prev.external)) <= tolerance) return cur;
    prev = cur;
  }
  return prev!;
}

/**
 * Runs `run` once and returns the bytes it left live (see `RetainedBytes`). Call it after a
 * warm-up run when first-call costs (compiled code, lazily built tables, pool connections) are
 * not what is being measured.
 */
export async function measureRetainedBytes(run: () => Promise<unknown>, opts: { gc?: () => void; toleranceBytes?: number } = {}): Promise<RetainedBytes> {
  const gc = opts.gc ?? exposedGc();
  // Two readings of an idle heap differ by the measurement's own allocations (a few hundred bytes).
  const tolerance = opts.toleranceBytes ?? 16 * 1024;
  const before = await settledLive(gc, tolerance);
  // In a holder written after the GCs: a local read by nothing later may be dropped at an await.
  const holder: { result: unknown } = { result: await run() };
  const held = await settledLive(gc, tolerance);
  holder.result = undefined;
  const released = await settledLive(gc, tolerance);
  return {
    retainedBytes: held.heap + held.external - before.heap - before.external,
    heapBytes: held.heap - before.heap,
    externalBytes: held.external - before.external,
    retainedWithoutResultBytes: released.heap + released.external - before.heap - before.external,
    measure: RETAINED_MEASURE,
  };
}
