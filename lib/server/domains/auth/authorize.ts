import crypto from "node:crypto";
import { isDatabaseUnavailable } from "../../platform/db/unavailable";
import { AppError } from "../../../errors";
import { accessCache, type ResolvedAccess } from "./access-cache";
import { resolveToken, touchTokenUse } from "./api-tokens";
import { assertPasswordChanged } from "./password-change";
import { clientIp } from "./client-ip";
import { authConfig, getAuth, trustedOrigins } from "./instance";
import { header, isAllowedOrigin, type HeaderSource } from "./origins";
import { hasRole, isRole, type Role } from "./roles";
import type { AuthActor } from "./types";

// No `import "server-only"`: server.ts reaches this module through the socket middleware.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function toHeaders(h: HeaderSource): Headers {
  if (h instanceof Headers) return h;
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  return out;
}

/** The session cookie's value (better-auth names it `perfpilot.session_token`, `__Secure-` over https). */
function sessionCookie(h: HeaderSource): string | null {
  const cookies = header(h, "cookie");
  if (!cookies) return null;
  const m = /(?:^|;\s*)(?:__Secure-)?perfpilot\.session_token=([^;]+)/.exec(cookies);
  return m?.[1] ?? null;
}

function cacheKey(kind: "s" | "t", credential: string): string {
  return `${kind}:${crypto.createHash("sha256").update(credential).digest("base64url")}`;
}

async function resolveSession(h: HeaderSource): Promise<ResolvedAccess | null> {
  const session = await getAuth().api.getSession({ headers: toHeaders(h) });
  if (!session) return null;
  const user = session.user;
  if (user.banned && !(user.banExpires && new Date(user.banExpires).getTime() < Date.now())) return null;
  if (!isRole(user.role)) throw new AppError("forbidden", "this account has no role; ask an admin to assign one");
  // Throws, so a session with a one-time password is never cached.
  assertPasswordChanged(user);
  return {
    actor: { name: user.email, role: user.role, via: "session", userId: user.id, email: user.email, tokenId: null },
    sessionId: session.session.id,
    expiresAt: new Date(session.session.expiresAt).getTime(),
  };
}

/**
 * Who sent these headers — a bearer API token (`Authorization: Bearer pp_…`) or a session
 * cookie — with the session's id and when the credential expires; null when neither is there
 * or valid. A request carrying a bearer token is judged by the token alone: a bad token is a
 * 401 even when a valid cookie rides along, so automation never acts as a person by accident.
 *
 * Resolved credentials are cached in-process (`accessCache`) and dropped at once when a
 * trigger announces that access changed, so the hot path asks the database only once per
 * credential and per 30 s. `read`: the request only reads, so while the database is unreachable
 * a credential resolved in the last 15 minutes still admits it (stale-if-error).
 */
export async function resolveAccess(h: HeaderSource, opts: { read?: boolean } = {}): Promise<(ResolvedAccess & { actor: AuthActor }) | null> {
  const origin = clientIp(h);
  const authorization = header(h, "authorization");
  let key: string;
  let resolve: () => Promise<ResolvedAccess | null>;
  if (authorization) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) throw new AppError("unauthorized", "invalid, expired or revoked API token");
    key = cacheKey("t", token);
    resolve = () => resolveToken(authConfig().pool, token);
  } else {
    const cookie = sessionCookie(h);
    if (!cookie) return null;
    key = cacheKey("s", cookie);
    resolve = () => resolveSession(h);
  }
  let access = accessCache.get(key);
  if (!access) {
    try {
      access = await resolve();
    } catch (err) {
      // A read during a database outage: a credential this process resolved recently still holds.
      const stale = opts.read && isDatabaseUnavailable(err) ? accessCache.getStale(key) : null;
      if (!stale) throw err;
      access = stale;
    }
    if (access) accessCache.set(key, access);
  }
  if (!access) {
    if (authorization) throw new AppError("unauthorized", "invalid, expired or revoked API token");
    return null;
  }
  if (access.actor.tokenId) touchTokenUse(authConfig().pool, access.actor.tokenId);
  return { ...access, actor: { ...access.actor, origin } };
}

/** The actor of these headers (see `resolveAccess`), or null. */
export async function resolveActor(h: HeaderSource): Promise<AuthActor | null> {
  return (await resolveAccess(h))?.actor ?? null;
}

/**
 * The one authorization check of every route and socket handler. Returns the actor, or throws
 * AppError `unauthorized` (401: no session or token) or `forbidden` (403: role below `minRole`,
 * or a cookie-authenticated write from a foreign origin — the CSRF check; token requests are
 * exempt because a browser never attaches them on its own).
 */
export async function authorize(req: { method: string; headers: HeaderSource }, minRole: Role): Promise<AuthActor> {
  const actor = (await resolveAccess(req.headers, { read: SAFE_METHODS.has(req.method.toUpperCase()) }))?.actor ?? null;
  if (!actor) throw new AppError("unauthorized", "sign in required");
  if (actor.via === "session" && !SAFE_METHODS.has(req.method.toUpperCase()) && !isAllowedOrigin(req.headers, trustedOrigins())) {
    throw new AppError("forbidden", "cross-site request refused: the Origin is not this app or a trusted origin");
  }
  if (!hasRole(actor.role, minRole)) throw new AppError("forbidden", `requires the ${minRole} role (you are ${actor.role})`);
  return actor;
}

/**
 * Whether a request may start work that outlives it (a queued task). A write already passed the
 * CSRF check and a token is never sent by a browser on its own; a cookie-authenticated GET may
 * have been triggered by another site (a link, an image), so it starts work only when the
 * browser says it came from this app or the address bar (`Sec-Fetch-Site: same-origin` / `none`).
 */
export function mayStartWork(req: { method: string; headers: HeaderSource }, actor: AuthActor): boolean {
  if (!SAFE_METHODS.has(req.method.toUpperCase()) || actor.via === "token") return true;
  const site = header(req.headers, "sec-fetch-site");
  return site === "same-origin" || site === "none";
}
