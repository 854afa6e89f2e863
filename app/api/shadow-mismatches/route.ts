import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema, safeText } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listMismatches } from "@/lib/server/domains/optimizations/optimization-queries";

export const dynamic = "force-dynamic";

/** Shadow-mode mismatches (input key, readable diff, time), newest first. */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, z.object({ operation: safeText({ max: 100 }).optional(), limit: limitSchema(500, 100) }));
  return json({ mismatches: await listMismatches(getRuntime().pool, q) });
});
