import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Server as SocketServer } from "socket.io";
import type { PrismaClient } from "./db/prisma";
import type { AppServices } from "../services";
import type { EngineHost } from "../domains/optimizations/engine-host";
import type { TaskService } from "./queue/tasks";

/**
 * What `server.ts` builds once and route handlers use. Next gives route handlers their own copy
 * of our modules, so a module-level singleton set by server.ts would be invisible there: the
 * runtime lives in one typed `globalThis` slot instead.
 */
export interface Runtime {
  instanceId: string;
  startedAt: Date;
  pool: pg.Pool;
  prisma: PrismaClient;
  boss: PgBoss;
  io: SocketServer;
  services: AppServices;
  optimizationStore: EngineHost["store"];
  engineHost: EngineHost;
  tasks: TaskService;
  /** Scheduler status (next runs live in memory; history in `job_run`). */
  scheduler: { running: boolean; nextRuns(): Record<string, string | null>; runNow(name: string): Promise<import("../../../jobs/scheduler").RunResult> };
}

const SLOT = Symbol.for("perfpilot.runtime");
type Slot = { [SLOT]?: Runtime };

export function setRuntime(rt: Runtime | undefined): void {
  (globalThis as Slot)[SLOT] = rt;
}

/** The running process's runtime; throws when called outside a started server. */
export function getRuntime(): Runtime {
  const rt = (globalThis as Slot)[SLOT];
  if (!rt) throw new Error("Perfpilot runtime is not started (route called outside server.ts?)");
  return rt;
}
