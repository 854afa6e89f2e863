import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { signalQuerySchema } from "@/lib/server/domains/market/market-schemas";
import { listSignals } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** Stored trading signals, newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listSignals(getRuntime().pool, parseQuery(req, signalQuerySchema));
  return json({ signals: page.items, nextCursor: page.nextCursor });
});
