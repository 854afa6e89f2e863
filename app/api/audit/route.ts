import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listAudit } from "@/lib/server/domains/audit/audit-queries";
import { auditQuerySchema } from "@/lib/server/domains/audit/audit-schemas";

export const dynamic = "force-dynamic";

/** The audit log: every state change and automatic action, newest first, filterable, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listAudit(getRuntime().pool, parseQuery(req, auditQuerySchema));
  return json({ events: page.items, nextCursor: page.nextCursor });
});
