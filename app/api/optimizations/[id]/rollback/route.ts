import { route, json, parseBody, parseParam } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { optimizationIdSchema, rollbackSchema } from "@/lib/server/domains/optimizations/optimization-schemas";

export const dynamic = "force-dynamic";

/** One-click rollback to the baseline, with the reason recorded. */
export const POST = route<{ id: string }>({ access: "operator" }, async (req, ctx, actor) => {
  const id = await parseParam(ctx, "id", optimizationIdSchema);
  const { reason } = await parseBody(req, rollbackSchema);
  const after = await getRuntime().optimizationStore.setState(id, { state: "rolled_back", reason: reason ?? `manual rollback by ${actor.name}` }, actor);
  return json(after);
});
