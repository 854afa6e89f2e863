import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { toAlertPayload } from "@/lib/server/domains/alerts/alert-events";
import { listAlerts } from "@/lib/server/domains/alerts/alert-queries";
import { alertListQuerySchema } from "@/lib/server/domains/alerts/alert-schemas";

export const dynamic = "force-dynamic";

/** Alerts and their history, newest first, paged: `?state=open|pending|firing|resolved&operation=&rule=&before=&limit=&cursor=`. */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listAlerts(getRuntime().pool, parseQuery(req, alertListQuerySchema));
  return json({ alerts: page.items.map((a) => toAlertPayload(a)), nextCursor: page.nextCursor });
});
