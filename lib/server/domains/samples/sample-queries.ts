import "server-only";
import type pg from "pg";
import type { SampleView } from "../../../api/sample-types";

/** Read-side query of the raw samples. */
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
