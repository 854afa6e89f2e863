import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { toAlertPayload } from "@/lib/server/domains/alerts/alert-events";
import { pgAlertStore } from "@/lib/server/domains/alerts/pg-alert-store";
import { alertListQuerySchema } from "@/lib/server/domains/alerts/alert-schemas";

export const dynamic = "force-dynamic";

/** Alerts and their history, newest first: `?state=open|pending|firing|resolved&operation=&rule=&before=&limit=`. */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, alertListQuerySchema);
  const alerts = await pgAlertStore(getRuntime().pool).list(q);
  return json({ alerts: alerts.map((a) => toAlertPayload(a)) });
});
