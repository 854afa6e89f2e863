import type { Implementation, StrategyImplementation } from "../operation";
import type { Strategy } from "../types";

/**
 * An operation-specific strategy: a different algorithm for the same result (columnar
 * Float64Arrays with O(n) windows, a worker pool, one batched write, incremental state). It
 * replaces the inner implementation instead of decorating it; the engine's equivalence check
 * keeps it honest.
 */
export function replaceStrategy<I, O>(
  strategy: Extract<Strategy, "memory" | "async" | "batch" | "incremental">,
  description: string,
  impl: Implementation<I, O>,
): StrategyImplementation<I, O> {
  return { strategy, description, replaces: true, wrap: () => impl };
}
