/**
 * Feeds engine samples to the Prometheus histogram and counters without paying prom-client's
 * per-observation cost (200–380 ns: label hashing, bucket search) on the call path.
 *
 * Why a side buffer folded later, and not the alternatives:
 * - per call `histogram.observe()` would take most of the engine's ≤ 500 ns budget by itself;
 * - folding from the flusher's drained batches would tie metrics to Postgres: while the database
 *   is down the flusher keeps and retries batches, so the histogram would stall and then jump, and
 *   the flusher (another module's responsibility) would have to know about Prometheus.
 * Here `record()` appends (pair id, duration, outcome) to a preallocated ring — a few ns, no
 * allocation — and `fold()` moves the ring into prom-client on every scrape and every 5 s.
 */
import type { SampleInput, SampleSink } from "../../../optimizer/types";
import { outcomeCode } from "../../../optimizer/recorder";

const CACHE_HIT = 8;

/** The ring between the call path and the Prometheus metrics. */
export class PendingSamples {
  private readonly duration: Float64Array;
  private readonly pair: Int32Array;
  /** Low 2 bits: outcome code; bit 3: cache hit; bit 4: variant uses the cache strategy. */
  private readonly flags: Uint8Array;
  private write = 0;
  private size = 0;
  /** Samples lost because nothing folded the ring in time. */
  dropped = 0;
  /** pair id → [operation, variant, uses cache]. */
  readonly pairs: [string, string, boolean][] = [];
  private readonly ids = new Map<string, Map<string, number>>();
  private lastOperation = "";
  private lastVariant = "";
  private lastId = -1;

  constructor(readonly capacity = 1 << 16) {
    this.duration = new Float64Array(capacity);
    this.pair = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  private pairId(operation: string, variant: string): number {
    if (operation === this.lastOperation && variant === this.lastVariant) return this.lastId;
    let byVariant = this.ids.get(operation);
    if (!byVariant) this.ids.set(operation, (byVariant = new Map()));
    let id = byVariant.get(variant);
    if (id === undefined) {
      id = this.pairs.length;
      this.pairs.push([operation, variant, variant.split("+").includes("cache")]);
      byVariant.set(variant, id);
    }
    this.lastOperation = operation;
    this.lastVariant = variant;
    this.lastId = id;
    return id;
  }

  /** Appends one sample; when full the sample is counted as dropped (never blocks, never throws). */
  push(s: SampleInput): void {
    if (this.size === this.capacity) {
      this.dropped++;
      return;
    }
    const id = this.pairId(s.operation, s.variant);
    const i = (this.write + this.size) % this.capacity;
    this.duration[i] = s.durationMs;
    this.pair[i] = id;
    this.flags[i] = outcomeCode(s.outcome) | (s.cacheHit ? CACHE_HIT : 0);
    this.size++;
  }

  /** Empties the ring into `each` (oldest first). */
  drain(each: (pairId: number, durationMs: number, outcome: number, cacheHit: boolean) => void): number {
    const n = this.size;
    for (let k = 0; k < n; k++) {
      const i = (this.write + k) % this.capacity;
      const f = this.flags[i]!;
      each(this.pair[i]!, this.duration[i]!, f & 3, (f & CACHE_HIT) !== 0);
    }
    this.write = (this.write + n) % this.capacity;
    this.size -= n;
    return n;
  }
}

/** Wraps the engine's sink: forwards every sample to `inner` (the recorder) and to the metrics ring. */
export function meteredSink(inner: SampleSink, metrics: { pending: PendingSamples; startFolding(): void }): SampleSink {
  metrics.startFolding();
  const pending = metrics.pending;
  return {
    record(s) {
      inner.record(s);
      try {
        pending.push(s);
      } catch {
        // Metrics must never break a call.
      }
    },
  };
}
