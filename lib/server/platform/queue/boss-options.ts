/**
 * pg-boss settings every instance uses. Supervision and the queue monitor (which fails jobs whose
 * heartbeat stopped) run every 10 s, so a task whose worker died (it misses its 20 s heartbeat,
 * `TASK_HEARTBEAT_SECONDS`) is retried within ~30–40 s; pg-boss's defaults would take minutes.
 */
export const BOSS_OPTIONS = { schema: "pgboss", superviseIntervalSeconds: 10, monitorIntervalSeconds: 10 } as const;
