import { AppError } from "@/lib/errors";
import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listComparisons } from "@/lib/server/domains/comparisons/comparison-queries";
import { benchmarkRunSchema, comparisonListQuerySchema } from "@/lib/server/domains/comparisons/comparison-schemas";
import { benchmarkProblem } from "@/lib/optimizer/benchmark";

export const dynamic = "force-dynamic";

/** Comparisons (live and benchmark), newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listComparisons(getRuntime().pool, parseQuery(req, comparisonListQuerySchema));
  return json({ comparisons: page.items, nextCursor: page.nextCursor });
});

/** Runs an on-demand benchmark as a background task; answers at once with the task handle. */
export const POST = route({ access: "operator" }, async (req, _ctx, actor) => {
  const body = await parseBody(req, benchmarkRunSchema);
  const rt = getRuntime();
  // Refused here, at submit, rather than by the task after its retries: the engine knows the operations.
  const problem = benchmarkProblem(rt.engine.operation(body.operation), body.operation, body.strategies);
  if (problem) {
    const field = problem.code === "validation_failed" ? "strategies" : "operation";
    if (problem.code === "conflict") throw new AppError("conflict", problem.message);
    throw new AppError("validation_failed", problem.message, [{ path: field, message: problem.message }]);
  }
  const handle = await rt.tasks.submit("benchmark.run", body, actor.name);
  return json(handle, { status: 202 });
});
