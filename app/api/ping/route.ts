import { route, json } from "@/lib/server/platform/http/route";

export const dynamic = "force-dynamic";

/**
 * Liveness: the process answers HTTP, nothing more (no database, no auth). Load balancers use it
 * to tell a hung instance from a busy one; `/api/health` is the readiness check of every
 * dependency. `npm run bench` also uses it as the ceiling of a route in this server.
 */
export const GET = route({ access: "public" }, async () => json({ status: "ok" }));
