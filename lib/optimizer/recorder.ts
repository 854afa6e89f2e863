/**
 * The in-process sample recorder: every routed call appends one sample here, a flusher drains
 * batches to Postgres. Framework-free (no pg): the engine only sees `SampleSink`.
 *
 * Why a preallocated struct-of-arrays ring: `record()` sits on every routed call (budget ≤ 500 ns
 * including the engine's own work), so it must not allocate (no GC pressure proportional to
 * traffic), must not block (no awaiting the database) and must not throw into the caller.
 */
import { percentileSorted } from "./stats/quantile";
import type { Outcome, SampleInput, SampleSink } from "./types";

/** Outcome codes stored in the ring (index = code). */
export const OUTCOMES: readonly Outcome[] = ["ok", "error", "fallback", "timeout"];
/** Bit in `flags`: the call was served from cache. */
export const FLAG_CACHE_HIT = 1;
/** Bit in `flags`: a shadow run (measured for comparison, result not returned). */
export const FLAG_SHADOW = 2;

/** Largest `at` Postgres' `timestamp` text input accepts from us: 9999-12-31T23:59:59.999Z. */
const MAX_AT_MS = 253_402_300_799_999;
/** Name used once `maxNames` distinct operation or variant names have been interned. */
export const OVERFLOW_NAME = "(other)";

/** Maps an outcome string to its code; anything unknown counts as an error (the conservative reading). */
export function outcomeCode(o: Outcome): number {
  return o === "ok" ? 0 : o === "error" ? 1 : o === "fallback" ? 2 : o === "timeout" ? 3 : 1;
}

/** A columnar copy of drained samples, in recording order. Ids index `operations` / `variants`. */
export interface SampleBatch {
  readonly length: number;
  readonly seq: Float64Array;
  readonly at: Float64Array;
  readonly durationMs: Float64Array;
  /** NaN = not measured (null). */
  readonly memoryBytes: Float64Array;
  /** Index into OUTCOMES. */
  readonly outcome: Uint8Array;
  /** FLAG_CACHE_HIT | FLAG_SHADOW. */
  readonly flags: Uint8Array;
  readonly keyHash: Int32Array;
  readonly operationId: Int32Array;
  readonly variantId: Int32Array;
  /** id → operation name (snapshot at drain time; covers every id in the batch). */
  readonly operations: readonly string[];
  /** id → variant name. */
  readonly variants: readonly string[];
}

/** One sample of a batch back as an object (tests, debugging; allocates). */
export function batchSample(b: SampleBatch, i: number): SampleInput & { seq: number } {
  const mem = b.memoryBytes[i]!;
  return {
    seq: b.seq[i]!,
    at: b.at[i]!,
    operation: b.operations[b.operationId[i]!]!,
    variant: b.variants[b.variantId[i]!]!,
    durationMs: b.durationMs[i]!,
    memoryBytes: Number.isNaN(mem) ? null : mem,
    outcome: OUTCOMES[b.outcome[i]!]!,
    cacheHit: (b.flags[i]! & FLAG_CACHE_HIT) !== 0,
    shadow: (b.flags[i]! & FLAG_SHADOW) !== 0,
    keyHash: b.keyHash[i]!,
  };
}

export interface SampleRecorderOptions {
  /** Ring capacity in samples (default 65,536 ≈ 3 MB). */
  capacity?: number;
  /** Per-(operation, variant) live ring size, or false for no live window (default 2,000). */
  liveWindow?: number | false;
  /** First sequence number (default 0). (instance, seq) is the table key: instance ids must be unique per process run. */
  seqStart?: number;
  /** Distinct operation (and, separately, variant) names kept before folding into OVERFLOW_NAME (default 10,000). */
  maxNames?: number;
}

export interface RecorderStats {
  capacity: number;
  /** Samples currently in the ring. */
  buffered: number;
  /** Samples accepted by record() since start. */
  recorded: number;
  /** Accepted samples overwritten before being drained (the ring was full). */
  dropped: number;
  /** record() calls refused: non-finite/out-of-range `at` or duration, or a malformed sample. */
  rejected: number;
  /** Samples handed to drain() callers (the flusher reports what reached the database). */
  drained: number;
}

/** Interns strings to small ints; the id → string table only grows, so old ids stay valid. */
class Interner {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private lastName: string | undefined = undefined;
  private lastId = -1;

  constructor(private readonly max: number) {}

  id(name: string): number {
    // Most callers record runs of the same operation: one string compare beats a Map lookup.
    if (name === this.lastName) return this.lastId;
    let id = this.ids.get(name);
    if (id === undefined) id = this.add(name);
    this.lastName = name;
    this.lastId = id;
    return id;
  }

  private add(name: string): number {
    // Names come from code (operation registry, strategy combos); a cap keeps a buggy caller
    // that puts request data into names from growing memory without bound.
    // Overflowing names are not cached either, or the Map would grow without bound after all.
    const key = this.names.length >= this.max ? OVERFLOW_NAME : String(name);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(key);
      this.ids.set(key, id);
    }
    return id;
  }
}

/** Preallocated ring buffer of samples (struct of arrays); see the file comment. */
export class SampleRecorder implements SampleSink {
  readonly capacity: number;
  /** Per-(operation, variant) recent samples for guards and live charts (null when disabled). */
  readonly live: LiveWindow | null;

  private readonly seqs: Float64Array;
  private readonly ats: Float64Array;
  private readonly durations: Float64Array;
  private readonly memories: Float64Array;
  private readonly outcomes: Uint8Array;
  private readonly flagsArr: Uint8Array;
  private readonly keyHashes: Int32Array;
  private readonly opIds: Int32Array;
  private readonly variantIds: Int32Array;
  private readonly ops: Interner;
  private readonly variants: Interner;
  /** Live rings cached by [operationId][variantId]: array indexing instead of string hashing. */
  private readonly liveRings: (LiveRing | null)[][] = [];

  private write = 0;
  private size = 0;
  private nextSeq: number;
  private recordedCount = 0;
  private droppedCount = 0;
  private rejectedCount = 0;
  private drainedCount = 0;

  constructor(options: SampleRecorderOptions = {}) {
    const capacity = options.capacity ?? 65_536;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.seqs = new Float64Array(capacity);
    this.ats = new Float64Array(capacity);
    this.durations = new Float64Array(capacity);
    this.memories = new Float64Array(capacity);
    this.outcomes = new Uint8Array(capacity);
    this.flagsArr = new Uint8Array(capacity);
    this.keyHashes = new Int32Array(capacity);
    this.opIds = new Int32Array(capacity);
    this.variantIds = new Int32Array(capacity);
    const maxNames = options.maxNames ?? 10_000;
    this.ops = new Interner(maxNames);
    this.variants = new Interner(maxNames);
    this.nextSeq = options.seqStart ?? 0;
    const liveSize = options.liveWindow ?? 2_000;
    this.live = liveSize === false ? null : new LiveWindow(liveSize);
  }

  /**
   * Appends one sample. O(1), never throws, never blocks; no allocation in steady state as long as
   * the call site passes samples of one object shape (the engine's single literal) — with mixed
   * shapes V8's megamorphic property loads box the double fields (measured: GCs in the unit test).
   */
  record(s: SampleInput): void {
    try {
      const at = s.at;
      const d = s.durationMs;
      // Reject values Postgres would refuse (a NaN timestamp would poison a whole COPY batch).
      if (!(at >= 0 && at <= MAX_AT_MS) || !(d >= 0 && d < Infinity)) {
        this.rejectedCount++;
        return;
      }
      const opId = this.ops.id(s.operation);
      const vId = this.variants.id(s.variant);
      const outcome = outcomeCode(s.outcome);
      const flags = (s.cacheHit ? FLAG_CACHE_HIT : 0) | (s.shadow ? FLAG_SHADOW : 0);
      const m = s.memoryBytes;
      const mem = m === null || m === undefined ? NaN : m;

      const i = this.write;
      this.seqs[i] = this.nextSeq++;
      this.ats[i] = at;
      this.durations[i] = d;
      this.memories[i] = mem;
      this.outcomes[i] = outcome;
      this.flagsArr[i] = flags;
      this.keyHashes[i] = s.keyHash | 0;
      this.opIds[i] = opId;
      this.variantIds[i] = vId;
      this.write = i + 1 === this.capacity ? 0 : i + 1;
      // Full: the slot just written held the oldest sample. Callers are never blocked; we count.
      if (this.size === this.capacity) this.droppedCount++;
      else this.size++;
      this.recordedCount++;

      if (this.live !== null) {
        this.liveRing(opId, vId)?.pushFrom(this.ats, this.durations, this.memories, this.outcomes, this.flagsArr, i);
      }
    } catch {
      this.rejectedCount++;
    }
  }

  private liveRing(opId: number, vId: number): LiveRing | null {
    let row = this.liveRings[opId];
    if (row === undefined) {
      row = [];
      this.liveRings[opId] = row;
    }
    let ring = row[vId];
    if (ring === undefined) {
      ring = this.live!.ring(this.ops.names[opId]!, this.variants.names[vId]!);
      row[vId] = ring;
    }
    return ring;
  }

  /** Samples waiting to be drained. */
  get peekCount(): number {
    return this.size;
  }

  /** Removes and returns up to `max` of the oldest samples, in recording order. */
  drain(max: number = this.size): SampleBatch {
    const n = max >= this.size ? this.size : max > 0 ? Math.floor(max) : 0; // NaN → 0
    const start = (this.write - this.size + this.capacity) % this.capacity;
    const first = Math.min(n, this.capacity - start);
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(src: T, dst: T): T => {
      dst.set(src.subarray(start, start + first), 0);
      if (first < n) dst.set(src.subarray(0, n - first), first);
      return dst;
    };
    const batch: SampleBatch = {
      length: n,
      seq: copy(this.seqs, new Float64Array(n)),
      at: copy(this.ats, new Float64Array(n)),
      durationMs: copy(this.durations, new Float64Array(n)),
      memoryBytes: copy(this.memories, new Float64Array(n)),
      outcome: copy(this.outcomes, new Uint8Array(n)),
      flags: copy(this.flagsArr, new Uint8Array(n)),
      keyHash: copy(this.keyHashes, new Int32Array(n)),
      operationId: copy(this.opIds, new Int32Array(n)),
      variantId: copy(this.variantIds, new Int32Array(n)),
      operations: this.ops.names.slice(),
      variants: this.variants.names.slice(),
    };
    this.size -= n;
    this.drainedCount += n;
    return batch;
  }

  /** Counters since start. */
  stats(): RecorderStats {
    return {
      capacity: this.capacity,
      buffered: this.size,
      recorded: this.recordedCount,
      dropped: this.droppedCount,
      rejected: this.rejectedCount,
      drained: this.drainedCount,
    };
  }

  /** Durations (ms, oldest first) of the live window for (operation, variant) with `at >= sinceMs`. */
  recentDurations(operation: string, variant: string, sinceMs: number): Float64Array {
    return this.live?.recentDurations(operation, variant, sinceMs) ?? new Float64Array(0);
  }

  /** perSecondAggregates over this recorder's live window. */
  perSecondAggregates(nowMs: number): SecondAggregate[] {
    return perSecondAggregates(this, nowMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Live window: the last N samples per (operation, variant), for guards and live charts.
// ---------------------------------------------------------------------------------------------

/** Recent samples of one (operation, variant), oldest first. */
export interface LiveSlice {
  length: number;
  at: Float64Array;
  durationMs: Float64Array;
  /** NaN = not measured. */
  memoryBytes: Float64Array;
  /** Index into OUTCOMES. */
  outcome: Uint8Array;
  flags: Uint8Array;
}

/**
 * A fixed-size ring of one (operation, variant)'s recent samples, plus exact counters of the
 * current and previous wall-clock second (the ring may hold fewer samples than a busy second had).
 */
export class LiveRing {
  readonly at: Float64Array;
  readonly durationMs: Float64Array;
  readonly memoryBytes: Float64Array;
  readonly outcome: Uint8Array;
  readonly flags: Uint8Array;
  private write = 0;
  private size = 0;
  // Two second-buckets as plain fields (no objects) so push() never allocates.
  private curSec = -Infinity;
  private curCount = 0;
  private curErrors = 0;
  private curFallbacks = 0;
  private curMemSum = 0;
  private curMemN = 0;
  private prevSec = -Infinity;
  private prevCount = 0;
  private prevErrors = 0;
  private prevFallbacks = 0;
  private prevMemSum = 0;
  private prevMemN = 0;

  constructor(
    readonly operation: string,
    readonly variant: string,
    readonly capacity: number,
  ) {
    this.at = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.memoryBytes = new Float64Array(capacity);
    this.outcome = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  /** Samples currently held (≤ capacity). */
  get length(): number {
    return this.size;
  }

  /** Appends one sample, overwriting the oldest when full. */
  push(at: number, durationMs: number, outcome: number, memoryBytes: number, flags: number): void {
    const i = this.write;
    this.at[i] = at;
    this.durationMs[i] = durationMs;
    this.memoryBytes[i] = memoryBytes;
    this.outcome[i] = outcome;
    this.flags[i] = flags;
    this.advance(i);
  }

  /**
   * Appends sample `j` of the given columns (the recorder's ring). Why not push(at, …): when V8
   * does not inline the call, double arguments are boxed as heap numbers — 2-3 allocations per
   * record (measured: 49 young-generation GCs per 3M records). Arrays and small ints are not boxed.
   */
  pushFrom(at: Float64Array, durationMs: Float64Array, memoryBytes: Float64Array, outcome: Uint8Array, flags: Uint8Array, j: number): void {
    const i = this.write;
    this.at[i] = at[j]!;
    this.durationMs[i] = durationMs[j]!;
    this.memoryBytes[i] = memoryBytes[j]!;
    this.outcome[i] = outcome[j]!;
    this.flags[i] = flags[j]!;
    this.advance(i);
  }

  private advance(i: number): void {
    this.write = i + 1 === this.capacity ? 0 : i + 1;
    if (this.size < this.capacity) this.size++;
    this.count(i);
  }

  /** Per-second counters of slot i (reads the slot rather than taking doubles as arguments; see pushFrom). */
  private count(i: number): void {
    const sec = Math.floor(this.at[i]! / 1000);
    const outcome = this.outcome[i]!;
    const mem = this.memoryBytes[i]!;
    if (sec > this.curSec) {
      if (sec === this.curSec + 1) {
        this.prevSec = this.curSec;
        this.prevCount = this.curCount;
        this.prevErrors = this.curErrors;
        this.prevFallbacks = this.curFallbacks;
        this.prevMemSum = this.curMemSum;
        this.prevMemN = this.curMemN;
      } else {
        this.prevSec = sec - 1;
        this.prevCount = this.prevErrors = this.prevFallbacks = this.prevMemSum = this.prevMemN = 0;
      }
      this.curSec = sec;
      this.curCount = this.curErrors = this.curFallbacks = this.curMemSum = this.curMemN = 0;
    }
    const memOk = mem === mem; // not NaN
    if (sec === this.curSec) {
      this.curCount++;
      if (outcome === 1) this.curErrors++;
      else if (outcome >= 2) this.curFallbacks++;
      if (memOk) {
        this.curMemSum += mem;
        this.curMemN++;
      }
    } else if (sec === this.prevSec) {
      // Calls end out of order by a few ms around a second boundary; still count them.
      this.prevCount++;
      if (outcome === 1) this.prevErrors++;
      else if (outcome >= 2) this.prevFallbacks++;
      if (memOk) {
        this.prevMemSum += mem;
        this.prevMemN++;
      }
    }
    // Older than the previous second: too late for the per-second stream (still in the ring).
  }

  /** Exact counters of wall-clock second `sec` (epoch seconds) if it is the current or previous one. */
  secondCounters(sec: number): { count: number; errors: number; fallbacks: number; memSum: number; memN: number } | null {
    if (sec === this.curSec) {
      return { count: this.curCount, errors: this.curErrors, fallbacks: this.curFallbacks, memSum: this.curMemSum, memN: this.curMemN };
    }
    if (sec === this.prevSec) {
      return { count: this.prevCount, errors: this.prevErrors, fallbacks: this.prevFallbacks, memSum: this.prevMemSum, memN: this.prevMemN };
    }
    return null;
  }

  /** Copies out the samples with sinceMs ≤ at < untilMs, oldest first (allocates; not for the hot path). */
  slice(sinceMs: number, untilMs = Infinity): LiveSlice {
    const start = (this.write - this.size + this.capacity) % this.capacity;
    let n = 0;
    for (let k = 0; k < this.size; k++) {
      const t = this.at[(start + k) % this.capacity]!;
      if (t >= sinceMs && t < untilMs) n++;
    }
    const out: LiveSlice = {
      length: n,
      at: new Float64Array(n),
      durationMs: new Float64Array(n),
      memoryBytes: new Float64Array(n),
      outcome: new Uint8Array(n),
      flags: new Uint8Array(n),
    };
    let j = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (start + k) % this.capacity;
      const t = this.at[i]!;
      if (!(t >= sinceMs && t < untilMs)) continue;
      out.at[j] = t;
      out.durationMs[j] = this.durationMs[i]!;
      out.memoryBytes[j] = this.memoryBytes[i]!;
      out.outcome[j] = this.outcome[i]!;
      out.flags[j] = this.flags[i]!;
      j++;
    }
    return out;
  }
}

/**
 * The last `perPair` samples of every (operation, variant), each in its own preallocated ring.
 * Shadow runs are included (flag FLAG_SHADOW): they are real runs of that variant.
 */
export class LiveWindow {
  private readonly byOperation = new Map<string, Map<string, LiveRing>>();
  private pairCount = 0;

  /**
   * @param perPair ring size per (operation, variant) (default 2,000 ≈ 50 KB each)
   * @param maxPairs pairs tracked before new ones are ignored (bounds memory; default 512)
   */
  constructor(
    readonly perPair = 2_000,
    readonly maxPairs = 512,
  ) {
    if (!Number.isInteger(perPair) || perPair < 1) throw new RangeError(`perPair must be a positive integer, got ${perPair}`);
  }

  /** The ring of (operation, variant), created on first use; null once maxPairs rings exist. */
  ring(operation: string, variant: string): LiveRing | null {
    let byVariant = this.byOperation.get(operation);
    let ring = byVariant?.get(variant);
    if (ring !== undefined) return ring;
    if (this.pairCount >= this.maxPairs) return null;
    if (byVariant === undefined) {
      byVariant = new Map();
      this.byOperation.set(operation, byVariant);
    }
    ring = new LiveRing(operation, variant, this.perPair);
    byVariant.set(variant, ring);
    this.pairCount++;
    return ring;
  }

  /** Adds one sample (standalone use; SampleRecorder feeds rings directly by interned ids). */
  record(s: SampleInput): void {
    const mem = s.memoryBytes ?? NaN;
    const flags = (s.cacheHit ? FLAG_CACHE_HIT : 0) | (s.shadow ? FLAG_SHADOW : 0);
    this.ring(s.operation, s.variant)?.push(s.at, s.durationMs, outcomeCode(s.outcome), mem, flags);
  }

  /** Every ring, in creation order. */
  *rings(): IterableIterator<LiveRing> {
    for (const byVariant of this.byOperation.values()) yield* byVariant.values();
  }

  /** Recent samples of (operation, variant) with `at >= sinceMs`, oldest first. */
  recent(operation: string, variant: string, sinceMs: number): LiveSlice {
    const ring = this.byOperation.get(operation)?.get(variant);
    if (ring) return ring.slice(sinceMs);
    return { length: 0, at: new Float64Array(0), durationMs: new Float64Array(0), memoryBytes: new Float64Array(0), outcome: new Uint8Array(0), flags: new Uint8Array(0) };
  }

  /** Durations (ms, oldest first) of (operation, variant) with `at >= sinceMs`. */
  recentDurations(operation: string, variant: string, sinceMs: number): Float64Array {
    return this.recent(operation, variant, sinceMs).durationMs;
  }
}

/** One (operation, variant)'s figures for one completed wall-clock second. */
export interface SecondAggregate {
  operation: string;
  variant: string;
  /** Start of the second, ms since epoch. */
  second: number;
  /** Exact counts (not limited by the live ring size). */
  count: number;
  errors: number;
  /** Outcome fallback or timeout. */
  fallbacks: number;
  /** Percentiles over the samples of that second still in the live ring (`latencySamples` of them). */
  p50Ms: number | null;
  p95Ms: number | null;
  latencySamples: number;
  /** Mean heap delta of the calls where memory was measured; null when none was. */
  memoryMeanBytes: number | null;
}

/**
 * Per (operation, variant) figures of the last completed second before `nowMs` — the dashboard's
 * live stream. Pairs without calls in that second are omitted. Percentiles: numpy 'linear'.
 */
export function perSecondAggregates(source: LiveWindow | SampleRecorder, nowMs: number): SecondAggregate[] {
  const live = source instanceof LiveWindow ? source : source.live;
  if (live === null) return [];
  const sec = Math.floor(nowMs / 1000) - 1;
  const from = sec * 1000;
  const out: SecondAggregate[] = [];
  for (const ring of live.rings()) {
    const c = ring.secondCounters(sec);
    if (c === null || c.count === 0) continue;
    const d = ring.slice(from, from + 1000).durationMs.sort();
    out.push({
      operation: ring.operation,
      variant: ring.variant,
      second: from,
      count: c.count,
      errors: c.errors,
      fallbacks: c.fallbacks,
      p50Ms: d.length > 0 ? percentileSorted(d, 50) : null,
      p95Ms: d.length > 0 ? percentileSorted(d, 95) : null,
      latencySamples: d.length,
      memoryMeanBytes: c.memN > 0 ? c.memSum / c.memN : null,
    });
  }
  return out;
}
