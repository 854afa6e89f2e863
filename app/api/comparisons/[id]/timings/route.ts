import { AppError } from "@/lib/errors";
import { route, json, parseQuery, parseParam } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { comparisonTimings } from "@/lib/server/domains/comparisons/comparisons";
import { comparisonIdSchema, timingsQuerySchema } from "@/lib/server/domains/comparisons/comparison-schemas";

export const dynamic = "force-dynamic";

/**
 * A benchmark's per-call timings (ms, in run order), to recompute its verdict: JSON with the
 * stored verdict, interval and method, or CSV (`run,variant,duration_ms`).
 */
export const GET = route<{ id: string }>({ access: "viewer" }, async (req, ctx) => {
  const id = await parseParam(ctx, "id", comparisonIdSchema);
  const { format } = parseQuery(req, timingsQuerySchema);
  const c = await comparisonTimings(getRuntime().pool, id);
  if (!c) throw new AppError("not_found", `unknown comparison ${id}`);
  if (!c.timings) throw new AppError("not_found", `comparison ${id} has no stored per-call timings (only benchmarks do)`);
  const name = `comparison-${c.id}`;
  if (format === "csv") {
    const lines = ["run,variant,duration_ms"];
    c.timings.baseline.forEach((d, i) => lines.push(`${i},baseline,${d}`));
    c.timings.optimized.forEach((d, i) => lines.push(`${i},${c.variant},${d}`));
    return new Response(`${lines.join("\n")}\n`, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}.csv"`, "cache-control": "no-store" },
    });
  }
  return json(
    {
      id: c.id,
      operation: c.operation,
      variant: c.variant,
      verdict: c.verdict,
      improvementPct: c.improvement_pct,
      ci: c.ci_low_pct === null ? null : { low: c.ci_low_pct, high: c.ci_high_pct },
      method: c.method,
      timings: c.timings,
    },
    { headers: { "content-disposition": `attachment; filename="${name}.json"` } },
  );
});
