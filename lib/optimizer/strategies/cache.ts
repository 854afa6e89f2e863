import { LRUCache } from "lru-cache";
import type { Implementation, StrategyImplementation } from "../operation";

export interface CacheOptions<I> {
  /** Cache key of an input; for indicators: symbol + params + last bar date. */
  key: (input: I) => string;
  ttlMs: number;
  /** Size bound (entries). */
  max: number;
  description?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Concurrent misses that waited for one in-flight computation instead of computing again. */
  coalesced: number;
  evictions: number;
  size: number;
}

export interface CacheStrategy<I, O> extends StrategyImplementation<I, O> {
  stats(): CacheStats;
  /** The cached result of an input, if any, without computing (used to answer at once). */
  peek(input: I): O | undefined;
  /** Drops entries whose key matches (all entries without a predicate), e.g. when new bars arrive. */
  invalidate(match?: (key: string) => boolean): number;
}

/**
 * The `cache` strategy (the original `@cache_technical_analysis(ttl=600)`): a TTL + size-bounded
 * LRU (lru-cache) with in-flight de-duplication, so two concurrent misses of one key compute once.
 * Failed computations are not cached.
 */
// lru-cache stores any non-nullish value (its own bound is `V extends {}`).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function cacheStrategy<I, O extends {}>(opts: CacheOptions<I>): CacheStrategy<I, O> {
  const stats = { hits: 0, misses: 0, coalesced: 0, evictions: 0 };
  const lru = new LRUCache<string, O>({
    max: opts.max,
    ttl: opts.ttlMs,
    dispose: (_v, _k, reason) => {
      if (reason === "evict") stats.evictions++;
    },
  });
  const inflight = new Map<string, Promise<O>>();
  return {
    strategy: "cache",
    replaces: false,
    description: opts.description ?? `TTL ${Math.round(opts.ttlMs / 1000)} s, at most ${opts.max} entries, in-flight de-duplication`,
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
    stats: () => ({ ...stats, size: lru.size }),
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
