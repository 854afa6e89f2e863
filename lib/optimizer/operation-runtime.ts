/**
 * The engine's compiled view of one operation: which of its optimizations are in use (recompiled
 * on every state change), and the call planning that reads it — strategy sets as bit masks, a
 * call's plan packed in one integer, variant names and optimization ids per mask, canary buckets
 * per key. Everything here runs on the call path or is prepared for it, so none of it allocates
 * per call.
 */
import { bucketOf } from "./assignment";
import { optimizationId, strategiesOf, type Implementation, type OperationSpec } from "./operation";
import { SWITCH_OF, type MasterSwitchName, type OptimizationState, type Strategy } from "./types";

/**
 * Which implementation a call runs. Strategy sets are bit masks over the operation's declared
 * strategies (bit i = `strategiesOf(op)[i]`), so planning a call allocates nothing but this object.
 */
export interface CallPlan {
  /** What runs, named for what actually runs (`baseline`, `memory`, `memory+cache`, …). */
  variant: string;
  /** Optimizations in use for this call. */
  activeMask: number;
  /** Optimizations in shadow that this call would add in a shadow run. */
  shadowMask: number;
  queued: boolean;
}

export const BASELINE = "baseline";
export const BASELINE_PLAN: CallPlan = Object.freeze({ variant: BASELINE, activeMask: 0, shadowMask: 0, queued: false });

/** One optimization that is in use for an operation (recomputed on every state change). */
export interface LiveOptimization {
  strategy: Strategy;
  id: string;
  mode: "shadow" | "canary" | "on";
  /** This strategy's bit in the operation's masks. */
  bit: number;
  /** Canary threshold in buckets of 10,000 (percent × 100, rounded like `isInCanary`). */
  threshold: number;
  seed: number;
  /** key → bucket; bounded. murmur3 costs ~300 ns per key, a Map hit ~30 ns. */
  buckets: Map<string, number>;
}

/** What a set of strategies runs: its variant name, optimization ids and (once run) implementation. */
export interface MaskInfo {
  variant: string;
  ids: string[];
  /** Set on the first optimized run of the mask (saves two Map lookups per call). */
  impl: Implementation<unknown, unknown> | null;
}

/** Per-operation state precomputed off the hot path. */
export interface OperationRuntime {
  spec: OperationSpec;
  /** `strategiesOf(spec)`: bit i of a mask is types[i]. */
  types: Strategy[];
  /** Bit of the queue strategy (0 when not queueable). */
  queueBit: number;
  live: LiveOptimization[];
  /** mask → variant name and optimization ids, filled on first use (at most 2^types masks). */
  masks: Map<number, MaskInfo>;
  /** Packed plan bits (see `planBits`) → the frozen plan `planOf` returns, filled on first use. */
  plans: Map<number, CallPlan>;
  byVariant: Map<string, Implementation<unknown, unknown>>;
  /** variant → monotonic time of its last measured call (`memorySampleIntervalMs`). */
  memoryAt: Map<string, number>;
}

const BUCKET_CACHE_MAX = 50_000;
/**
 * `planBits` packs a call's plan in one small integer (no object per call): the active mask in
 * bits 0–9, the shadow mask in bits 10–19, "queued" in bit 20. Hence at most 10 strategy types
 * per operation (there are 6), checked at registration.
 */
const MAX_TYPES = 10;
export const MASK = (1 << MAX_TYPES) - 1;
export const SHADOW_SHIFT = MAX_TYPES;
const QUEUED = 1 << (2 * MAX_TYPES);

/** The runtime of a newly registered operation, nothing in use yet. */
export function createRuntime(spec: OperationSpec): OperationRuntime {
  const types = strategiesOf(spec);
  if (types.length > MAX_TYPES) throw new Error(`operation ${spec.name} declares more than ${MAX_TYPES} strategies`);
  const q = types.indexOf("queue");
  return {
    spec,
    types,
    queueBit: q < 0 ? 0 : 1 << q,
    live: [],
    masks: new Map(),
    plans: new Map(),
    byVariant: new Map(),
    memoryAt: new Map(),
  };
}

/**
 * Precomputes which optimizations of an operation are in use, so calls do no string work. Canary
 * buckets of a key are kept from `previous` while the optimization's seed stays the same.
 */
export function compileRuntime(
  rt: OperationRuntime,
  states: ReadonlyMap<string, OptimizationState>,
  switches: Readonly<Record<MasterSwitchName, boolean>>,
  previous: ReadonlyMap<string, LiveOptimization>,
): void {
  rt.live = [];
  for (const [i, strategy] of rt.types.entries()) {
    const id = optimizationId(rt.spec.name, strategy);
    const st = states.get(id);
    const sw = SWITCH_OF[strategy];
    if (!st || (sw !== null && !switches[sw])) continue;
    if (st.state !== "shadow" && st.state !== "canary" && st.state !== "on") continue;
    const old = previous.get(id);
    rt.live.push({
      strategy,
      id,
      bit: 1 << i,
      mode: st.state,
      threshold: Math.round(st.percent * 100),
      seed: st.seed,
      buckets: old && old.seed === st.seed ? old.buckets : new Map(),
    });
  }
}

function bucket(l: LiveOptimization, key: string): number {
  let b = l.buckets.get(key);
  if (b === undefined) {
    if (l.buckets.size >= BUCKET_CACHE_MAX) l.buckets.clear();
    b = bucketOf(key, l.seed);
    l.buckets.set(key, b);
  }
  return b;
}

/** The plan of a call packed in one integer (MASK, SHADOW_SHIFT, QUEUED): allocates nothing. */
export function planBits(rt: OperationRuntime, key: string): number {
  let active = 0;
  let shadow = 0;
  for (const l of rt.live) {
    if (l.mode === "on" || (l.mode === "canary" && bucket(l, key) < l.threshold)) active |= l.bit;
    else if (l.mode === "shadow") shadow |= l.bit;
  }
  const queued = (active & rt.queueBit) !== 0;
  active &= ~rt.queueBit;
  shadow &= ~rt.queueBit;
  return active | (shadow << SHADOW_SHIFT) | (queued ? QUEUED : 0);
}

/**
 * The variant name and optimization ids of a set of strategies. A replacing strategy discards
 * the implementation built before it, so the name lists only what runs: memory then async
 * (both replacing) is `async`; memory then cache is `memory+cache`.
 */
export function maskInfo(rt: OperationRuntime, mask: number): MaskInfo {
  let info = rt.masks.get(mask);
  if (info === undefined) {
    const ids: string[] = [];
    let runs: string[] = [];
    for (const impl of rt.spec.strategies ?? []) {
      const bit = 1 << rt.types.indexOf(impl.strategy);
      if ((mask & bit) === 0) continue;
      ids.push(optimizationId(rt.spec.name, impl.strategy));
      runs = impl.replaces ? [impl.strategy] : [...runs, impl.strategy];
    }
    info = { variant: runs.length === 0 ? BASELINE : runs.join("+"), ids, impl: null };
    rt.masks.set(mask, info);
  }
  return info;
}

/**
 * Decides the variant of a call: strategies `on`, or `canary` with the key in its percentage.
 * The plan returned is shared by every call with the same outcome (frozen; one per outcome).
 */
export function planOf(rt: OperationRuntime, key: string): CallPlan {
  const bits = planBits(rt, key);
  let plan = rt.plans.get(bits);
  if (plan === undefined) {
    const activeMask = bits & MASK;
    plan = Object.freeze({
      variant: maskInfo(rt, activeMask).variant,
      activeMask,
      shadowMask: (bits >>> SHADOW_SHIFT) & MASK,
      queued: (bits & QUEUED) !== 0,
    });
    rt.plans.set(bits, plan);
  }
  return plan;
}
