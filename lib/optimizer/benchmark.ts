import type { Engine } from "./engine";
import type { CallContext, OperationSpec } from "./operation";
import { compareSamples, type Comparison } from "./stats/compare";
import type { Strategy } from "./types";

export interface BenchmarkOptions {
  /** Measured pairs (one baseline and one optimized run each). */
  iterations: number;
  /** Unmeasured runs of each variant first (JIT, caches, connection pools). */
  warmup: number;
  progress?: (fraction: number, message?: string) => void;
  now?: () => number;
  /**
   * Bytes allocated by the process so far (an `AllocationMeter` reading, monotonic): each measured
   * run then records the bytes it allocated. Without it no memory is recorded.
   */
  allocatedBytes?: () => number;
}

export interface BenchmarkResult {
  comparison: Comparison;
  baselineMs: number[];
  optimizedMs: number[];
  /** Bytes allocated during each measured run (`MEMORY_PER_CALL_MEASURE`); empty without `allocatedBytes`. */
  baselineMemory: number[];
  optimizedMemory: number[];
  mismatches: number;
  firstMismatch: string | null;
}

/**
 * The on-demand comparison (the original PerformanceComparisonTest): both variants on identical
 * inputs, interleaved A B A B after a warm-up so drift (GC, other load, caches warming) hits both
 * sides alike. Results are checked for equivalence on every pair.
 */
export async function runBenchmark<I, O>(
  engine: Engine,
  op: OperationSpec<I, O>,
  strategies: Strategy[],
  inputs: (i: number) => I,
  opts: BenchmarkOptions,
): Promise<BenchmarkResult> {
  const now = opts.now ?? (() => performance.now());
  const base = op.baseline;
  const opt = engine.implementation(op as OperationSpec, strategies) as (input: I, cx: CallContext) => Promise<O>;
  // Not shadow runs: a shadow run of a writing operation discards its writes, and a benchmark
  // measures the real work (only idempotent writers can be benchmarked, so writing twice is safe).
  const cx = (): CallContext => ({ key: "benchmark", shadow: false, cacheHit: false, progress: () => undefined });
  const total = opts.warmup * 2 + opts.iterations * 2;
  let done = 0;
  const tick = () => opts.progress?.(++done / total, `run ${done}/${total}`);

  for (let i = 0; i < opts.warmup; i++) {
    await base(inputs(i), cx());
    tick();
    await opt(inputs(i), cx());
    tick();
  }
  const r: BenchmarkResult = {
    comparison: null as never,
    baselineMs: [],
    optimizedMs: [],
    baselineMemory: [],
    optimizedMemory: [],
    mismatches: 0,
    firstMismatch: null,
  };
  const timed = async (fn: (input: I, cx: CallContext) => Promise<O>, input: I, ms: number[], mem: number[]) => {
    const a0 = opts.allocatedBytes?.() ?? 0;
    const t0 = now();
    const out = await fn(input, cx());
    ms.push(now() - t0);
    // Read after the clock (the meter's cost stays out of the timing); the max only guards
    // against a meter that is not monotonic.
    if (opts.allocatedBytes) mem.push(Math.max(0, opts.allocatedBytes() - a0));
    return out;
  };
  for (let i = 0; i < opts.iterations; i++) {
    const input = inputs(opts.warmup + i);
    // Alternate which side goes first, so neither always runs on a warmer cache.
    const first = i % 2 === 0;
    const a = first ? await timed(base, input, r.baselineMs, r.baselineMemory) : null;
    tick();
    const b = await timed(opt, input, r.optimizedMs, r.optimizedMemory);
    const a2 = first ? a : await timed(base, input, r.baselineMs, r.baselineMemory);
    tick();
    const verdict = op.equivalent?.(a2 as O, b);
    if (verdict && !verdict.equal) {
      r.mismatches++;
      r.firstMismatch ??= verdict.diff;
    }
  }
  r.comparison = compareSamples(r.baselineMs, r.optimizedMs, { minSamples: Math.min(20, opts.iterations) });
  return r;
}

/** Why a benchmark of these strategies cannot run on this operation, or null when it can. */
export function benchmarkProblem(
  op: OperationSpec | undefined,
  name: string,
  strategies: readonly Strategy[],
): { code: "not_found" | "conflict" | "validation_failed"; message: string } | null {
  if (!op) return { code: "not_found", message: `unknown operation ${name}` };
  // Running a non-idempotent writer twice per input would write twice.
  if (op.sideEffects && !op.idempotent) return { code: "conflict", message: `${op.name} writes data and is not idempotent: it cannot be benchmarked` };
  const known = new Set((op.strategies ?? []).map((o) => o.strategy));
  const bad = strategies.filter((s) => !known.has(s as Exclude<Strategy, "queue">));
  if (bad.length > 0) return { code: "validation_failed", message: `strategies not available for ${op.name}: ${bad.join(", ")}` };
  return null;
}
