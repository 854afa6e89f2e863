import { AppError } from "@/lib/errors";
import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";
import { taskIdSchema } from "@/lib/server/platform/queue/task-schemas";

export const dynamic = "force-dynamic";

/** The result of a task (the original design's URL): 200 when done, 202 while it runs. */
export const GET = route<{ id: string }>({ access: "viewer" }, async (_req, ctx, actor) => {
  const id = await parseParam(ctx, "id", taskIdSchema);
  const t = await getRuntime().tasks.result(id);
  if (t.state === "completed") return json({ taskId: id, status: "completed", result: t.result });
  if (t.state === "failed") throw new AppError("conflict", `task failed: ${internalErrorFor(actor, t.error) ?? "unknown error"}`);
  if (t.state === "cancelled") throw new AppError("conflict", "task was cancelled");
  return json({ taskId: id, status: "processing" }, { status: 202 });
});
