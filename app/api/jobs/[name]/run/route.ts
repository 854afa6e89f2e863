import { AppError } from "@/lib/errors";
import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { jobNameSchema } from "@/lib/server/domains/market/job-schemas";

export const dynamic = "force-dynamic";

/**
 * Runs a scheduled job's current slot now, with the scheduler's guards (never overlapping itself,
 * once per slot across instances): the way to call the clock, snapshot, analysis and news-crawl
 * operations on demand.
 */
export const POST = route<{ name: string }>({ access: "operator" }, async (_req, ctx) => {
  const name = await parseParam(ctx, "name", jobNameSchema);
  const rt = getRuntime();
  if (!rt.scheduler.running) throw new AppError("unavailable", "the scheduler is disabled on this instance");
  // Own properties only: `in` would also find `constructor`, `toString`… on Object.prototype.
  if (!Object.hasOwn(rt.scheduler.nextRuns(), name)) throw new AppError("not_found", `unknown job ${name}`);
  const result = await rt.scheduler.runNow(name);
  if (result.status === "skipped")
    throw new AppError("conflict", result.reason === "overlap" ? `${name} is running right now` : `this slot of ${name} already ran`);
  if (result.status === "error") throw new AppError("internal", `${name} failed; its recorded error is in GET /api/jobs`);
  return json(result);
});
