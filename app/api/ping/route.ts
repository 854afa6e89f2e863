import { route, json } from "@/lib/server/platform/http/route";
import { databaseStatus, processDatabaseWatch } from "@/lib/server/platform/db/database-watch";

export const dynamic = "force-dynamic";

/**
 * Liveness: the process answers HTTP, nothing more (no database query, no auth). Load balancers
 * use it to tell a hung instance from a busy one; `/api/health` is the readiness check of every
 * dependency. `npm run bench` also uses it as the ceiling of a route in this server, so it stays
 * cheap: `database` and `downSince` are the database watch's last verdict, read from memory (the
 * dashboard's outage banner reads them when a page loads during an outage); `unknown` before the
 * watch starts.
 */
export const GET = route({ access: "public" }, async () => {
  const s = processDatabaseWatch()?.state();
  return json({ status: "ok", ...(s ? databaseStatus(s) : { database: "unknown", downSince: null }) });
});
