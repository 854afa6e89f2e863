/**
 * The live window: the last N samples per (operation, variant), for guards and live charts.
 */
import { percentileSorted } from "./stats/quantile";
import { FLAG_CACHE_HIT, FLAG_SHADOW, outcomeCode } from "./sample-codes";
import type { SampleInput } from "./types";

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
    return {
      length: 0,
      at: new Float64Array(0),
      durationMs: new Float64Array(0),
      memoryBytes: new Float64Array(0),
      outcome: new Uint8Array(0),
      flags: new Uint8Array(0),
    };
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
 * live stream. Pairs without calls in that second are omitted. Percentiles: nearest-rank (PERCENTILE_DEFINITION).
 */
export function perSecondAggregates(source: LiveWindow | { readonly live: LiveWindow | null }, nowMs: number): SecondAggregate[] {
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
