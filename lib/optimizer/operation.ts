import type { EquivalenceCheck, Strategy } from "./types";

/** Per-call context handed to implementations: progress for queued runs, flags for the sample. */
export interface CallContext {
  /** The request key used for assignment. */
  key: string;
  /** True when this run is a shadow run (its result is compared, never returned or broadcast). */
  shadow: boolean;
  /** Set by the cache strategy when the result came from the cache. */
  cacheHit: boolean;
  /**
   * Set by an implementation whose call completed but did not do its job (a crawl whose source
   * failed: the outcome is returned, not thrown): the sample is recorded as an error.
   */
  failed?: boolean;
  /** Reports progress of a long call (0..1); a no-op unless the call runs as a background task. */
  progress(fraction: number, message?: string): void;
}

export type Implementation<I, O> = (input: I, cx: CallContext) => Promise<O>;

/**
 * The implementation of one strategy for one operation. `wrap` receives the implementation built
 * so far (the baseline, or the strategies before it in declared order) and returns the optimized
 * one. A strategy either decorates `inner` (cache, stream) or `replaces` it with a different
 * algorithm that returns an equivalent result (memory, async, batch, incremental); a variant is
 * named after what actually runs, so a replacing strategy drops the ones before it from the name.
 */
export interface StrategyImplementation<I, O> {
  strategy: Exclude<Strategy, "queue">;
  description: string;
  /** True when `wrap` ignores `inner` (a different algorithm, not a decorator). */
  replaces: boolean;
  wrap(inner: Implementation<I, O>): Implementation<I, O>;
  /** A kept result of this input, without computing (a cache answers a queued call at once). */
  peek?(input: I): O | undefined;
  /** Drops kept results (e.g. when new bars arrive); returns how many. */
  invalidate?(): number;
}

/**
 * An operation: a named unit of work (`service.operation`) with its baseline function, its
 * equivalence check and the strategies that may apply to it.
 */
// `any` defaults: the engine holds operations of every input/output type in one registry (with
// `unknown`, a spec's baseline parameter would make it unassignable: parameters are contravariant).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface OperationSpec<I = any, O = any> {
  /** `service.operation`, e.g. `technical-indicators.calculate`. */
  name: string;
  service: string;
  title: string;
  /** The plain implementation, always kept and always one click away. */
  baseline: Implementation<I, O>;
  /** The request key used for sticky variant assignment (e.g. the symbol). */
  key: (input: I) => string;
  /** Writes to storage or the outside world: never shadowed unless `idempotent` or `shadowWritesDiscarded`. */
  sideEffects: boolean;
  idempotent?: boolean;
  /**
   * A shadow run of this operation writes and publishes nothing (its implementations give
   * `cx.shadow` runs dry-run write ports), so it may be shadowed even when not idempotent, and at
   * the same time as the primary. Its shadow samples do not include the cost of the writes.
   */
  shadowWritesDiscarded?: boolean;
  /** Compares a baseline and an optimized result; required for shadow mode. */
  equivalent?: EquivalenceCheck<O>;
  /** Applicable strategy implementations in composition order (inner first). */
  strategies?: StrategyImplementation<I, O>[];
  /** Whether the `queue` strategy (run as a background task) applies. */
  queueable?: boolean;
  /** An optimized variant slower than this falls back to the baseline for that call. */
  timeoutMs?: number;
  /** Memory per call above which a memory warning is emitted (`threshold_mb`). */
  memoryThresholdMb?: number;
  /** Fraction of calls that run the shadow comparison while an optimization is in shadow. */
  shadowSampleRate?: number;
  /** How often a scheduled operation runs when healthy (seconds): the monitor's no-data rule. */
  expectedIntervalSeconds?: number;
  /**
   * Real inputs for an on-demand benchmark: input `i` is deterministic, so both variants see the
   * same inputs. Null when no input can be made now (e.g. the market clock has not started).
   */
  benchmarkInputs?: () => Promise<((i: number) => I) | null>;
}

/**
 * Whether shadow runs of an operation may happen: they need an equivalence check, and writes that
 * are idempotent or discarded in the shadow run.
 */
export function canShadow(op: OperationSpec): boolean {
  return op.equivalent !== undefined && (!op.sideEffects || op.idempotent === true || op.shadowWritesDiscarded === true);
}

/** Every strategy type that may apply to an operation, `queue` last when it is queueable. */
export function strategiesOf(op: OperationSpec): Strategy[] {
  const types: Strategy[] = (op.strategies ?? []).map((s) => s.strategy);
  if (op.queueable) types.push("queue");
  return types;
}

/** The id of an optimization: one strategy on one operation. */
export function optimizationId(operation: string, strategy: Strategy): string {
  return `${operation}:${strategy}`;
}

/**
 * The A/A control every operation gets: the baseline itself under the `identity` label, so its
 * live analyses measure how often the product would call "faster" or "slower" when nothing changed.
 */
export function identityStrategy<I, O>(baseline: Implementation<I, O>): StrategyImplementation<I, O> {
  return {
    strategy: "identity",
    description: "A/A control: the baseline under another label, to calibrate the live analysis on real traffic",
    replaces: true,
    wrap: () => baseline,
  };
}

/** Declares an operation with its input/output types inferred from the baseline (and its A/A control). */
export function defineOperation<I, O>(input: OperationSpec<I, O>): OperationSpec<I, O> {
  // Innermost, so any other strategy in use replaces or wraps it (the variant is named for what runs).
  const spec: OperationSpec<I, O> = {
    ...input,
    strategies: [identityStrategy(input.baseline), ...(input.strategies ?? []).filter((s) => s.strategy !== "identity")],
  };
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(spec.name)) {
    throw new Error(`operation name must be "service.operation" in kebab-case, got "${spec.name}"`);
  }
  if (!spec.name.startsWith(`${spec.service}.`)) {
    throw new Error(`operation ${spec.name} does not belong to service ${spec.service}`);
  }
  const seen = new Set<string>();
  for (const o of spec.strategies ?? []) {
    if (seen.has(o.strategy)) throw new Error(`operation ${spec.name} declares strategy ${o.strategy} twice`);
    seen.add(o.strategy);
  }
  return spec;
}
