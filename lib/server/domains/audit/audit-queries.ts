import "server-only";
import type pg from "pg";
import type { AuditEventView } from "../../../api/optimization-types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { AUDIT_PAGING } from "./audit-schemas";

/** Read-side query of the audit log: one page, newest first. */
export async function listAudit(
  pool: pg.Pool,
  q: { subjectId?: string; actor?: string; action?: string; limit: number; cursor?: KeyValues<typeof AUDIT_PAGING.key> },
): Promise<Page<AuditEventView>> {
  const params: unknown[] = [q.subjectId ?? null, q.actor ?? null, q.action ?? null];
  const after = afterCursor(AUDIT_PAGING, ["at", "id"], q.cursor, params);
  const r = await pool.query<AuditEventView>(
    `select id, at, actor, actor_role as "actorRole", action, subject_type as "subjectType", subject_id as "subjectId",
            before, after, reason, evidence, origin
       from audit_event
      where ($1::text is null or subject_id = $1) and ($2::text is null or actor = $2) and ($3::text is null or action = $3) and ${after}
      order by at desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(AUDIT_PAGING, r.rows, q.limit, (e) => [e.at, e.id]);
}
