import type pg from "pg";
import type { RolloutObservations, RolloutObserver } from "../../../optimizer/autopilot/types";

interface RunRow {
  at_ms: number;
  baseline: boolean;
  duration_ms: number;
  memory_bytes: number | null;
  ok: boolean;
}

/**
 * The autopilot's observations from Postgres (every instance's samples, unlike the live window):
 * every primary run of the baseline and of variants with the strategy since the step began (its
 * phase: the analysis accumulates from there), the traffic before it, shadow runs and mismatches.
 */
export function sqlRolloutObserver(pool: pg.Pool): RolloutObserver {
  return {
    async observe(operation, strategy, fromMs, toMs): Promise<RolloutObservations> {
      const from = new Date(fromMs);
      const to = new Date(toMs);
      const [runs, before, shadow, mismatches] = await Promise.all([
        pool.query<RunRow>(
          `select extract(epoch from at) * 1000 as at_ms, variant = 'baseline' as baseline, duration_ms, memory_bytes, outcome = 'ok' as ok
             from sample
            where operation = $1 and at >= $2 and at < $3 and not shadow
              and (variant = 'baseline' or $4 = any(string_to_array(variant, '+')))
            order by at`,
          [operation, from, to, strategy],
        ),
        pool.query<{ n: number }>("select count(*)::int as n from sample where operation = $1 and at >= $2 and at < $3 and not shadow", [
          operation,
          new Date(fromMs - 300_000),
          from,
        ]),
        pool.query<{ runs: number; failures: number }>(
          `select count(*)::int as runs, count(*) filter (where outcome <> 'ok')::int as failures from sample
           where operation = $1 and at >= $2 and at < $3 and shadow and $4 = any(string_to_array(variant, '+'))`,
          [operation, from, to, strategy],
        ),
        pool.query<{ n: number }>("select count(*)::int as n from shadow_mismatch where operation = $1 and at >= $2 and at < $3", [operation, from, to]),
      ]);
      return {
        samples: runs.rows.map((r) => ({ at: r.at_ms, durationMs: r.duration_ms, ok: r.ok, optimized: !r.baseline, memoryBytes: r.memory_bytes ?? NaN })),
        callsBefore: before.rows[0]?.n ?? 0,
        shadowRuns: shadow.rows[0]?.runs ?? 0,
        shadowFailures: shadow.rows[0]?.failures ?? 0,
        mismatches: mismatches.rows[0]?.n ?? 0,
      };
    },
  };
}
