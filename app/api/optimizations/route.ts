import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listOptimizations } from "@/lib/server/domains/optimizations/optimization-queries";
import { optimizationListQuerySchema } from "@/lib/server/domains/optimizations/optimization-schemas";

export const dynamic = "force-dynamic";

/** Optimizations with their state and latest comparison, optionally of one operation. */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, optimizationListQuerySchema);
  return json({ optimizations: await listOptimizations(getRuntime().pool, q.operation) });
});
