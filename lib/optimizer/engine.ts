import { VariantTimeout, withFault, withTimeout } from "./run-wrappers";
import { canShadow, type CallContext, type Implementation, type OperationSpec } from "./operation";
import {
  BASELINE,
  BASELINE_PLAN,
  MASK,
  SHADOW_SHIFT,
  compileRuntime,
  createRuntime,
  maskInfo,
  planBits,
  planOf,
  type CallPlan,
  type LiveOptimization,
  type MaskInfo,
  type OperationRuntime,
} from "./operation-runtime";
import {
  MASTER_SWITCHES,
  type EngineEvent,
  type FaultLookup,
  type MasterSwitchName,
  type AllocationMeter,
  type OptimizationState,
  type Outcome,
  type SampleSink,
  type Strategy,
} from "./types";

export type { CallPlan } from "./operation-runtime";

export interface EngineOptions {
  sink: SampleSink;
  /** Monotonic clock in ms (injectable for tests). */
  now?: () => number;
  /** Wall clock in ms since epoch (injectable for tests). */
  wallNow?: () => number;
  /**
   * Bytes allocated by the process so far (monotonic); read before and after one call in
   * `memorySampleEvery` (default 4), so the other calls pay nothing for it.
   */
  allocationMeter?: AllocationMeter;
  memorySampleEvery?: number;
  /**
   * At most one measured call per operation and variant in this many ms (default 0: no limit).
   * Bounds the meter's cost whatever the traffic (a GC-accounting reading costs ~15 µs in all),
   * while rarely called operations stay measured on one call in `memorySampleEvery`.
   */
  memorySampleIntervalMs?: number;
  emit?: (event: EngineEvent) => void;
  /** Random source for shadow sampling (injectable for tests). */
  random?: () => number;
  /** Fault injection (tests and demos): consulted per run, null when nothing is injected. */
  faults?: FaultLookup;
}

const RUN = { mode: "run" } as const;
const QUEUE = { mode: "queue" } as const;
const noProgress = () => undefined;

/**
 * 32-bit FNV-1a over UTF-16 code units: the sample's key hash only groups samples by key (e.g.
 * distinct keys for the SRM check), so it needs stability, not murmur3's published vectors —
 * and costs ~15 ns where murmurhash's UTF-8 encoding path costs ~300 ns (measured).
 */
function sampleKeyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Per-optimization counters the guards read (reset by the guard evaluator's window). */
export interface OptimizationCounters {
  calls: number;
  failures: number;
  shadowRuns: number;
  mismatches: number;
}

/** The optimization engine: every service operation is registered once and called through it. */
export class Engine {
  private readonly ops = new Map<string, OperationRuntime>();
  private readonly states = new Map<string, OptimizationState>();
  private switches: Record<MasterSwitchName, boolean> = Object.fromEntries(MASTER_SWITCHES.map((s) => [s, true])) as Record<MasterSwitchName, boolean>;
  private readonly counters = new Map<string, OptimizationCounters>();
  /** `performance` itself by default: `clock.now()` then calls the native method, with no closure between. */
  private readonly clock: { now(): number };
  private readonly wallNow: () => number;
  private readonly random: () => number;
  /** Calls left before the next one that may read the allocation meter (`memorySampleEvery`). */
  private probeCountdown: number;
  private readonly probeEvery: number;
  /** With both default clocks, wall time is derived from the monotonic reading (one clock read saved). */
  private readonly wallFromMonotonic: boolean;
  private readonly timeOrigin = performance.timeOrigin;

  constructor(private readonly options: EngineOptions) {
    this.clock = options.now === undefined ? performance : { now: options.now };
    this.wallNow = options.wallNow ?? defaultWallNow;
    this.wallFromMonotonic = options.now === undefined && options.wallNow === undefined;
    this.random = options.random ?? Math.random;
    this.probeEvery = options.allocationMeter === undefined ? Infinity : Math.max(1, Math.floor(options.memorySampleEvery ?? 4));
    this.probeCountdown = this.probeEvery;
  }

  /** Registers an operation; a name can be registered once. */
  register<I, O>(spec: OperationSpec<I, O>): OperationSpec<I, O> {
    if (this.ops.has(spec.name)) throw new Error(`operation ${spec.name} is already registered`);
    const rt = createRuntime(spec as OperationSpec);
    this.ops.set(spec.name, rt);
    compileRuntime(rt, this.states, this.switches, new Map());
    return spec;
  }

  /** The registered operations, in registration order. */
  operations(): OperationSpec[] {
    return [...this.ops.values()].map((rt) => rt.spec);
  }

  operation(name: string): OperationSpec | undefined {
    return this.ops.get(name)?.spec;
  }

  /** Replaces the in-memory view of states and switches (from the optimization store, on every change). */
  applyStates(optimizations: OptimizationState[], switches: Record<MasterSwitchName, boolean>): void {
    const previous = new Map<string, LiveOptimization>();
    for (const rt of this.ops.values()) for (const l of rt.live) previous.set(l.id, l);
    this.states.clear();
    for (const o of optimizations) this.states.set(o.id, o);
    this.switches = { ...switches };
    for (const rt of this.ops.values()) compileRuntime(rt, this.states, this.switches, previous);
  }

  state(id: string): OptimizationState | undefined {
    return this.states.get(id);
  }

  /** Counters of one optimization since the last `takeCounters`. */
  takeCounters(id: string): OptimizationCounters {
    const c = this.counters.get(id) ?? { calls: 0, failures: 0, shadowRuns: 0, mismatches: 0 };
    this.counters.delete(id);
    return c;
  }

  private count(ids: string[], field: keyof OptimizationCounters): void {
    for (const id of ids) {
      let c = this.counters.get(id);
      if (!c) this.counters.set(id, (c = { calls: 0, failures: 0, shadowRuns: 0, mismatches: 0 }));
      c[field]++;
    }
  }

  /** The plan of a call (`planOf`); the baseline's for an operation not registered here. */
  plan(op: OperationSpec, key: string): CallPlan {
    const rt = this.ops.get(op.name);
    return rt === undefined ? BASELINE_PLAN : planOf(rt, key);
  }

  /** The implementation of a variant name from `plan`: one Map lookup per call. */
  private implementationOf(op: OperationSpec, variant: string): Implementation<unknown, unknown> {
    return this.ops.get(op.name)!.byVariant.get(variant) ?? this.implementation(op, variant.split("+") as Strategy[]);
  }

  /**
   * The implementation of a set of strategies, composed once per operation and variant (benchmarks
   * call it directly). Composition follows the operation's declared order, whatever the order given.
   */
  implementation(op: OperationSpec, strategies: Strategy[]): Implementation<unknown, unknown> {
    const rt = this.ops.get(op.name)!;
    const declared = (op.strategies ?? []).filter((o) => strategies.includes(o.strategy));
    const variant = declared.map((o) => o.strategy).join("+");
    let impl = rt.byVariant.get(variant);
    if (!impl) {
      impl = declared.reduce<Implementation<unknown, unknown>>((inner, o) => o.wrap(inner), op.baseline);
      rt.byVariant.set(variant, impl);
    }
    return impl;
  }

  /**
   * How a call is served (SPEC §5): `queue` when the queue optimization applies to its key — unless
   * a strategy in use for it (the cache) already holds the result, which is answered at once —
   * else `run` now through `call`.
   */
  dispatch<I, O>(op: OperationSpec<I, O>, input: I): { mode: "run" } | { mode: "queue" } | { mode: "kept"; result: O } {
    const rt = this.ops.get(op.name);
    if (rt === undefined || rt.live.length === 0) return RUN;
    const plan = this.plan(op as OperationSpec, op.key(input));
    if (!plan.queued) return RUN;
    for (const impl of op.strategies ?? []) {
      if (impl.peek === undefined || (plan.activeMask & (1 << rt.types.indexOf(impl.strategy))) === 0) continue;
      const kept = impl.peek(input);
      if (kept !== undefined) return { mode: "kept", result: kept };
    }
    return QUEUE;
  }

  /** Drops every kept result of every operation (new market data arrived); returns how many. */
  invalidateKept(): number {
    let n = 0;
    for (const rt of this.ops.values()) for (const impl of rt.spec.strategies ?? []) n += impl.invalidate?.() ?? 0;
    return n;
  }

  /**
   * Runs one call through the engine: picks the variant, falls back to the baseline when the
   * optimized variant throws or times out, runs the shadow comparison on a sample of calls, and
   * records a sample for every run.
   */
  call<I, O>(op: OperationSpec<I, O>, input: I, progress: CallContext["progress"] = noProgress): Promise<O> {
    const rt = this.ops.get(op.name);
    if (rt === undefined || rt.spec !== (op as OperationSpec)) return Promise.reject(new Error(`operation ${op.name} is not registered with this engine`));
    let key: string;
    try {
      key = op.key(input);
    } catch (err) {
      return Promise.reject(err);
    }
    // Fast path (no optimization in use): one measured baseline run without the routing frame;
    // this is most calls, so it is kept to the context, the sample and one `then`.
    if (rt.live.length === 0) return this.baselineRun(rt.spec, key, input, progress) as Promise<O>;
    return this.routed(rt, key, input, progress) as Promise<O>;
  }

  /**
   * The baseline run, timed and recorded. A `then` on the implementation's promise rather than an
   * async frame around it: a closure pair costs less than suspending and resuming a frame (about
   * 40 against 60 ns per call on Node 20, measured on a 2-core machine).
   */
  private baselineRun(op: OperationSpec, key: string, input: unknown, progress: CallContext["progress"]): Promise<unknown> {
    const cx: CallContext = { key, shadow: false, cacheHit: false, progress };
    const meter = this.memoryProbe(op, BASELINE);
    const allocated0 = meter ? meter.allocatedBytes() : 0;
    const t0 = this.clock.now();
    const fault = this.options.faults?.(op.name, BASELINE, 0) ?? null;
    let run: Promise<unknown>;
    try {
      run = fault ? withFault(fault, () => op.baseline(input, cx), this.random) : op.baseline(input, cx);
    } catch (err) {
      run = Promise.reject(err); // a baseline that throws before returning its promise
    }
    return Promise.resolve(run).then(
      (result) => {
        this.recordRun(op, BASELINE, key, t0, meter, allocated0, cx.failed === true ? "error" : "ok", cx);
        return result;
      },
      (err: unknown) => {
        this.recordRun(op, BASELINE, key, t0, meter, allocated0, "error", cx);
        throw err;
      },
    );
  }

  /**
   * The meter on one call in `memorySampleEvery` (and at most one per `memorySampleIntervalMs` per
   * operation and variant), else null: the other calls pay one decrement and one compare.
   */
  private memoryProbe(op: OperationSpec, variant: string): AllocationMeter | null {
    if (--this.probeCountdown > 0) return null;
    this.probeCountdown = this.probeEvery;
    const meter = this.options.allocationMeter!;
    const interval = this.options.memorySampleIntervalMs ?? 0;
    if (interval > 0) {
      const rt = this.ops.get(op.name)!;
      const now = this.clock.now();
      if (now - (rt.memoryAt.get(variant) ?? -Infinity) < interval) return null;
      rt.memoryAt.set(variant, now);
    }
    return meter;
  }

  /** Records the sample of one run (and a memory warning past the operation's threshold). */
  private recordRun(
    op: OperationSpec,
    variant: string,
    key: string,
    t0: number,
    meter: AllocationMeter | null,
    allocated0: number,
    outcome: Outcome,
    cx: CallContext,
  ): void {
    const t1 = this.clock.now();
    // Read after the clock, so the meter's cost stays out of the duration. The counter is monotonic;
    // the max only guards against a meter that is not.
    const memoryBytes = meter ? Math.max(0, meter.allocatedBytes() - allocated0) : null;
    this.options.sink.record({
      at: this.wallFromMonotonic ? this.timeOrigin + t1 : this.wallNow(),
      operation: op.name,
      variant,
      durationMs: t1 - t0,
      memoryBytes,
      outcome,
      cacheHit: cx.cacheHit,
      shadow: cx.shadow,
      keyHash: sampleKeyHash(key),
    });
    if (memoryBytes !== null && op.memoryThresholdMb !== undefined && memoryBytes / 1048576 > op.memoryThresholdMb) {
      this.options.emit?.({ type: "memory.warning", operation: op.name, variant, memoryMb: memoryBytes / 1048576, thresholdMb: op.memoryThresholdMb });
    }
  }

  /**
   * A call with optimizations in use. The usual case (no shadow run) costs the plan bits, two Map
   * hits (mask info, counters) and the run itself (`baselineRun` or `optimizedRun`, each one
   * `then`): no plan object and no frame of its own.
   */
  private routed(rt: OperationRuntime, key: string, input: unknown, progress: CallContext["progress"]): Promise<unknown> {
    const op = rt.spec;
    const bits = planBits(rt, key);
    const active = bits & MASK;
    const shadow = (bits >>> SHADOW_SHIFT) & MASK;
    const info = active === 0 ? null : maskInfo(rt, active);
    if (info !== null && info.ids.length > 0) this.count(info.ids, "calls");
    if (shadow === 0 || !canShadow(op) || this.random() >= (op.shadowSampleRate ?? 0.5)) {
      return info === null ? this.baselineRun(op, key, input, progress) : this.optimizedRun(op, info, key, input, progress);
    }
    return this.shadowed(rt, active, shadow, info, key, input, progress);
  }

  /** The primary run and a shadow run of the candidate variant, compared (SPEC shadow mode). */
  private async shadowed(
    rt: OperationRuntime,
    active: number,
    shadow: number,
    info: MaskInfo | null,
    key: string,
    input: unknown,
    progress: CallContext["progress"],
  ): Promise<unknown> {
    const op = rt.spec;
    const shadowIds = maskInfo(rt, shadow).ids;
    const candidateVariant = maskInfo(rt, active | shadow).variant;
    // Both run at once when the shadow writes nothing (then it also reads the state the primary
    // read, before the primary's writes); other idempotent ones run the shadow after the primary
    // so the two never write concurrently.
    const primary = info === null ? this.baselineRun(op, key, input, progress) : this.optimizedRun(op, info, key, input, progress);
    const shadowRun = (async () => {
      if (op.sideEffects && op.shadowWritesDiscarded !== true) await primary.catch(() => undefined);
      return this.shadowRun(op, candidateVariant, key, input);
    })();
    const [p, s] = await Promise.allSettled([primary, shadowRun]);
    this.count(shadowIds, "shadowRuns");
    if (p.status === "rejected") throw p.reason;
    if (s.status === "fulfilled" && s.value.ok) {
      const verdict = op.equivalent!(p.value, s.value.result);
      if (!verdict.equal) {
        this.count(shadowIds, "mismatches");
        this.options.emit?.({ type: "shadow.mismatch", mismatch: { operation: op.name, variant: candidateVariant, inputKey: key, diff: verdict.diff } });
      }
    } else {
      this.count(shadowIds, "failures");
    }
    return p.value;
  }

  /**
   * Runs an optimized variant; when it throws or times out, the caller gets the baseline's result.
   * Built like `baselineRun` (a `then`, no async frame, no result object per call).
   */
  private optimizedRun(op: OperationSpec, info: MaskInfo, key: string, input: unknown, progress: CallContext["progress"]): Promise<unknown> {
    const variant = info.variant;
    const impl = (info.impl ??= this.implementationOf(op, variant));
    const cx: CallContext = { key, shadow: false, cacheHit: false, progress };
    const meter = this.memoryProbe(op, variant);
    const allocated0 = meter ? meter.allocatedBytes() : 0;
    const t0 = this.clock.now();
    const fault = this.options.faults?.(op.name, variant, 0) ?? null;
    let run: Promise<unknown>;
    try {
      run = fault ? withFault(fault, () => impl(input, cx), this.random) : impl(input, cx);
      if (op.timeoutMs !== undefined) run = withTimeout(run, op.timeoutMs);
    } catch (error) {
      run = Promise.reject(error); // a variant that throws before returning its promise
    }
    return Promise.resolve(run).then(
      (result) => {
        this.recordRun(op, variant, key, t0, meter, allocated0, cx.failed === true ? "error" : "ok", cx);
        return result;
      },
      (error: unknown) => {
        const outcome: Outcome = error instanceof VariantTimeout ? "timeout" : "fallback";
        this.recordRun(op, variant, key, t0, meter, allocated0, outcome, cx);
        this.count(info.ids, "failures");
        this.options.emit?.({
          type: "variant.failed",
          operation: op.name,
          variant,
          outcome,
          error: error instanceof Error ? error.message : String(error),
        });
        return this.baselineRun(op, key, input, progress);
      },
    );
  }

  /** The shadow run of a candidate variant: timed and recorded like any run, its result only compared. */
  private async shadowRun(op: OperationSpec, variant: string, key: string, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false }> {
    const impl = this.implementationOf(op, variant);
    const cx: CallContext = { key, shadow: true, cacheHit: false, progress: noProgress };
    const meter = this.memoryProbe(op, variant);
    const allocated0 = meter ? meter.allocatedBytes() : 0;
    const t0 = this.clock.now();
    const fault = this.options.faults?.(op.name, variant, 0) ?? null;
    try {
      const result = await (fault ? withFault(fault, () => impl(input, cx), this.random) : impl(input, cx));
      this.recordRun(op, variant, key, t0, meter, allocated0, cx.failed === true ? "error" : "ok", cx);
      return { ok: true, result };
    } catch (error) {
      this.recordRun(op, variant, key, t0, meter, allocated0, error instanceof VariantTimeout ? "timeout" : "fallback", cx);
      return { ok: false };
    }
  }
}

const defaultWallNow = () => Date.now();
