import { route, json, parseBody, parseParam } from "@/lib/server/platform/http/route";
import { toAlertPayload } from "@/lib/server/domains/alerts/alert-events";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";
import { acknowledgeSchema, alertIdSchema } from "@/lib/server/domains/alerts/alert-schemas";

export const dynamic = "force-dynamic";

/** Acknowledges an open alert with a note; no toasts again until `expiresAt` (or until it resolves). Audited. */
export const POST = route<{ id: string }>({ access: "operator" }, async (req, ctx, actor) => {
  const id = await parseParam(ctx, "id", alertIdSchema);
  const body = await parseBody(req, acknowledgeSchema);
  const alert = await getMonitoring().alerts.acknowledge(id, { note: body.note, expiresAt: body.expiresAt ?? null }, actor);
  return json(toAlertPayload(alert));
});
