/** The query and response of the audit log API (`GET /api/audit`). */
import { z } from "zod";
import { safeText } from "../../platform/http/params";
import { nextCursorField, pageQuery, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";

/** Newest first, by (at, id). */
export const AUDIT_PAGING = paging({ list: "audit", key: ["time", "int"], order: "desc", defaultLimit: 200, maxLimit: 1000 });

export const auditQuerySchema = z
  .object({
    subjectId: safeText({ max: 200 }).optional(),
    actor: safeText({ max: 200 }).optional(),
    action: safeText({ max: 100 }).optional(),
    ...pageQuery(AUDIT_PAGING),
  })
  .meta({ description: "Filters (exact match) and the page, newest first." });

/** One audit event (lib/api/optimization-types.ts `AuditEventView`, as the wire carries it). */
export const auditEventSchema = z
  .strictObject({
    id: z.number().int(),
    at: instantWire,
    actor: z.string(),
    actorRole: z.string(),
    action: z.string().meta({ description: "e.g. `optimization.state`, `user.create`, `token.revoke`." }),
    subjectType: z.string(),
    subjectId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
    evidence: z.unknown(),
    origin: z.string().nullable().meta({ description: "The client address the change came from." }),
  })
  .meta({ id: "AuditEvent" });

export const auditListSchema = z.strictObject({ events: z.array(auditEventSchema), ...nextCursorField });
