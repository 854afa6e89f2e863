/**
 * The `autopilot` job: every minute (after the monitor), feed the firing alerts to the autopilot,
 * which starts, advances, holds or rolls back guarded rollouts through the optimization store.
 */
import type pg from "pg";
import { Autopilot, type TickResult } from "../../../optimizer/autopilot/autopilot";
import { catalogFromEngine } from "../../../optimizer/autopilot/catalog";
import type { AutopilotConfig } from "../../../optimizer/autopilot/config";
import type { RolloutObserver } from "../../../optimizer/autopilot/types";
import type { Engine } from "../../../optimizer/engine";
import { systemClock, type Clock } from "../../../optimizer/monitor/clock";
import type { OptimizationStore } from "../../../optimizer/types";
import { pgAlertStore } from "../alerts/pg-alert-store";
import { pgRolloutStore } from "./pg-rollout-store";
import { sqlRolloutObserver } from "./rollout-observer";
import { isAutopilotPaused, loadAutopilotConfig } from "../monitor/settings";

export interface RunAutopilotDeps {
  pool: pg.Pool;
  engine: Engine;
  /** The Postgres optimization store (its changes reach every instance by NOTIFY). */
  store: OptimizationStore;
  clock?: Clock;
  /** Defaults to the `autopilot.config` setting. */
  config?: AutopilotConfig;
  observer?: RolloutObserver;
}

/** Total run time per operation over the last 5 minutes (to aim process-wide findings). */
async function busyByOperation(pool: pg.Pool, now: number): Promise<Record<string, number>> {
  const r = await pool.query<{ operation: string; busy: number }>(
    "select operation, sum(duration_ms)::float8 as busy from sample where at >= $1 group by operation",
    [new Date(now - 300_000)],
  );
  return Object.fromEntries(r.rows.map((x) => [x.operation, x.busy]));
}

/** One autopilot tick (schedulable every minute; the scheduler runs each slot once). */
export async function runAutopilot(deps: RunAutopilotDeps): Promise<TickResult & { findings: number }> {
  const clock = deps.clock ?? systemClock;
  const config = deps.config ?? (await loadAutopilotConfig(deps.pool));
  const [firing, busy] = await Promise.all([pgAlertStore(deps.pool).list({ state: "firing", limit: 500 }), busyByOperation(deps.pool, clock.now())]);
  const autopilot = new Autopilot({
    store: deps.store,
    rollouts: pgRolloutStore(deps.pool),
    observer: deps.observer ?? sqlRolloutObserver(deps.pool),
    clock,
    catalog: () => catalogFromEngine(deps.engine, busy),
    config: () => config,
    paused: () => isAutopilotPaused(deps.pool),
  });
  const result = await autopilot.tick(firing);
  return { ...result, findings: firing.length };
}
