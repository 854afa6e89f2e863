import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema } from "@/lib/server/platform/http/params";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";

export const dynamic = "force-dynamic";

/** Background tasks, newest first. */
export const GET = route({ access: "viewer" }, async (req, _ctx, actor) => {
  const tasks = await getRuntime().tasks.list(parseQuery(req, z.object({ limit: limitSchema(500, 100) })).limit);
  return json({ tasks: tasks.map((t) => ({ ...t, error: internalErrorFor(actor, t.error) })) });
});
