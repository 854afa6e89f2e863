import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";
import { taskListQuerySchema } from "@/lib/server/platform/queue/task-schemas";

export const dynamic = "force-dynamic";

/** Background tasks, newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req, _ctx, actor) => {
  const page = await getRuntime().tasks.list(parseQuery(req, taskListQuerySchema));
  return json({ tasks: page.items.map((t) => ({ ...t, error: internalErrorFor(actor, t.error) })), nextCursor: page.nextCursor });
});
