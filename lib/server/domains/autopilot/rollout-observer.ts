import type pg from "pg";
import type { RolloutObservations, RolloutObserver } from "../../../optimizer/autopilot/types";

/**
 * The autopilot's observations from Postgres (every instance's samples, unlike the live window):
 * baseline and optimized runs of the step's window, the newest `cap` per side and kind, plus
 * shadow runs and stored shadow mismatches.
 */
export function sqlRolloutObserver(pool: pg.Pool, cap = 5_000): RolloutObserver {
  return {
    async observe(operation, strategy, fromMs, toMs): Promise<RolloutObservations> {
      const from = new Date(fromMs);
      const to = new Date(toMs);
      const [runs, shadow, mismatches] = await Promise.all([
        pool.query<{ side: string; duration_ms: number; memory_bytes: number | null }>(
          `select side, duration_ms, memory_bytes from (
             select case when variant = 'baseline' then 'baseline' else 'optimized' end as side, at, duration_ms, memory_bytes,
                    row_number() over (partition by variant = 'baseline' order by at desc) as rn
             from sample
             where operation = $1 and at >= $2 and at < $3 and not shadow and outcome = 'ok'
               and (variant = 'baseline' or $4 = any(string_to_array(variant, '+')))) s
           where rn <= $5 order by at`,
          [operation, from, to, strategy, cap],
        ),
        pool.query<{ runs: number; failures: number }>(
          `select count(*)::int as runs, count(*) filter (where outcome <> 'ok')::int as failures from sample
           where operation = $1 and at >= $2 and at < $3 and shadow and $4 = any(string_to_array(variant, '+'))`,
          [operation, from, to, strategy],
        ),
        pool.query<{ n: number }>("select count(*)::int as n from shadow_mismatch where operation = $1 and at >= $2 and at < $3", [operation, from, to]),
      ]);
      const pick = (side: string, memory: boolean) =>
        Float64Array.from(runs.rows.filter((r) => r.side === side && (!memory || r.memory_bytes !== null)).map((r) => (memory ? r.memory_bytes! : r.duration_ms)));
      return {
        baseline: pick("baseline", false),
        optimized: pick("optimized", false),
        baselineMemory: pick("baseline", true),
        optimizedMemory: pick("optimized", true),
        shadowRuns: shadow.rows[0]?.runs ?? 0,
        shadowFailures: shadow.rows[0]?.failures ?? 0,
        mismatches: mismatches.rows[0]?.n ?? 0,
      };
    },
  };
}
