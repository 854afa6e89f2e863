/** Read-side queries of the alerts API: pages of alerts and of silences (the alert store's port has no paging). */
import "server-only";
import type pg from "pg";
import type { Alert, AlertState, Silence } from "../../../optimizer/alerts/types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { ALERT_PAGING, SILENCE_PAGING } from "./alert-schemas";
import { toAlert, toSilence, type AlertRow, type SilenceRow } from "./pg-alert-store";

/** One page of alerts, newest first (`state: "open"` = pending or firing). */
export async function listAlerts(
  pool: pg.Pool,
  q: { state?: AlertState | "open"; operation?: string; rule?: string; before?: number; limit: number; cursor?: KeyValues<typeof ALERT_PAGING.key> },
): Promise<Page<Alert>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const arg = (v: unknown) => `$${params.push(v)}`;
  if (q.state === "open") where.push("state in ('pending', 'firing')");
  else if (q.state) where.push(`state = ${arg(q.state)}`);
  if (q.operation) where.push(`operation = ${arg(q.operation)}`);
  if (q.rule) where.push(`rule = ${arg(q.rule)}`);
  if (q.before !== undefined) where.push(`started_at < ${arg(new Date(q.before))}`);
  where.push(afterCursor(ALERT_PAGING, ["started_at", "id"], q.cursor, params));
  const r = await pool.query<AlertRow>(`select * from alert where ${where.join(" and ")} order by started_at desc, id desc limit ${arg(q.limit + 1)}`, params);
  return pageOf(ALERT_PAGING, r.rows.map(toAlert), q.limit, (a) => [new Date(a.startedAt), a.id]);
}

/** One page of silences, newest first: those not ended at `now`, or every one with `includeExpired`. */
export async function listSilences(
  pool: pg.Pool,
  q: { now: number; includeExpired: boolean; limit: number; cursor?: KeyValues<typeof SILENCE_PAGING.key> },
): Promise<Page<Silence>> {
  const params: unknown[] = [q.includeExpired, new Date(q.now)];
  const after = afterCursor(SILENCE_PAGING, ["starts_at", "id"], q.cursor, params);
  const r = await pool.query<SilenceRow>(
    `select * from silence where ($1 or ends_at > $2) and ${after} order by starts_at desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(SILENCE_PAGING, r.rows.map(toSilence), q.limit, (s) => [new Date(s.startsAt), s.id]);
}
