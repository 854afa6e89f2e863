import "server-only";
import type { NextRequest } from "next/server";
import type { Actor } from "../../optimizer/types";
import type { AuthActor } from "../auth/types";
import { logger } from "../../log";

const log = logger.child({ component: "http" });

// Per-request memory of the actor `route({access})` resolved. A WeakMap keyed by the request
// object: nothing outlives the request, and nothing is cached across requests (a revoked token
// or ended session stops working on the very next request).
const ACTORS = Symbol.for("perfpilot.http.actors");
type Slot = { [ACTORS]?: WeakMap<object, AuthActor> };
function actors(): WeakMap<object, AuthActor> {
  return ((globalThis as Slot)[ACTORS] ??= new WeakMap());
}

/** Records the actor authorized for this request (called by `route()`). */
export function rememberActor(req: object, actor: AuthActor): void {
  actors().set(req, actor);
}

const warned = new Set<string>();

/**
 * Who is making a request: the actor `route({ access }, …)` authorized for it.
 *
 * @deprecated Use the `actor` argument of `route({ access }, (req, ctx, actor) => …)`.
 * Kept while routes migrate: a route still using the legacy `route(handler)` form has no
 * authorized actor and acts as the former local operator (logged once per path), which is
 * exactly what the route walker test (tests/integration/auth-routes.test.ts) flags.
 */
export function actorOf(req: NextRequest): Actor {
  const actor = actors().get(req);
  if (actor) return actor;
  const path = req.nextUrl.pathname;
  if (!warned.has(path)) {
    warned.add(path);
    log.warn({ path, method: req.method }, "route has no declared access: acting as local-operator until it is migrated to route({access})");
  }
  const origin = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "local";
  return { name: "local-operator", role: "operator", origin };
}
