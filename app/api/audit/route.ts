import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema, safeText } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listAudit } from "@/lib/server/domains/audit/audit-queries";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  subjectId: safeText({ max: 200 }).optional(),
  actor: safeText({ max: 200 }).optional(),
  action: safeText({ max: 100 }).optional(),
  limit: limitSchema(1000, 200),
});

/** The audit log: every state change and automatic action, newest first, filterable. */
export const GET = route({ access: "viewer" }, async (req) => json({ events: await listAudit(getRuntime().pool, parseQuery(req, querySchema)) }));
