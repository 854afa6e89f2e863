import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { safeText } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listOptimizations } from "@/lib/server/domains/optimizations/optimization-queries";

export const dynamic = "force-dynamic";

/** Optimizations with their state and latest comparison, optionally of one operation. */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, z.object({ operation: safeText({ max: 100 }).optional() }));
  return json({ optimizations: await listOptimizations(getRuntime().pool, q.operation) });
});
