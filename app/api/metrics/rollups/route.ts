import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { instantQuerySchema, safeText } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { readRollups } from "@/lib/server/domains/rollups/rollups";
import { PERCENTILE_DEFINITION } from "@/lib/optimizer/stats/quantile";
import { MEMORY_PER_CALL_MEASURE } from "@/lib/optimizer/types";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  operation: safeText({ min: 3, max: 100 }),
  variant: safeText({ max: 100 }).optional(),
  from: instantQuerySchema.optional().transform((d) => d ?? new Date(Date.now() - 86_400_000)),
  to: instantQuerySchema.optional().transform((d) => d ?? new Date()),
});

/**
 * Per-minute rollups (count, errors, p50/p95/p99, memory) of an operation in a time range, with
 * the percentile definition the figures follow (`percentile`), so clients can state it.
 */
export const GET = route({ access: "viewer" }, async (req) => {
  const rows = await readRollups(getRuntime().pool, parseQuery(req, querySchema));
  // The encoded histogram is for merging windows server-side; clients get the figures.
  // `memoryMeanBytes` is the mean, over the minute's measured calls, of `memoryMeasure`.
  return json({ percentile: PERCENTILE_DEFINITION, memoryMeasure: MEMORY_PER_CALL_MEASURE, rollups: rows.map(({ histogram: _, ...r }) => r) });
});
