import "server-only";
import type { NextRequest } from "next/server";
import type { Actor } from "../../optimizer/types";

/**
 * Who is making a request. Sign-in and roles are not built yet (see the access-control issue):
 * until then every request acts as the local `operator` and the audit log records its address.
 * Every mutating route calls this one function, so authorization lands in one place.
 */
export function actorOf(req: NextRequest): Actor {
  const origin = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "local";
  return { name: "local-operator", role: "operator", origin };
}
