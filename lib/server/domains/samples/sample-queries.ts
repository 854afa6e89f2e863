import "server-only";
import type pg from "pg";
import type { SampleView } from "../../../api/sample-types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { SAMPLE_PAGING } from "./sample-schemas";

/** Read-side query of the raw samples: one page, newest first. */
export async function listSamples(
  pool: pg.Pool,
  q: { operation: string; variant?: string; from: Date; to: Date; limit: number; cursor?: KeyValues<typeof SAMPLE_PAGING.key> },
): Promise<Page<SampleView>> {
  const params: unknown[] = [q.operation, q.variant ?? null, q.from, q.to];
  // (instance, seq) is the key of a sample: it breaks ties between samples of the same millisecond.
  const after = afterCursor(SAMPLE_PAGING, ["at", "instance", "seq"], q.cursor, params);
  const r = await pool.query<SampleView & { seq: number }>(
    `select at, operation, variant, duration_ms as "durationMs", memory_bytes as "memoryBytes", outcome, cache_hit as "cacheHit",
            shadow, instance, key_hash as "keyHash", seq
       from sample where operation = $1 and ($2::text is null or variant = $2) and at >= $3 and at < $4 and ${after}
      order by at desc, instance desc, seq desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  const page = pageOf(SAMPLE_PAGING, r.rows, q.limit, (s) => [s.at, s.instance, s.seq]);
  return { items: page.items.map(({ seq: _, ...s }) => s), nextCursor: page.nextCursor };
}
