import { z } from "zod";
import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";

export const dynamic = "force-dynamic";

/** Ends a silence now (matching firing alerts notify at the next evaluation). Audited. */
export const DELETE = route<{ id: string }>({ access: "operator" }, async (_req, ctx, actor) => {
  const id = await parseParam(ctx, "id", z.uuid("not a silence id"));
  const s = await getMonitoring().alerts.unsilence(id, actor);
  return json({ deleted: s.id });
});
