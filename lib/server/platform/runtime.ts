import type pg from "pg";
import type { Engine } from "../../optimizer/engine";
import type { GuardEvaluator } from "../../optimizer/guards";
import type { SampleRecorder } from "../../optimizer/recorder";
import type { RegisteredOperations } from "../../operations/registry";
import type { MarketView } from "../domains/market/operation-deps";
import type { OptimizationStoreAdapter } from "../domains/optimizations/pg-optimization-store";
import { processSlot } from "./process-slot";
import type { TaskService } from "./queue/tasks";

/** The outcome of one job run. */
export type JobRunResult =
  | { status: "ok"; durationMs: number; summary: unknown }
  | { status: "error"; durationMs: number; error: string }
  | { status: "skipped"; reason: "slot_taken" | "overlap" };

/** The scheduler as routes see it (next runs live in memory; history in `job_run`). */
export interface SchedulerView {
  running: boolean;
  nextRuns(): Record<string, string | null>;
  runNow(name: string): Promise<JobRunResult>;
}

/** What `server.ts` builds once and route handlers use (shared through the process slot). */
export interface Runtime {
  instanceId: string;
  startedAt: Date;
  /** The one pg pool (Prisma runs over it too): read queries of the list routes. */
  pool: pg.Pool;
  engine: Engine;
  recorder: SampleRecorder;
  /** This instance's guard (what it watches and its thresholds, per optimization). */
  guard: GuardEvaluator;
  operations: RegisteredOperations;
  market: MarketView;
  optimizationStore: OptimizationStoreAdapter;
  tasks: TaskService;
  scheduler: SchedulerView;
  /** Connected Socket.IO clients on this instance. */
  socketClients(): number;
}

const SLOT = processSlot<Runtime>("runtime");

export function setRuntime(rt: Runtime | undefined): void {
  SLOT.set(rt);
}

/** The running process's runtime; throws when called outside a started server. */
export function getRuntime(): Runtime {
  const rt = SLOT.get();
  if (!rt) throw new Error("Perfpilot runtime is not started (route called outside server.ts?)");
  return rt;
}
