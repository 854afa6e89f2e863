/**
 * Alerts and silences in Postgres (tables `alert`, `silence`), audited in `audit_event`.
 */
import type pg from "pg";
import type { AlertStore, AlertTx } from "../../../optimizer/alerts/store";
import type { Alert, AlertFilter, Silence } from "../../../optimizer/alerts/types";
import type { FindingEvidence } from "../../../optimizer/monitor/types";
import { writeAudit } from "../optimizations/pg-optimization-store";
import { withTransaction } from "../../platform/db/transaction";

type Row = Record<string, unknown>;
const ms = (v: unknown) => (v instanceof Date ? v.getTime() : null);
const date = (t: number | null) => (t === null ? null : new Date(t));

function toAlert(r: Row): Alert {
  // reopenCount has no column of its own: it travels inside the evidence document.
  const { reopenCount, ...evidence } = (r.evidence ?? {}) as FindingEvidence & { reopenCount?: number };
  return {
    id: r.id as string,
    fingerprint: r.fingerprint as string,
    operation: r.operation as string,
    variant: r.variant as string,
    rule: r.rule as string,
    severity: r.severity as Alert["severity"],
    state: r.state as Alert["state"],
    summary: r.summary as string,
    evidence: evidence as FindingEvidence,
    startedAt: ms(r.started_at)!,
    firingAt: ms(r.firing_at),
    lastSeenAt: ms(r.last_seen_at)!,
    clearedAt: ms(r.cleared_at),
    resolvedAt: ms(r.resolved_at),
    acknowledgedAt: ms(r.acknowledged_at),
    acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
    ackNote: (r.ack_note as string | null) ?? null,
    ackExpiresAt: ms(r.ack_expires_at),
    notifiedAt: ms(r.notified_at),
    reopenCount: reopenCount ?? 0,
  };
}

function toSilence(r: Row): Silence {
  return {
    id: r.id as string,
    operation: (r.operation as string | null) ?? null,
    rule: (r.rule as string | null) ?? null,
    startsAt: ms(r.starts_at)!,
    endsAt: ms(r.ends_at)!,
    createdBy: r.created_by as string,
    comment: (r.comment as string | null) ?? null,
    createdAt: ms(r.created_at)!,
  };
}

const UPSERT = `insert into alert (id, fingerprint, operation, variant, rule, severity, state, summary, evidence, started_at, firing_at,
    last_seen_at, cleared_at, resolved_at, acknowledged_at, acknowledged_by, ack_note, ack_expires_at, notified_at)
  values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
  on conflict (id) do update set severity = excluded.severity, state = excluded.state, summary = excluded.summary,
    evidence = excluded.evidence, started_at = excluded.started_at, firing_at = excluded.firing_at, last_seen_at = excluded.last_seen_at,
    cleared_at = excluded.cleared_at, resolved_at = excluded.resolved_at, acknowledged_at = excluded.acknowledged_at,
    acknowledged_by = excluded.acknowledged_by, ack_note = excluded.ack_note, ack_expires_at = excluded.ack_expires_at,
    notified_at = excluded.notified_at`;

function txOf(client: pg.PoolClient): AlertTx {
  return {
    async known(resolvedSince) {
      const r = await client.query(
        `(select * from alert where state in ('pending', 'firing'))
         union all
         (select distinct on (fingerprint) * from alert where state = 'resolved' and resolved_at >= $1 order by fingerprint, resolved_at desc)`,
        [new Date(resolvedSince)],
      );
      return r.rows.map(toAlert);
    },
    async get(id) {
      const r = await client.query("select * from alert where id = $1", [id]);
      return r.rows[0] ? toAlert(r.rows[0]) : null;
    },
    async save(alerts) {
      for (const a of alerts) {
        await client.query(UPSERT, [
          a.id, a.fingerprint, a.operation, a.variant, a.rule, a.severity, a.state, a.summary,
          JSON.stringify({ ...a.evidence, reopenCount: a.reopenCount }),
          date(a.startedAt), date(a.firingAt), date(a.lastSeenAt), date(a.clearedAt), date(a.resolvedAt),
          date(a.acknowledgedAt), a.acknowledgedBy, a.ackNote, date(a.ackExpiresAt), date(a.notifiedAt),
        ]);
      }
    },
    async remove(ids) {
      if (ids.length > 0) await client.query("delete from alert where id = any($1::text[])", [ids]);
    },
    async activeSilences(now) {
      const r = await client.query("select * from silence where starts_at <= $1 and ends_at > $1", [new Date(now)]);
      return r.rows.map(toSilence);
    },
    async getSilence(id) {
      const r = await client.query("select * from silence where id = $1", [id]);
      return r.rows[0] ? toSilence(r.rows[0]) : null;
    },
    async addSilence(s) {
      await client.query("insert into silence (id, operation, rule, starts_at, ends_at, created_by, comment, created_at) values ($1,$2,$3,$4,$5,$6,$7,$8)", [
        s.id, s.operation, s.rule, new Date(s.startsAt), new Date(s.endsAt), s.createdBy, s.comment, new Date(s.createdAt),
      ]);
    },
    async removeSilence(id) {
      await client.query("delete from silence where id = $1", [id]);
    },
    async audit(e) {
      await writeAudit(client, e);
    },
  };
}

/**
 * The Postgres alert store. Every transaction takes one advisory lock: the monitor job (every
 * minute, on one instance) and API calls on any instance read-modify-write the same alerts; the
 * lock serializes them so an acknowledgement is never overwritten by a concurrent evaluation.
 */
export function pgAlertStore(pool: pg.Pool): AlertStore {
  return {
    transaction(fn) {
      return withTransaction(pool, async (client) => {
        await client.query("select pg_advisory_xact_lock(hashtext('perfpilot:alerts'))");
        return fn(txOf(client));
      });
    },

    async list(f: AlertFilter) {
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (v: unknown) => `$${args.push(v)}`;
      if (f.state === "open") where.push("state in ('pending', 'firing')");
      else if (f.state) where.push(`state = ${arg(f.state)}`);
      if (f.operation) where.push(`operation = ${arg(f.operation)}`);
      if (f.rule) where.push(`rule = ${arg(f.rule)}`);
      if (f.before !== undefined) where.push(`started_at < ${arg(new Date(f.before))}`);
      const r = await pool.query(
        `select * from alert ${where.length ? `where ${where.join(" and ")}` : ""} order by started_at desc, id desc limit ${arg(f.limit ?? 200)}`,
        args,
      );
      return r.rows.map(toAlert);
    },

    async listSilences({ now, includeExpired }) {
      const r = await pool.query(`select * from silence ${includeExpired ? "" : "where ends_at > $1"} order by starts_at desc limit 500`, includeExpired ? [] : [new Date(now)]);
      return r.rows.map(toSilence);
    },
  };
}
