import type pg from "pg";
import type { Actor } from "../../../optimizer/types";

/** Writes an audit event in the caller's transaction (one table for every mutation). */
export async function writeAudit(
  client: pg.PoolClient | pg.Pool,
  e: { actor: Actor; action: string; subjectType: string; subjectId: string; before?: unknown; after?: unknown; reason?: string | null; evidence?: unknown },
): Promise<void> {
  await client.query(
    `insert into audit_event (actor, actor_role, action, subject_type, subject_id, before, after, reason, evidence, origin)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.actor.name,
      e.actor.role,
      e.action,
      e.subjectType,
      e.subjectId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.reason ?? null,
      e.evidence === undefined ? null : JSON.stringify(e.evidence),
      e.actor.origin ?? null,
    ],
  );
}
