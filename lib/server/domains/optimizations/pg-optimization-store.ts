import type pg from "pg";
import { seedFor } from "../../../optimizer/assignment";
import { optimizationId, strategiesOf, type OperationSpec } from "../../../optimizer/operation";
import { checkTransition, percentOf } from "../../../optimizer/transitions";
import {
  MASTER_SWITCHES,
  type Actor,
  type OptimizationStore,
  type MasterSwitchName,
  type OptimizationState,
  type OptimizationStateName,
  type StateChange,
  type Strategy,
} from "../../../optimizer/types";
import { AppError } from "../../../errors";
import { withTransaction } from "../../platform/db/transaction";
import { writeAudit } from "../audit/write-audit";

/** NOTIFY channel of optimization and master-switch changes (every instance reloads). */
export const OPTIMIZATIONS_CHANNEL = "perfpilot_optimizations";

/** A row of `optimization` (`select *`, `returning *`). */
interface OptimizationRow {
  id: string;
  operation_name: string;
  strategy: Strategy;
  state: OptimizationStateName;
  percent: number;
  seed: number;
  reason: string | null;
  performance_gain: number | null;
  applied_at: Date | null;
  updated_at: Date;
  updated_by: string;
  version: number;
}

function toState(r: OptimizationRow): OptimizationState {
  return {
    id: r.id,
    operation: r.operation_name,
    strategy: r.strategy,
    state: r.state,
    percent: r.percent,
    seed: r.seed,
    reason: r.reason,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  };
}

/**
 * Optimization states and master switches in Postgres. Every change is one transaction: row
 * lock, validated transition, update, audit event, and a NOTIFY so every instance reloads.
 */
export interface OptimizationStoreAdapter extends OptimizationStore {
  /** Inserts every registered operation and its optimizations (new ones start `off`). */
  sync(ops: OperationSpec[]): Promise<void>;
  setSwitch(name: MasterSwitchName, enabled: boolean, actor: Actor, reason?: string): Promise<void>;
}

export function pgOptimizationStore(pool: pg.Pool): OptimizationStoreAdapter {
  return {
    async sync(ops) {
      await withTransaction(pool, async (client) => {
        for (const op of ops) {
          await client.query(
            `insert into operation (name, service, title, side_effects, idempotent) values ($1, $2, $3, $4, $5)
             on conflict (name) do update set service = excluded.service, title = excluded.title,
               side_effects = excluded.side_effects, idempotent = excluded.idempotent`,
            [op.name, op.service, op.title, op.sideEffects, op.idempotent ?? false],
          );
          const strategies: Strategy[] = strategiesOf(op);
          for (const s of strategies) {
            const id = optimizationId(op.name, s);
            // The seed is a pure function of the id, so every instance agrees on assignments.
            await client.query(`insert into optimization (id, operation_name, strategy, seed) values ($1, $2, $3, $4) on conflict (id) do nothing`, [
              id,
              op.name,
              s,
              seedFor(id) | 0,
            ]);
          }
        }
        for (const name of MASTER_SWITCHES) {
          await client.query("insert into master_switch (name) values ($1) on conflict (name) do nothing", [name]);
        }
      });
    },

    async load() {
      const [o, s] = await Promise.all([
        pool.query<OptimizationRow>("select * from optimization order by operation_name, strategy"),
        pool.query<{ name: MasterSwitchName; enabled: boolean }>("select name, enabled from master_switch"),
      ]);
      const switches = Object.fromEntries(MASTER_SWITCHES.map((n) => [n, true])) as Record<MasterSwitchName, boolean>;
      for (const r of s.rows) switches[r.name] = r.enabled;
      return { optimizations: o.rows.map(toState), switches };
    },

    async setState(id: string, change: StateChange, actor: Actor, evidence?: unknown) {
      return withTransaction(pool, async (client) => {
        const cur = await client.query<OptimizationRow>("select * from optimization where id = $1 for update", [id]);
        if (!cur.rows[0]) throw new AppError("not_found", `unknown optimization ${id}`);
        const before = toState(cur.rows[0]);
        const problem = checkTransition(before, change);
        if (problem) throw new AppError(problem.startsWith("already") ? "conflict" : "validation_failed", problem);
        const percent = change.state === "canary" ? change.percent! : percentOf(change.state);
        const r = await client.query<OptimizationRow>(
          `update optimization set state = $2, percent = $3, reason = $4, updated_at = now(), updated_by = $5,
             version = version + 1, applied_at = case when $2 in ('on', 'canary') and applied_at is null then now()
               when $2 in ('off', 'rolled_back') then null else applied_at end
           where id = $1 returning *`,
          [id, change.state, percent, change.reason ?? null, actor.name],
        );
        const after = toState(r.rows[0]!);
        await writeAudit(client, {
          actor,
          action: change.state === "rolled_back" ? "optimization.rollback" : "optimization.set_state",
          subjectType: "optimization",
          subjectId: id,
          before: { state: before.state, percent: before.percent },
          after: { state: after.state, percent: after.percent },
          reason: change.reason ?? null,
          evidence,
        });
        await client.query("select pg_notify($1, $2)", [OPTIMIZATIONS_CHANNEL, id]);
        return after;
      });
    },

    async setSwitch(name, enabled, actor, reason) {
      await withTransaction(pool, async (client) => {
        const cur = await client.query<{ enabled: boolean }>("select enabled from master_switch where name = $1 for update", [name]);
        if (!cur.rows[0]) throw new AppError("not_found", `unknown master switch ${name}`);
        await client.query("update master_switch set enabled = $2, updated_at = now(), updated_by = $3 where name = $1", [name, enabled, actor.name]);
        await writeAudit(client, {
          actor,
          action: "master_switch.set",
          subjectType: "master_switch",
          subjectId: name,
          before: { enabled: cur.rows[0].enabled },
          after: { enabled },
          reason: reason ?? null,
        });
        await client.query("select pg_notify($1, $2)", [OPTIMIZATIONS_CHANNEL, `switch:${name}`]);
      });
    },
  };
}
