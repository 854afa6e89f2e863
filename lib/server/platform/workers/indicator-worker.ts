/**
 * Piscina worker of the indicator pool (./indicator-pool): computes the compact indicators of
 * one chunk of symbols. Both buffers of a task are MOVED in and MOVED back (transfer lists, no
 * copy): the packed input (close/high/low of every symbol) and one output slab that every output
 * series is a view of. The pool recycles both, so a steady state allocates nothing.
 *
 * Why slabs, and why recycled, measured on the 2-core box (quiet machine, 241 symbols × 16
 * series of 1,222 points per chunk):
 * - one buffer per series: moving 3,856 buffers ≈ 8 ms of messaging per round trip, plus
 *   ≈ 13 ms to allocate and fill them; one slab: ≈ 1–4 ms of messaging;
 * - but a FRESH output slab is new memory whose first writes page-fault (zero-filling a fresh
 *   75 MB slab: 60 ms, more than all kernels on reused memory: 48 ms), and buffers freed by the
 *   main thread's GC come back to the worker's allocator late; with fresh memory the pool was
 *   no faster than one thread (0.6–1.15×). Recycled slabs remove both costs.
 *
 * Loaded as a .ts file: the pool starts its threads with the tsx loader in `execArgv`.
 */
import { isMainThread, threadId } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { computeIndicatorsWith } from "../../../market/indicators/compact";
import type { IndicatorParams } from "../../../market/indicators/params";
import type { IndicatorSet } from "../../../market/indicators/result";

export interface ComputeTask {
  kind: "compute";
  params: IndicatorParams;
  lengths: number[];
  /** Per symbol, in order: close[n], high[n], low[n]. */
  input: Float64Array;
  /** Space for the outputs, ≥ Σ lengths × seriesPerSymbol(params) values; may hold old data. */
  output: Float64Array;
}

export interface PingTask {
  kind: "ping";
}

export interface ComputeReply {
  threadId: number;
  /** Time spent in the kernels, for the benchmark's overhead breakdown. */
  computeMs: number;
  /** One set per symbol; every series is a view into `output`. */
  sets: IndicatorSet[];
  /** The task's buffers, moved back for reuse. */
  input: Float64Array;
  output: Float64Array;
}

export interface PingReply {
  threadId: number;
  isMainThread: boolean;
}

/** Series per symbol for `params` (the count computeIndicatorsCompact allocates). */
export function seriesPerSymbol(params: IndicatorParams): number {
  // rsi, macd ×3, bollinger ×3, atr, stochastic ×2
  return params.sma.length + params.ema.length + 10;
}

/**
 * Computes a chunk into `task.output`: symbol after symbol, each series a consecutive view. The
 * kernels write every element (NaN warm-up included), so a recycled, dirty slab is fine.
 */
export function computeChunk(task: ComputeTask): IndicatorSet[] {
  const perSymbol = seriesPerSymbol(task.params);
  const needed = task.lengths.reduce((a, n) => a + n * perSymbol, 0);
  if (task.output.length < needed) throw new Error(`indicator worker: output has ${task.output.length} values, needs ${needed}`);
  const sets: IndicatorSet[] = [];
  let inAt = 0;
  let outAt = 0;
  for (const n of task.lengths) {
    const close = task.input.subarray(inAt, inAt + n);
    const high = task.input.subarray(inAt + n, inAt + 2 * n);
    const low = task.input.subarray(inAt + 2 * n, inAt + 3 * n);
    inAt += 3 * n;
    const next = () => task.output.subarray(outAt, (outAt += n));
    sets.push(computeIndicatorsWith(close, high, low, task.params, next));
  }
  return sets;
}

/** Task handler (piscina's default export). */
export default function handle(task: ComputeTask | PingTask): unknown {
  if (task.kind === "ping") return { threadId, isMainThread } satisfies PingReply;
  const started = performance.now();
  const sets = computeChunk(task);
  const reply: ComputeReply = { threadId, computeMs: performance.now() - started, sets, input: task.input, output: task.output };
  // Piscina transfers the buffers under transferableSymbol and resolves the task with valueSymbol;
  // the views in `sets` are re-created on the moved output buffer on the other side.
  return move({ [transferableSymbol]: [task.input.buffer, task.output.buffer], [valueSymbol]: reply } as never);
}
