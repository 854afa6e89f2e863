import { route, json, parseBody, parseParam } from "@/lib/server/platform/http/route";
import { toAlertPayload } from "@/lib/server/domains/alerts/alert-events";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";
import { alertIdSchema, resolveSchema } from "@/lib/server/domains/alerts/alert-schemas";

export const dynamic = "force-dynamic";

/** Resolves an open alert by hand (if the condition is still there it re-opens and notifies). Audited. */
export const POST = route<{ id: string }>({ access: "operator" }, async (req, ctx, actor) => {
  const id = await parseParam(ctx, "id", alertIdSchema);
  const { reason } = await parseBody(req, resolveSchema);
  return json(toAlertPayload(await getMonitoring().alerts.resolve(id, actor, reason)));
});
