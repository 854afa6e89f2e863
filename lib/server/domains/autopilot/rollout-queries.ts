/** Read-side query of the autopilot API: a page of its rollouts (the rollout store's port has no paging). */
import "server-only";
import type pg from "pg";
import type { Rollout } from "../../../optimizer/autopilot/types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { ROLLOUT_PAGING } from "./autopilot-schemas";
import { toRollout, type RolloutRow } from "./pg-rollout-store";

/** One page of rollouts, newest first. */
export async function listRollouts(pool: pg.Pool, q: { limit: number; cursor?: KeyValues<typeof ROLLOUT_PAGING.key> }): Promise<Page<Rollout>> {
  const params: unknown[] = [];
  const after = afterCursor(ROLLOUT_PAGING, ["started_at", "id"], q.cursor, params);
  const r = await pool.query<RolloutRow>(
    `select * from autopilot_rollout where ${after} order by started_at desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(ROLLOUT_PAGING, r.rows.map(toRollout), q.limit, (x) => [new Date(x.startedAt), x.id]);
}
