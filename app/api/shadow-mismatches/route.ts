import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listMismatches } from "@/lib/server/domains/optimizations/optimization-queries";
import { mismatchListQuerySchema } from "@/lib/server/domains/optimizations/optimization-schemas";

export const dynamic = "force-dynamic";

/** Shadow-mode mismatches (input key, readable diff, time), newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listMismatches(getRuntime().pool, parseQuery(req, mismatchListQuerySchema));
  return json({ mismatches: page.items, nextCursor: page.nextCursor });
});
