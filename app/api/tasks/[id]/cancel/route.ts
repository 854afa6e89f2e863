import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { taskIdSchema } from "@/lib/server/platform/queue/task-schemas";

export const dynamic = "force-dynamic";

/** Cancels a queued or running task (a running call finishes, but its result is discarded). */
export const POST = route<{ id: string }>({ access: "operator" }, async (_req, ctx) => {
  const id = await parseParam(ctx, "id", taskIdSchema);
  await getRuntime().tasks.cancel(id);
  return json(await getRuntime().tasks.get(id));
});
