import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { identityCalibration, listAnalyses } from "@/lib/server/domains/comparisons/live-analyses";
import { LIVE_ANALYSIS_METHOD } from "@/lib/optimizer/analysis/live-analysis";
import { analysesQuerySchema } from "@/lib/server/domains/comparisons/comparison-schemas";

export const dynamic = "force-dynamic";

/**
 * Live analyses, one per optimization per phase (newest phase first): the verdict with its
 * always-valid interval of the duration ratio (optimized / baseline), n per side, the method; and
 * the measured false-verdict rate of A/A (identity) phases, to read them against. Paged
 * (`limit`, `cursor`); the calibration covers every phase, whatever the page.
 */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, analysesQuerySchema);
  const { pool } = getRuntime();
  const [page, aa] = await Promise.all([
    listAnalyses(pool, { operation: q.operation, optimizationId: q.optimization, limit: q.limit, cursor: q.cursor }),
    identityCalibration(pool),
  ]);
  return json({ method: LIVE_ANALYSIS_METHOD, identityCalibration: aa, analyses: page.items, nextCursor: page.nextCursor });
});
