import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema, safeText } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { identityCalibration, listAnalyses } from "@/lib/server/domains/comparisons/live-analyses";
import { LIVE_ANALYSIS_METHOD } from "@/lib/optimizer/analysis/live-analysis";
import { optimizationIdSchema } from "@/lib/server/domains/optimizations/optimization-schemas";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  operation: safeText({ max: 100 }).optional(),
  optimization: optimizationIdSchema.optional(),
  limit: limitSchema(500, 50),
});

/**
 * Live analyses, one per optimization per phase (newest phase first): the verdict with its
 * always-valid interval of the duration ratio (optimized / baseline), n per side, the method; and
 * the measured false-verdict rate of A/A (identity) phases, to read them against.
 */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, querySchema);
  const { pool } = getRuntime();
  const [analyses, aa] = await Promise.all([
    listAnalyses(pool, { operation: q.operation, optimizationId: q.optimization, limit: q.limit }),
    identityCalibration(pool),
  ]);
  return json({ method: LIVE_ANALYSIS_METHOD, identityCalibration: aa, analyses });
});
