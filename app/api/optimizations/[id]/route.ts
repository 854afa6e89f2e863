import { AppError } from "@/lib/errors";
import { route, json, parseBody, parseParam } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listOptimizations } from "@/lib/server/domains/optimizations/optimization-queries";
import { optimizationIdSchema, stateChangeSchema } from "@/lib/server/domains/optimizations/optimization-schemas";
import { listAnalyses } from "@/lib/server/domains/comparisons/live-analyses";

export const dynamic = "force-dynamic";

async function read(id: string) {
  const [operation] = id.split(":");
  const found = (await listOptimizations(getRuntime().pool, operation)).find((o) => o.id === id);
  if (!found) throw new AppError("not_found", `unknown optimization ${id}`);
  return found;
}

/**
 * One optimization with its state, the analysis of its current phase, and what the guard watches:
 * each rule's threshold and current value, visible before it acts (this instance's guard).
 */
export const GET = route<{ id: string }>({ access: "viewer" }, async (_req, ctx) => {
  const id = await parseParam(ctx, "id", optimizationIdSchema);
  const found = await read(id);
  const { engine, guard, pool } = getRuntime();
  const st = engine.state(id);
  const live = st && (st.state === "shadow" || st.state === "canary" || st.state === "on");
  const [analysis] = (await listAnalyses(pool, { optimizationId: id, limit: 1 })).items;
  return json({ ...found, analysis: analysis && st && analysis.phase === st.version ? analysis : null, guard: live ? guard.status(st) : null });
});

/** Changes state / percentage; applied on every instance within ~1 s (NOTIFY), audited. */
export const PATCH = route<{ id: string }>({ access: "operator" }, async (req, ctx, actor) => {
  const id = await parseParam(ctx, "id", optimizationIdSchema);
  const change = await parseBody(req, stateChangeSchema);
  await getRuntime().optimizationStore.setState(id, change, actor);
  return json(await read(id));
});
