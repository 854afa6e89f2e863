/** Read-side query of the rollups API: one page of per-minute rollups, without their histograms. */
import "server-only";
import type pg from "pg";
import type { RollupRow } from "../../../api/rollup-types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { ROLLUP_PAGING } from "./rollup-schemas";

/** A rollup as the API sends it: the histogram is for merging windows server-side (readRollups). */
export type RollupView = Omit<RollupRow, "histogram">;

/**
 * One page of an operation's rollups in [from, to), oldest first by (minute, variant). The
 * histogram column is not read at all: it is most of a row's bytes and the API never sends it.
 */
export async function listRollups(
  pool: pg.Pool,
  q: { operation: string; variant?: string; from: Date; to: Date; limit: number; cursor?: KeyValues<typeof ROLLUP_PAGING.key> },
): Promise<Page<RollupView>> {
  const params: unknown[] = [q.operation, q.variant ?? null, q.from, q.to];
  const after = afterCursor(ROLLUP_PAGING, ["minute", "variant"], q.cursor, params);
  const r = await pool.query<RollupView>(
    `select minute, operation, variant, count, errors, fallbacks, cache_hits as "cacheHits", mean_ms as "meanMs", p50_ms as "p50Ms",
            p95_ms as "p95Ms", p99_ms as "p99Ms", max_ms as "maxMs", memory_mean_bytes as "memoryMeanBytes"
       from rollup where operation = $1 and ($2::text is null or variant = $2) and minute >= $3 and minute < $4 and ${after}
      order by minute, variant limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(ROLLUP_PAGING, r.rows, q.limit, (x) => [x.minute, x.variant]);
}
