/**
 * Worker-thread pool (piscina) computing the compact indicators of many symbols, for the
 * parallel variants (IndicatorPoolPort). A `computeMany` call is cut into a few chunks per thread,
 * balanced by bar count (not one task per symbol: every task costs a message round trip). Each
 * chunk's close/high/low are packed into one buffer; that buffer and an output slab are MOVED to
 * the worker (transfer list) and moved back; the returned sets are views into the output slab.
 * Buffers are recycled through a free list: the packed inputs as soon as a task returns, the
 * output slabs when the caller hands the sets back with `release` (see ./indicator-worker for
 * the measurements that make recycling the difference between 1.0× and the target).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import type { IndicatorParams } from "../../../market/indicators/params";
import type { IndicatorSet } from "../../../market/indicators/result";
import type { IndicatorPoolItem, IndicatorPoolPort } from "../../../market/ports-compact";
import { seriesPerSymbol, type ComputeReply, type ComputeTask, type PingReply } from "./indicator-worker";

export interface IndicatorPoolOptions {
  /** Worker threads (default 2, the core count this runs on). */
  threads?: number;
  /**
   * Tasks per thread a `computeMany` call is cut into. Default 4: on the universe (482 symbols,
   * 2 threads, quiet machine, p25 of 25 interleaved runs) 1 or 2 per thread ≈ 45 ms, 4–16 per
   * thread ≈ 37–45 ms (within noise of each other): smaller chunks let this thread pack the next
   * chunk and unpack a finished one while the workers compute, and per-task overhead (~0.2 ms)
   * is still small. Not one task per symbol: 482 round trips would cost more than they overlap.
   */
  chunksPerThread?: number;
  /** Bytes of idle buffers kept for reuse (default 128 MB; one universe call uses ≈ 89 MB). */
  maxRetainedBytes?: number;
  /** Idle buffers are dropped after this long without a call (default 30 s): memory comes back when idle. */
  idleTrimMs?: number;
  /** Worker module (default ./indicator-worker.ts next to this file). */
  filename?: string;
}

export interface IndicatorPoolStats {
  chunks: number;
  /** Kernel time inside each worker for the last call. */
  workerComputeMs: number[];
  /** Bytes held in the free list. */
  retainedBytes: number;
}

export interface IndicatorPool extends Required<IndicatorPoolPort> {
  /** Asks the threads for their ids: proves the work runs off the main thread. */
  ping(): Promise<PingReply[]>;
  lastStats(): IndicatorPoolStats | null;
  close(): Promise<void>;
}

/**
 * The worker is a .ts file. Worker threads inherit the parent's execArgv, so under
 * `node --import tsx` the loader is already there; elsewhere (vitest's forked children, a plain
 * `node` process) `--import <tsx loader>` is added, resolved from this package so it does not
 * depend on the working directory.
 */
function workerExecArgv(): string[] {
  const argv = process.execArgv;
  if (argv.some((a) => /(^|[\\/=:])tsx([\\/]|$)/.test(a))) return argv;
  const loader = createRequire(import.meta.url).resolve("tsx");
  return [...argv, "--import", pathToFileURL(loader).href];
}

interface Chunk {
  items: IndicatorPoolItem[];
  bars: number;
}

/** Longest-first greedy split into `n` chunks of about equal bar counts. */
function balance(items: readonly IndicatorPoolItem[], n: number): Chunk[] {
  const chunks: Chunk[] = Array.from({ length: n }, () => ({ items: [], bars: 0 }));
  const order = [...items].sort((a, b) => b.cols.length - a.cols.length);
  for (const item of order) {
    let least = chunks[0]!;
    for (const c of chunks) if (c.bars < least.bars) least = c;
    least.items.push(item);
    least.bars += item.cols.length;
  }
  return chunks.filter((c) => c.items.length > 0);
}

/** Creates the pool (threads start at once). Call `close()` when done. */
export function createIndicatorPool(options: IndicatorPoolOptions = {}): IndicatorPool {
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const chunksPerThread = Math.max(1, Math.floor(options.chunksPerThread ?? 4));
  const maxRetained = options.maxRetainedBytes ?? 128 * 1024 * 1024;
  const idleTrimMs = options.idleTrimMs ?? 30_000;
  const piscina = new Piscina({
    filename: options.filename ?? new URL("./indicator-worker.ts", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    execArgv: workerExecArgv(),
  });

  const free: ArrayBuffer[] = [];
  /** Output slabs of each result map, until `release`. */
  const slabsOf = new WeakMap<Map<string, IndicatorSet>, ArrayBuffer[]>();
  let stats: IndicatorPoolStats | null = null;
  let trimTimer: NodeJS.Timeout | null = null;
  /** (Re)arms the idle trim; unref'd so an idle pool never keeps the process alive. */
  function touch(): void {
    if (trimTimer) clearTimeout(trimTimer);
    trimTimer = setTimeout(() => (free.length = 0), idleTrimMs);
    trimTimer.unref();
  }

  /** Smallest idle buffer of at least `values` doubles, or a new one. */
  function acquire(values: number): Float64Array {
    let best = -1;
    for (let i = 0; i < free.length; i++) {
      const size = free[i]!.byteLength;
      if (size >= values * 8 && (best < 0 || size < free[best]!.byteLength)) best = i;
    }
    const buffer = best >= 0 ? free.splice(best, 1)[0]! : new ArrayBuffer(values * 8);
    return new Float64Array(buffer, 0, values);
  }

  function recycle(buffer: ArrayBuffer): void {
    free.push(buffer);
    // Over budget: drop the smallest buffers first (the big ones are the expensive ones to fault in).
    free.sort((a, b) => b.byteLength - a.byteLength);
    let total = free.reduce((n, b) => n + b.byteLength, 0);
    while (total > maxRetained && free.length > 0) total -= free.pop()!.byteLength;
  }

  async function runChunk(chunk: Chunk, params: IndicatorParams, out: Map<string, IndicatorSet>, slabs: ArrayBuffer[]) {
    // One copy of 24 B per bar on this thread; the caller's columns are never detached.
    const input = acquire(chunk.bars * 3);
    let at = 0;
    for (const { cols } of chunk.items) {
      input.set(cols.close, at);
      input.set(cols.high, at + cols.length);
      input.set(cols.low, at + 2 * cols.length);
      at += 3 * cols.length;
    }
    const output = acquire(chunk.bars * seriesPerSymbol(params));
    const task: ComputeTask = { kind: "compute", params, lengths: chunk.items.map((i) => i.cols.length), input, output };
    // If the task fails the moved buffers are lost with it; nothing of the caller's is.
    const reply = (await piscina.run(task, { transferList: [input.buffer as ArrayBuffer, output.buffer as ArrayBuffer] })) as ComputeReply;
    recycle(reply.input.buffer as ArrayBuffer);
    slabs.push(reply.output.buffer as ArrayBuffer);
    chunk.items.forEach(({ symbol }, i) => out.set(symbol, reply.sets[i]!));
    return reply.computeMs;
  }

  return {
    async computeMany(items, params) {
      // One computation per symbol (its first occurrence): the result is keyed by symbol anyway.
      const firsts = new Map<string, IndicatorPoolItem>();
      for (const item of items) if (!firsts.has(item.symbol)) firsts.set(item.symbol, item);
      const unique = [...firsts.values()];
      const out = new Map<string, IndicatorSet>();
      if (unique.length === 0) return out;
      touch();
      const chunks = balance(unique, Math.min(unique.length, threads * chunksPerThread));
      const slabs: ArrayBuffer[] = [];
      const computeMs = await Promise.all(chunks.map((c) => runChunk(c, params, out, slabs)));
      stats = { chunks: chunks.length, workerComputeMs: computeMs, retainedBytes: free.reduce((n, b) => n + b.byteLength, 0) };
      // Request order for iteration, independent of which chunk finished first.
      const result = new Map(unique.map((i) => [i.symbol, out.get(i.symbol)!]));
      slabsOf.set(result, slabs);
      return result;
    },
    release(sets) {
      const slabs = slabsOf.get(sets);
      if (!slabs) return;
      slabsOf.delete(sets);
      for (const s of slabs) recycle(s);
      touch();
    },
    lastStats: () => stats,
    async ping() {
      return Promise.all(Array.from({ length: threads }, () => piscina.run({ kind: "ping" }) as Promise<PingReply>));
    },
    async close() {
      if (trimTimer) clearTimeout(trimTimer);
      free.length = 0;
      await piscina.destroy();
    },
  };
}
