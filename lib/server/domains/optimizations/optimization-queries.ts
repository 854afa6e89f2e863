import "server-only";
import type pg from "pg";
import type { ComparisonView } from "../../../api/comparison-types";
import type { AuditEventView, MasterSwitchView, OperationView, OptimizationView, ShadowMismatchView } from "../../../api/optimization-types";
import type { SampleView } from "../../../api/sample-types";

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
  const r = await pool.query<OperationView>(
    `select name, service, title, side_effects as "sideEffects", idempotent from operation order by service, name`,
  );
  return r.rows;
}

export async function listSwitches(pool: pg.Pool) {
  const r = await pool.query<MasterSwitchView>(`select name, enabled, updated_at as "updatedAt", updated_by as "updatedBy" from master_switch order by name`);
  return r.rows;
}

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

export async function listSamples(pool: pg.Pool, q: { operation: string; variant?: string; from: Date; to: Date; limit: number }) {
  const r = await pool.query<SampleView>(
    `select at, operation, variant, duration_ms as "durationMs", memory_bytes as "memoryBytes", outcome, cache_hit as "cacheHit",
            shadow, instance, key_hash as "keyHash"
       from sample where operation = $1 and ($2::text is null or variant = $2) and at >= $3 and at < $4
      order by at desc limit $5`,
    [q.operation, q.variant ?? null, q.from, q.to, q.limit],
  );
  return r.rows;
}

export async function listComparisons(pool: pg.Pool, q: { operation?: string; limit: number }) {
  const r = await pool.query<ComparisonView>(
    `select id, operation, variant, kind, created_at as "createdAt", window_start as "windowStart", window_end as "windowEnd",
            n_baseline as "nBaseline", n_optimized as "nOptimized", median_baseline_ms as "medianBaselineMs",
            median_optimized_ms as "medianOptimizedMs", p95_baseline_ms as "p95BaselineMs", p95_optimized_ms as "p95OptimizedMs",
            memory_baseline_bytes as "memoryBaselineBytes", memory_optimized_bytes as "memoryOptimizedBytes",
            improvement_pct as "improvementPct", ci_low_pct as "ciLowPct", ci_high_pct as "ciHighPct", p_value as "pValue",
            u_statistic as "uStatistic", verdict, task_id as "taskId", details
       from comparison where ($1::text is null or operation = $1) order by created_at desc limit $2`,
    [q.operation ?? null, q.limit],
  );
  return r.rows;
}

export async function listMismatches(pool: pg.Pool, q: { operation?: string; limit: number }) {
  const r = await pool.query<ShadowMismatchView>(
    `select id, at, operation, variant, input_key as "inputKey", diff, instance from shadow_mismatch
      where ($1::text is null or operation = $1) order by at desc limit $2`,
    [q.operation ?? null, q.limit],
  );
  return r.rows;
}
