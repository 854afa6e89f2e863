import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";
import { silenceIdSchema } from "@/lib/server/domains/alerts/alert-schemas";

export const dynamic = "force-dynamic";

/** Ends a silence now (matching firing alerts notify at the next evaluation). Audited. */
export const DELETE = route<{ id: string }>({ access: "operator" }, async (_req, ctx, actor) => {
  const id = await parseParam(ctx, "id", silenceIdSchema);
  const s = await getMonitoring().alerts.unsilence(id, actor);
  return json({ deleted: s.id });
});
