import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { rollupQuerySchema } from "@/lib/server/domains/rollups/rollup-schemas";
import { readRollups } from "@/lib/server/domains/rollups/rollups";
import { PERCENTILE_DEFINITION } from "@/lib/optimizer/stats/quantile";
import { MEMORY_PER_CALL_MEASURE } from "@/lib/optimizer/types";

export const dynamic = "force-dynamic";

/**
 * Per-minute rollups (count, errors, p50/p95/p99, memory) of an operation in a time range, with
 * the percentile definition the figures follow (`percentile`), so clients can state it.
 */
export const GET = route({ access: "viewer" }, async (req) => {
  const rows = await readRollups(getRuntime().pool, parseQuery(req, rollupQuerySchema));
  // The encoded histogram is for merging windows server-side; clients get the figures.
  // `memoryMeanBytes` is the mean, over the minute's measured calls, of `memoryMeasure`.
  return json({ percentile: PERCENTILE_DEFINITION, memoryMeasure: MEMORY_PER_CALL_MEASURE, rollups: rows.map(({ histogram: _, ...r }) => r) });
});
