/**
 * The in-process sample recorder: every routed call appends one sample here, a flusher drains
 * batches to Postgres. Framework-free (no pg): the engine only sees `SampleSink`.
 *
 * Why a preallocated struct-of-arrays ring: `record()` sits on every routed call (budget ≤ 500 ns
 * including the engine's own work), so it must not allocate (no GC pressure proportional to
 * traffic), must not block (no awaiting the database) and must not throw into the caller.
 */
import { LiveRing, LiveWindow, perSecondAggregates, type SecondAggregate } from "./live-window";
import { FLAG_CACHE_HIT, FLAG_SHADOW, OUTCOMES, outcomeCode } from "./sample-codes";
import type { SampleInput, SampleSink } from "./types";

export { FLAG_CACHE_HIT, FLAG_SHADOW, OUTCOMES, outcomeCode } from "./sample-codes";
export { LiveRing, LiveWindow, perSecondAggregates, type LiveSlice, type SecondAggregate } from "./live-window";

/** Largest `at` Postgres' `timestamp` text input accepts from us: 9999-12-31T23:59:59.999Z. */
const MAX_AT_MS = 253_402_300_799_999;
/** Name used once `maxNames` distinct operation or variant names have been interned. */
export const OVERFLOW_NAME = "(other)";

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
