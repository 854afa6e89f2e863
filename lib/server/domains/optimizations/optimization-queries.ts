import "server-only";
import type pg from "pg";
import type { MasterSwitchView, OperationView, OptimizationView, ShadowMismatchView } from "../../../api/optimization-types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { MISMATCH_PAGING } from "./optimization-schemas";

/** Read-side queries of the optimization API. */
export async function listOptimizations(pool: pg.Pool, operation?: string) {
  const r = await pool.query<OptimizationView>(
    `select o.id, o.operation_name as operation, o.strategy, o.state, o.percent, o.reason, o.performance_gain as "performanceGain",
            o.applied_at as "appliedAt", o.updated_at as "updatedAt", o.updated_by as "updatedBy", o.version,
            c.comparison
       from optimization o
       left join lateral (
         select json_build_object('id', c.id, 'kind', c.kind, 'createdAt', to_char(c.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'nBaseline', c.n_baseline,
                  'nOptimized', c.n_optimized, 'medianBaselineMs', c.median_baseline_ms, 'medianOptimizedMs', c.median_optimized_ms,
                  'improvementPct', c.improvement_pct, 'ciLowPct', c.ci_low_pct, 'ciHighPct', c.ci_high_pct, 'pValue', c.p_value,
                  'verdict', c.verdict) as comparison
           from comparison c where c.operation = o.operation_name and c.variant like '%' || o.strategy || '%'
          order by c.created_at desc limit 1) c on true
      where ($1::text is null or o.operation_name = $1)
      order by o.operation_name, o.strategy`,
    [operation ?? null],
  );
  return r.rows;
}

export async function listOperations(pool: pg.Pool) {
  const r = await pool.query<OperationView>(`select name, service, title, side_effects as "sideEffects", idempotent from operation order by service, name`);
  return r.rows;
}

export async function listSwitches(pool: pg.Pool) {
  const r = await pool.query<MasterSwitchView>(`select name, enabled, updated_at as "updatedAt", updated_by as "updatedBy" from master_switch order by name`);
  return r.rows;
}

/** Shadow-mode mismatches: one page, newest first. */
export async function listMismatches(
  pool: pg.Pool,
  q: { operation?: string; limit: number; cursor?: KeyValues<typeof MISMATCH_PAGING.key> },
): Promise<Page<ShadowMismatchView>> {
  const params: unknown[] = [q.operation ?? null];
  const after = afterCursor(MISMATCH_PAGING, ["at", "id"], q.cursor, params);
  const r = await pool.query<ShadowMismatchView>(
    `select id, at, operation, variant, input_key as "inputKey", diff, instance from shadow_mismatch
      where ($1::text is null or operation = $1) and ${after} order by at desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(MISMATCH_PAGING, r.rows, q.limit, (m) => [m.at, m.id]);
}
