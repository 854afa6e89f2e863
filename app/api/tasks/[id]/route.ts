import { z } from "zod";
import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";

export const dynamic = "force-dynamic";

/** A background task's state, progress and estimate. */
export const GET = route<{ id: string }>({ access: "viewer" }, async (_req, ctx, actor) => {
  const task = await getRuntime().tasks.get(await parseParam(ctx, "id", z.uuid("not a task id")));
  return json({ ...task, error: internalErrorFor(actor, task.error) });
});
