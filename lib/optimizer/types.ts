/**
 * The vocabulary of the optimization engine (SPEC §3). Framework-free: the engine talks to the
 * rest of the system only through the ports declared here.
 */

/**
 * The strategy types: the four of the original design plus cache, and two that none of those
 * describe truthfully — `batch` (many writes in one statement instead of a round trip each) and
 * `incremental` (keep state between calls and do only what changed: an indexed watch list, a
 * conditional GET that costs a 304 when a feed is unchanged).
 */
export const STRATEGIES = ["cache", "memory", "async", "queue", "stream", "batch", "incremental", "identity"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Type-level master switches of the original design, above every optimization. */
export const MASTER_SWITCHES = ["memory_optimization", "async_processing", "background_tasks", "realtime_streaming"] as const;
export type MasterSwitchName = (typeof MASTER_SWITCHES)[number];

/**
 * Which master switch governs each strategy. The original put caching under memory optimization;
 * incremental state is the same trade (keep memory to save work), and batched writes the same
 * as async processing (fewer waits on I/O). `identity` (the A/A control: the baseline under
 * another label) changes nothing, so no switch governs it.
 */
export const SWITCH_OF: Record<Strategy, MasterSwitchName | null> = {
  cache: "memory_optimization",
  memory: "memory_optimization",
  incremental: "memory_optimization",
  async: "async_processing",
  batch: "async_processing",
  queue: "background_tasks",
  stream: "realtime_streaming",
  identity: null,
};

export const OPTIMIZATION_STATES = ["off", "shadow", "canary", "on", "rolled_back"] as const;
export type OptimizationStateName = (typeof OPTIMIZATION_STATES)[number];

/** The rollout state of one optimization. `percent` matters for canary only. */
export interface OptimizationState {
  id: string;
  operation: string;
  strategy: Strategy;
  state: OptimizationStateName;
  percent: number;
  seed: number;
  reason: string | null;
  /** The phase number: every state or percentage change bumps it (analyses restart per phase). */
  version: number;
  /** When this phase started (the last state or percentage change). */
  updatedAt: string;
  updatedBy: string;
}

/** Outcome of one call as recorded in its sample. */
export type Outcome = "ok" | "error" | "fallback" | "timeout";

/** One measured call. `variant` is `baseline` or the `+`-joined active strategies, e.g. `cache+memory`. */
export interface SampleInput {
  /** Wall-clock time of the call's end (ms since epoch). */
  at: number;
  operation: string;
  variant: string;
  durationMs: number;
  /**
   * Bytes allocated during the call (`MEMORY_PER_CALL_MEASURE`), when it was measured (one call in
   * `memorySampleEvery`); never negative. Not a heap difference, which a GC inside the call makes
   * negative.
   */
  memoryBytes: number | null;
  outcome: Outcome;
  cacheHit: boolean;
  /** A shadow run: measured for comparison, its result was not returned to the caller. */
  shadow: boolean;
  keyHash: number;
}

/**
 * Bytes allocated by this process so far: a monotonic counter, so the bytes a call allocated are
 * the difference of two readings. Process-wide: what concurrent calls allocate meanwhile counts too.
 */
export interface AllocationMeter {
  allocatedBytes(): number;
}

/** What a sample's `memoryBytes` is, as the API and the UI state it. */
export const MEMORY_PER_CALL_MEASURE =
  "bytes allocated during the call by the whole process: V8 heap (each GC's freed bytes added back) + growth of external memory (a lower bound); sampled calls only";

/** Where samples go (an in-memory ring buffer drained by a flusher to Postgres). */
export interface SampleSink {
  record(sample: SampleInput): void;
}

/** Reads and changes optimization states; persisted and propagated to every instance by the adapter. */
export interface StateChange {
  state: OptimizationStateName;
  percent?: number;
  reason?: string | null;
}

export interface Actor {
  /** A user's email, or `autopilot`, `guard`, `monitor`, `system`. */
  name: string;
  role: string;
  origin?: string | null;
}

export interface OptimizationStore {
  /** Every optimization state and master switch (loaded at start and on every change notice). */
  load(): Promise<{ optimizations: OptimizationState[]; switches: Record<MasterSwitchName, boolean> }>;
  setState(id: string, change: StateChange, actor: Actor, evidence?: unknown): Promise<OptimizationState>;
}

/** A detected result difference in shadow mode. */
export interface MismatchRecord {
  operation: string;
  variant: string;
  inputKey: string;
  diff: string;
}

/** Events the engine emits (the adapter broadcasts and stores them). */
export type EngineEvent =
  | { type: "optimization.changed"; optimization: OptimizationState }
  | { type: "optimization.rolled_back"; optimization: OptimizationState; evidence: GuardEvidence }
  | { type: "shadow.mismatch"; mismatch: MismatchRecord }
  | { type: "memory.warning"; operation: string; variant: string; memoryMb: number; thresholdMb: number }
  | { type: "variant.failed"; operation: string; variant: string; outcome: Outcome; error: string };

/** The evidence stored with an automatic rollback: what was observed against what threshold. */
export interface GuardEvidence {
  rule: "error_rate" | "mismatch_rate" | "latency_regression" | "memory_regression";
  observed: Record<string, number>;
  threshold: Record<string, number>;
  sampleSizes: { baseline: number; optimized: number };
  test: { name: string; statistic: number; pValue: number } | null;
  window: { from: string; to: string };
  summary: string;
}

/** Result equivalence check of an operation: `equal` or a readable difference. */
export type EquivalenceCheck<O> = (baseline: O, optimized: O) => { equal: true } | { equal: false; diff: string };

/** A fault injected into one variant of an operation (tests and demos only). */
export interface ActiveFault {
  /** Added latency in ms (absolute), applied before the implementation runs. */
  delayMs: number;
  /** Probability in [0, 1] that the call throws an injected error. */
  errorRate: number;
  /** Bytes allocated and held for the duration of the call. */
  holdBytes: number;
}

/** Looks up the faults active now for (operation, variant); null when none (the common case). */
export type FaultLookup = (operation: string, variant: string, durationHintMs: number) => ActiveFault | null;
