import "server-only";
import type pg from "pg";
import type { AuditEventView } from "../../../api/optimization-types";

/** Read-side query of the audit log. */
export async function listAudit(pool: pg.Pool, q: { subjectId?: string; actor?: string; action?: string; limit: number }) {
  const r = await pool.query<AuditEventView>(
    `select id, at, actor, actor_role as "actorRole", action, subject_type as "subjectType", subject_id as "subjectId",
            before, after, reason, evidence, origin
       from audit_event
      where ($1::text is null or subject_id = $1) and ($2::text is null or actor = $2) and ($3::text is null or action = $3)
      order by at desc, id desc limit $4`,
    [q.subjectId ?? null, q.actor ?? null, q.action ?? null, q.limit],
  );
  return r.rows;
}
