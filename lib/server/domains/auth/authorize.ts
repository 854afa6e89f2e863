import { AppError } from "../../../errors";
import { actorForToken } from "./api-tokens";
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

/**
 * Who sent these headers: a bearer API token (`Authorization: Bearer pp_…`) or a session
 * cookie, else null. A request carrying a bearer token is judged by the token alone: a bad
 * token is a 401 even when a valid cookie rides along, so automation never acts as a person
 * by accident.
 */
export async function resolveActor(h: HeaderSource): Promise<AuthActor | null> {
  const origin = clientIp(h);
  const authorization = header(h, "authorization");
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const actor = m?.[1] ? await actorForToken(authConfig().pool, m[1], origin) : null;
    if (!actor) throw new AppError("unauthorized", "invalid, expired or revoked API token");
    return actor;
  }
  if (!header(h, "cookie")) return null;
  const session = await getAuth().api.getSession({ headers: toHeaders(h) });
  if (!session) return null;
  const user = session.user;
  if (user.banned && !(user.banExpires && new Date(user.banExpires).getTime() < Date.now())) return null;
  if (!isRole(user.role)) throw new AppError("forbidden", "this account has no role; ask an admin to assign one");
  return { name: user.email, role: user.role, origin, via: "session", userId: user.id, email: user.email, tokenId: null };
}

/**
 * The one authorization check of every route and socket handler. Returns the actor, or throws
 * AppError `unauthorized` (401: no session or token) or `forbidden` (403: role below `minRole`,
 * or a cookie-authenticated write from a foreign origin — the CSRF check; token requests are
 * exempt because a browser never attaches them on its own).
 */
export async function authorize(req: { method: string; headers: HeaderSource }, minRole: Role): Promise<AuthActor> {
  const actor = await resolveActor(req.headers);
  if (!actor) throw new AppError("unauthorized", "sign in required");
  if (actor.via === "session" && !SAFE_METHODS.has(req.method.toUpperCase()) && !isAllowedOrigin(req.headers, trustedOrigins())) {
    throw new AppError("forbidden", "cross-site request refused: the Origin is not this app or a trusted origin");
  }
  if (!hasRole(actor.role, minRole)) throw new AppError("forbidden", `requires the ${minRole} role (you are ${actor.role})`);
  return actor;
}
