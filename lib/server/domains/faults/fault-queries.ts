/** Read-side query of the fault-injection API: a page of the faults that have not ended. */
import "server-only";
import type pg from "pg";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import type { FaultDefinition } from "./fault-index";
import { FAULT_PAGING } from "./fault-schemas";
import { toFault, type FaultRow } from "./faults";

/** One page of the faults not ended at `now`, newest first (the registry's own `list()` reads them all for its index). */
export async function listFaults(
  pool: pg.Pool,
  q: { now: number; limit: number; cursor?: KeyValues<typeof FAULT_PAGING.key> },
): Promise<Page<FaultDefinition>> {
  const params: unknown[] = [new Date(q.now)];
  const after = afterCursor(FAULT_PAGING, ["created_at", "id"], q.cursor, params);
  const r = await pool.query<FaultRow>(
    `select * from fault_injection where ends_at > $1 and ${after} order by created_at desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  const page = pageOf(FAULT_PAGING, r.rows, q.limit, (f) => [f.created_at, f.id]);
  return { items: page.items.map(toFault), nextCursor: page.nextCursor };
}
