import { LRUCache } from "lru-cache";
import { z } from "zod";
import { processSlot } from "../../platform/process-slot";
import type { AuthActor } from "./types";

/**
 * NOTIFY channel of access changes, raised by triggers on auth_session, auth_user and api_token
 * (migration 20261130100000_access_change_notify): a session ended, a user's role or ban
 * changed, a token was revoked or changed.
 */
export const ACCESS_CHANNEL = "perfpilot_access";

const accessChangeSchema = z.object({
  kind: z.enum(["session", "user", "token"]),
  id: z.string(),
  userId: z.string(),
});
/** What a notice on ACCESS_CHANNEL names. */
export type AccessChange = z.infer<typeof accessChangeSchema>;

/** The notice's payload, or null when it is not one we understand (then callers drop everything). */
export function parseAccessChange(payload: string): AccessChange | null {
  try {
    const parsed = accessChangeSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Who a credential belongs to, as resolved from the database, and until when it holds. */
export interface ResolvedAccess {
  /** The actor without the per-request origin. */
  actor: Omit<AuthActor, "origin">;
  /** The session's id (cookie credentials) or null (tokens). */
  sessionId: string | null;
  /** When the credential expires (ms since epoch), or null for never. */
  expiresAt: number | null;
}

/**
 * How long a resolved credential is reused without asking the database. Access changes reach
 * the cache at once through ACCESS_CHANNEL; this bound only matters if a notice were lost
 * while the listener is up, and the cache is off whenever the listener is down.
 */
export const ACCESS_CACHE_TTL_MS = 30_000;
const ACCESS_CACHE_MAX_ENTRIES = 10_000;
/**
 * How old a resolved credential may be and still let its holder read while the database is
 * unreachable (see `getStale`). Nothing can be revoked while the database is down.
 */
export const ACCESS_STALE_MAX_MS = 15 * 60_000;

/** A cached credential and when it was read from the database. */
interface CachedAccess extends ResolvedAccess {
  resolvedAt: number;
}

interface AccessCacheSlot {
  cache: LRUCache<string, CachedAccess>;
  /** True while this process LISTENs on ACCESS_CHANNEL; without it nothing is cached. */
  listening: boolean;
}

const SLOT = processSlot<AccessCacheSlot>("accessCache");

function slot(): AccessCacheSlot {
  return SLOT.getOrCreate(() => ({
    // Expired entries stay until evicted or cleared: `getStale` may still serve them.
    cache: new LRUCache<string, CachedAccess>({ max: ACCESS_CACHE_MAX_ENTRIES, ttl: ACCESS_CACHE_TTL_MS, noDeleteOnStaleGet: true }),
    listening: false,
  }));
}

/**
 * The in-process cache of resolved sessions and tokens (one per process, shared by the server
 * and Next's route modules), keyed by a digest of the credential. It serves only while the
 * access listener runs, so a revocation is never missed: when the listener connects or
 * reconnects the cache starts empty. While the listener is down the entries are kept, but only
 * `getStale` reads them — for reads that could not reach the database at all.
 */
export const accessCache = {
  get(key: string, now = Date.now()): ResolvedAccess | null {
    const s = slot();
    if (!s.listening) return null;
    const hit = s.cache.get(key);
    if (!hit) return null;
    if (hit.expiresAt !== null && hit.expiresAt <= now) {
      s.cache.delete(key);
      return null;
    }
    return hit;
  },

  /**
   * A credential resolved at most ACCESS_STALE_MAX_MS ago and not expired, even past its TTL or
   * with the listener down: for read requests while the database is unreachable (stale-if-error),
   * so people keep seeing the dashboard and scrapers keep scraping through an outage.
   */
  getStale(key: string, now = Date.now()): ResolvedAccess | null {
    const hit = slot().cache.get(key, { allowStale: true });
    if (!hit || now - hit.resolvedAt > ACCESS_STALE_MAX_MS) return null;
    if (hit.expiresAt !== null && hit.expiresAt <= now) return null;
    return hit;
  },

  set(key: string, value: ResolvedAccess, now = Date.now()): void {
    const s = slot();
    if (!s.listening) return;
    const ttl = value.expiresAt === null ? ACCESS_CACHE_TTL_MS : Math.min(ACCESS_CACHE_TTL_MS, value.expiresAt - now);
    if (ttl > 0) s.cache.set(key, { ...value, resolvedAt: now }, { ttl });
  },

  /** Forgets every entry the change touches (a user change also touches that user's tokens). */
  invalidate(change: AccessChange): number {
    const { cache } = slot();
    let dropped = 0;
    for (const [key, v] of cache.entries()) {
      const hit =
        change.kind === "session" ? v.sessionId === change.id : change.kind === "token" ? v.actor.tokenId === change.id : v.actor.userId === change.id;
      if (hit) {
        cache.delete(key);
        dropped++;
      }
    }
    return dropped;
  },

  /**
   * Listener up: starts from an empty cache (a notice may have been missed). Listener down: no
   * more fresh hits; entries are kept for `getStale`. `forget`: drop them as well (shutdown).
   */
  setListening(listening: boolean, forget = listening): void {
    const s = slot();
    if (forget) s.cache.clear();
    s.listening = listening;
  },

  get size(): number {
    return slot().cache.size;
  },

  /** The cached keys (credential digests), for tests and diagnostics. */
  keys(): string[] {
    return [...slot().cache.keys()];
  },
};
