import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { rollupQuerySchema } from "@/lib/server/domains/rollups/rollup-schemas";
import { listRollups } from "@/lib/server/domains/rollups/rollup-queries";
import { PERCENTILE_DEFINITION } from "@/lib/optimizer/stats/quantile";
import { MEMORY_PER_CALL_MEASURE } from "@/lib/optimizer/types";

export const dynamic = "force-dynamic";

/**
 * Per-minute rollups (count, errors, p50/p95/p99, memory) of an operation in a time range, oldest
 * first and paged (at most 10,000 rows per answer; `nextCursor` continues the range), with the
 * percentile definition the figures follow (`percentile`), so clients can state it.
 */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listRollups(getRuntime().pool, parseQuery(req, rollupQuerySchema));
  // `memoryMeanBytes` is the mean, over the minute's measured calls, of `memoryMeasure`.
  return json({ percentile: PERCENTILE_DEFINITION, memoryMeasure: MEMORY_PER_CALL_MEASURE, rollups: page.items, nextCursor: page.nextCursor });
});
