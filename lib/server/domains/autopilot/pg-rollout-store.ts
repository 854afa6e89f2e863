/**
 * Autopilot rollouts in Postgres (table `autopilot_rollout`).
 */
import type pg from "pg";
import type { Rollout, RolloutDecision, RolloutState, RolloutStep, RolloutStore } from "../../../optimizer/autopilot/types";
import type { Strategy } from "../../../optimizer/types";
import { withTransaction } from "../../platform/db/transaction";

/** A row of `autopilot_rollout` (`select *`). */
export interface RolloutRow {
  id: string;
  operation: string;
  strategy: Strategy;
  rule: string;
  step: RolloutStep;
  state: RolloutState;
  started_at: Date;
  step_since: Date;
  finished_at: Date | null;
  last_decision: RolloutDecision | null;
}

export function toRollout(r: RolloutRow): Rollout {
  return {
    id: r.id,
    operation: r.operation,
    strategy: r.strategy,
    rule: r.rule,
    step: r.step,
    state: r.state,
    startedAt: r.started_at.getTime(),
    stepSince: r.step_since.getTime(),
    finishedAt: r.finished_at ? r.finished_at.getTime() : null,
    lastDecision: r.last_decision ?? null,
  };
}

/** The Postgres rollout store. */
export function pgRolloutStore(pool: pg.Pool): RolloutStore {
  return {
    async active() {
      return (await pool.query<RolloutRow>("select * from autopilot_rollout where state = 'active' order by started_at")).rows.map(toRollout);
    },
    async latest(operation, strategy) {
      const r = await pool.query<RolloutRow>("select * from autopilot_rollout where operation = $1 and strategy = $2 order by started_at desc limit 1", [
        operation,
        strategy,
      ]);
      return r.rows[0] ? toRollout(r.rows[0]) : null;
    },
    async list(limit) {
      return (await pool.query<RolloutRow>("select * from autopilot_rollout order by started_at desc limit $1", [limit])).rows.map(toRollout);
    },
    async start(r) {
      return withTransaction(pool, async (client) => {
        // No partial unique index enforces "one active rollout per operation", so the check and
        // the insert run under a per-operation lock (two instances could otherwise both pass).
        await client.query("select pg_advisory_xact_lock(hashtext('perfpilot:rollout:' || $1))", [r.operation]);
        const busy = await client.query<{ "?column?": number }>("select 1 from autopilot_rollout where operation = $1 and state = 'active' limit 1", [
          r.operation,
        ]);
        // Nothing was written: the helper's COMMIT ends an empty transaction (a ROLLBACK here
        // would leave it committing with no transaction open).
        if (busy.rowCount) return false;
        await client.query(
          `insert into autopilot_rollout (id, operation, strategy, rule, step, state, started_at, step_since, finished_at, last_decision)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
          [
            r.id,
            r.operation,
            r.strategy,
            r.rule,
            r.step,
            r.state,
            new Date(r.startedAt),
            new Date(r.stepSince),
            r.finishedAt === null ? null : new Date(r.finishedAt),
            JSON.stringify(r.lastDecision),
          ],
        );
        return true;
      });
    },
    async save(r) {
      await pool.query(`update autopilot_rollout set step = $2, state = $3, step_since = $4, finished_at = $5, last_decision = $6 where id = $1`, [
        r.id,
        r.step,
        r.state,
        new Date(r.stepSince),
        r.finishedAt === null ? null : new Date(r.finishedAt),
        JSON.stringify(r.lastDecision),
      ]);
    },
  };
}
