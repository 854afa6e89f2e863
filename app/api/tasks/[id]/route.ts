import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";
import { taskIdSchema } from "@/lib/server/platform/queue/task-schemas";

export const dynamic = "force-dynamic";

/** A background task's state, progress and estimate. */
export const GET = route<{ id: string }>({ access: "viewer" }, async (_req, ctx, actor) => {
  const task = await getRuntime().tasks.get(await parseParam(ctx, "id", taskIdSchema));
  return json({ ...task, error: internalErrorFor(actor, task.error) });
});
