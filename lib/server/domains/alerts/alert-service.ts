import type pg from "pg";
import { AlertManager } from "../../../optimizer/alerts/manager";
import type { LifecycleConfig } from "../../../optimizer/alerts/types";
import { systemClock, type Clock } from "../../../optimizer/monitor/clock";
import type { Broadcaster } from "../../../realtime/events";
import { alertBroadcast } from "./alert-events";
import { pgAlertStore } from "./pg-alert-store";

/** The alert manager over Postgres, publishing to the `alerts` room (one per process is enough). */
export function createAlertService(deps: { pool: pg.Pool; config: () => LifecycleConfig; broadcaster?: Broadcaster; clock?: Clock }): AlertManager {
  return new AlertManager({
    store: pgAlertStore(deps.pool),
    clock: deps.clock ?? systemClock,
    config: deps.config,
    emit: deps.broadcaster ? alertBroadcast(deps.broadcaster) : undefined,
  });
}
