/**
 * Alerts and silences in Postgres (tables `alert`, `silence`), audited in `audit_event`.
 */
import type pg from "pg";
import type { AlertStore, AlertTx } from "../../../optimizer/alerts/store";
import type { Alert, AlertFilter, AlertState, IncidentEvidence, Silence } from "../../../optimizer/alerts/types";
import type { FindingEvidence, Severity } from "../../../optimizer/monitor/types";
import { writeAudit } from "../audit/write-audit";
import { withTransaction } from "../../platform/db/transaction";

/** A row of `alert` (`select *`). */
export interface AlertRow {
  id: string;
  fingerprint: string;
  operation: string;
  variant: string;
  rule: string;
  severity: Severity;
  state: AlertState;
  summary: string;
  // reopenCount has no column of its own: it travels inside the evidence document.
  evidence: (FindingEvidence | IncidentEvidence) & { reopenCount?: number };
  started_at: Date;
  firing_at: Date | null;
  last_seen_at: Date;
  cleared_at: Date | null;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  ack_note: string | null;
  ack_expires_at: Date | null;
  notified_at: Date | null;
}

/** A row of `silence` (`select *`). */
export interface SilenceRow {
  id: string;
  operation: string | null;
  rule: string | null;
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  comment: string | null;
  created_at: Date;
}

const ms = (d: Date | null) => (d === null ? null : d.getTime());
const date = (t: number | null) => (t === null ? null : new Date(t));

export function toAlert(r: AlertRow): Alert {
  const { reopenCount, ...evidence } = r.evidence;
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    operation: r.operation,
    variant: r.variant,
    rule: r.rule,
    severity: r.severity,
    state: r.state,
    summary: r.summary,
    evidence,
    startedAt: r.started_at.getTime(),
    firingAt: ms(r.firing_at),
    lastSeenAt: r.last_seen_at.getTime(),
    clearedAt: ms(r.cleared_at),
    resolvedAt: ms(r.resolved_at),
    acknowledgedAt: ms(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    ackNote: r.ack_note,
    ackExpiresAt: ms(r.ack_expires_at),
    notifiedAt: ms(r.notified_at),
    reopenCount: reopenCount ?? 0,
  };
}

export function toSilence(r: SilenceRow): Silence {
  return {
    id: r.id,
    operation: r.operation,
    rule: r.rule,
    startsAt: r.starts_at.getTime(),
    endsAt: r.ends_at.getTime(),
    createdBy: r.created_by,
    comment: r.comment,
    createdAt: r.created_at.getTime(),
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
      const r = await client.query<AlertRow>(
        `(select * from alert where state in ('pending', 'firing'))
         union all
         (select distinct on (fingerprint) * from alert where state = 'resolved' and resolved_at >= $1 order by fingerprint, resolved_at desc)`,
        [new Date(resolvedSince)],
      );
      return r.rows.map(toAlert);
    },
    async get(id) {
      const r = await client.query<AlertRow>("select * from alert where id = $1", [id]);
      return r.rows[0] ? toAlert(r.rows[0]) : null;
    },
    async save(alerts) {
      for (const a of alerts) {
        await client.query(UPSERT, [
          a.id,
          a.fingerprint,
          a.operation,
          a.variant,
          a.rule,
          a.severity,
          a.state,
          a.summary,
          JSON.stringify({ ...a.evidence, reopenCount: a.reopenCount }),
          date(a.startedAt),
          date(a.firingAt),
          date(a.lastSeenAt),
          date(a.clearedAt),
          date(a.resolvedAt),
          date(a.acknowledgedAt),
          a.acknowledgedBy,
          a.ackNote,
          date(a.ackExpiresAt),
          date(a.notifiedAt),
        ]);
      }
    },
    async remove(ids) {
      if (ids.length > 0) await client.query("delete from alert where id = any($1::text[])", [ids]);
    },
    async activeSilences(now) {
      const r = await client.query<SilenceRow>("select * from silence where starts_at <= $1 and ends_at > $1", [new Date(now)]);
      return r.rows.map(toSilence);
    },
    async getSilence(id) {
      const r = await client.query<SilenceRow>("select * from silence where id = $1", [id]);
      return r.rows[0] ? toSilence(r.rows[0]) : null;
    },
    async addSilence(s) {
      await client.query("insert into silence (id, operation, rule, starts_at, ends_at, created_by, comment, created_at) values ($1,$2,$3,$4,$5,$6,$7,$8)", [
        s.id,
        s.operation,
        s.rule,
        new Date(s.startsAt),
        new Date(s.endsAt),
        s.createdBy,
        s.comment,
        new Date(s.createdAt),
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
      const r = await pool.query<AlertRow>(
        `select * from alert ${where.length ? `where ${where.join(" and ")}` : ""} order by started_at desc, id desc limit ${arg(f.limit ?? 200)}`,
        args,
      );
      return r.rows.map(toAlert);
    },

    async listSilences({ now, includeExpired }) {
      const r = await pool.query<SilenceRow>(
        `select * from silence ${includeExpired ? "" : "where ends_at > $1"} order by starts_at desc limit 500`,
        includeExpired ? [] : [new Date(now)],
      );
      return r.rows.map(toSilence);
    },
  };
}
