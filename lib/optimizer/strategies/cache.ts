import { LRUCache } from "lru-cache";
import type { Implementation, StrategyImplementation } from "../operation";

export interface CacheOptions<I> {
  /** Cache key of an input; for indicators: symbol + params + last bar date. */
  key: (input: I) => string;
  ttlMs: number;
  /** Bound on entries. */
  max: number;
  /**
   * Bound on the bytes the entries hold, as `sizeOf` estimates them: entries of one operation can
   * differ a hundredfold in size (a late-replay indicator series is ~0.6 MB), so a count alone
   * does not bound memory. A single value larger than this is returned but not kept.
   */
  maxBytes: number;
  /** Estimated bytes of a value (default `estimateBytes`). */
  sizeOf?: (value: unknown) => number;
  description?: string;
}

/**
 * Rough heap bytes of a JSON-like value, as V8 lays it out on 64-bit: 8 per number and
 * reference, strings at one or two bytes a character, plus a header per object and array. An
 * estimate for bounding caches (within a small factor), computed in one walk.
 */
export function estimateBytes(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") bytes += 16 + v.length * 2;
    else if (v === null || typeof v !== "object") bytes += 8;
    else if (ArrayBuffer.isView(v)) bytes += 64 + v.byteLength;
    else if (Array.isArray(v)) {
      bytes += 16 + v.length * 8;
      for (const x of v)
        if (x !== null && typeof x === "object") stack.push(x);
        else if (typeof x === "string") stack.push(x);
    } else {
      const entries = Object.values(v as Record<string, unknown>);
      bytes += 24 + entries.length * 16;
      for (const x of entries) if ((x !== null && typeof x === "object") || typeof x === "string") stack.push(x);
    }
  }
  return bytes;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Concurrent misses that waited for one in-flight computation instead of computing again. */
  coalesced: number;
  evictions: number;
  size: number;
  /** Estimated bytes held (see CacheOptions.maxBytes). */
  bytes: number;
}

export interface CacheStrategy<I, O> extends StrategyImplementation<I, O> {
  stats(): CacheStats;
  /** The cached result of an input, if any, without computing (used to answer at once). */
  peek(input: I): O | undefined;
  /** Drops entries whose key matches (all entries without a predicate), e.g. when new bars arrive. */
  invalidate(match?: (key: string) => boolean): number;
}

/**
 * The `cache` strategy (the original `@cache_technical_analysis(ttl=600)`): a TTL-, count- and
 * byte-bounded LRU (lru-cache) with in-flight de-duplication, so two concurrent misses of one key compute once.
 * Failed computations are not cached.
 */
// lru-cache stores any non-nullish value (its own bound is `V extends {}`).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function cacheStrategy<I, O extends {}>(opts: CacheOptions<I>): CacheStrategy<I, O> {
  const stats = { hits: 0, misses: 0, coalesced: 0, evictions: 0 };
  const sizeOf = opts.sizeOf ?? estimateBytes;
  const lru = new LRUCache<string, O>({
    max: opts.max,
    maxSize: opts.maxBytes,
    // lru-cache refuses sizes < 1; a value bigger than maxSize is simply not stored.
    sizeCalculation: (v) => Math.max(1, Math.ceil(sizeOf(v))),
    ttl: opts.ttlMs,
    dispose: (_v, _k, reason) => {
      if (reason === "evict") stats.evictions++;
    },
  });
  const inflight = new Map<string, Promise<O>>();
  return {
    strategy: "cache",
    replaces: false,
    description:
      opts.description ??
      `TTL ${Math.round(opts.ttlMs / 1000)} s, at most ${opts.max} entries and ${Math.round(opts.maxBytes / 1048576)} MB, in-flight de-duplication`,
    wrap(inner: Implementation<I, O>): Implementation<I, O> {
      return async (input, cx) => {
        const k = opts.key(input);
        const hit = lru.get(k);
        if (hit !== undefined) {
          stats.hits++;
          cx.cacheHit = true;
          return hit;
        }
        const pending = inflight.get(k);
        if (pending) {
          stats.coalesced++;
          cx.cacheHit = true;
          return pending;
        }
        stats.misses++;
        const p = inner(input, cx).then((value) => {
          lru.set(k, value);
          return value;
        });
        inflight.set(k, p);
        try {
          return await p;
        } finally {
          inflight.delete(k);
        }
      };
    },
    stats: () => ({ ...stats, size: lru.size, bytes: lru.calculatedSize }),
    peek: (input) => lru.get(opts.key(input)),
    invalidate(match) {
      let n = 0;
      for (const k of [...lru.keys()]) {
        if (!match || match(k)) {
          lru.delete(k);
          n++;
        }
      }
      return n;
    },
  };
}
