import { AppError } from "@/lib/errors";
import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listOptimizations } from "@/lib/server/domains/optimizations/optimization-queries";
import { optimizationIdSchema, stateChangeSchema } from "@/lib/server/domains/optimizations/optimization-schemas";

export const dynamic = "force-dynamic";

async function read(id: string) {
  const [operation] = id.split(":");
  const found = (await listOptimizations(getRuntime().pool, operation)).find((o) => o.id === id);
  if (!found) throw new AppError("not_found", `unknown optimization ${id}`);
  return found;
}

/** One optimization with its state and latest comparison. */
export const GET = route<{ id: string }>({ access: "viewer" }, async (_req, ctx) => json(await read(optimizationIdSchema.parse(decodeURIComponent((await ctx.params).id)))));

/** Changes state / percentage; applied on every instance within ~1 s (NOTIFY), audited. */
export const PATCH = route<{ id: string }>({ access: "operator" }, async (req, ctx, actor) => {
  const id = optimizationIdSchema.parse(decodeURIComponent((await ctx.params).id));
  const change = await parseBody(req, stateChangeSchema);
  await getRuntime().optimizationStore.setState(id, change, actor);
  return json(await read(id));
});
