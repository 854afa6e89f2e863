import type { Implementation, OptimizationSpec } from "../operation";
import type { Strategy } from "../types";

/**
 * An operation-specific strategy (`memory`, `async`): a different algorithm for the same result,
 * e.g. columnar Float64Arrays with O(n) windows, or a worker pool. It replaces the inner
 * implementation instead of decorating it; the engine's equivalence check keeps it honest.
 */
export function replaceStrategy<I, O>(
  strategy: Extract<Strategy, "memory" | "async">,
  description: string,
  impl: Implementation<I, O>,
): OptimizationSpec<I, O> {
  return { strategy, description, wrap: () => impl };
}
