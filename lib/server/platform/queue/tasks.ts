import crypto from "node:crypto";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { AppError } from "../../../errors";
import { withTransaction } from "../db/transaction";
import type { Engine } from "../../../optimizer/engine";
import type { OperationSpec } from "../../../optimizer/operation";
import type { Broadcaster, TaskPayload } from "../../../realtime/events";
import type { TaskDetail, TaskHandle, TaskListItem } from "../../../api/task-types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../http/paging";
import { TASK_PAGING } from "./task-schemas";

const QUEUE = "engine-task";
/** Handlers that are not engine operations (e.g. on-demand benchmarks) register here. */
export type TaskHandler = (input: unknown, progress: (fraction: number, message?: string) => void, taskId: string) => Promise<unknown>;

/** A row of `task` (`select *`, `returning *`). */
interface TaskRow {
  id: string;
  operation: string;
  state: TaskPayload["state"];
  progress: number;
  message: string | null;
  input: unknown;
  result: unknown;
  error: string | null;
  estimated_seconds: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  attempts: number;
  created_by: string;
}

function payload(r: TaskRow): TaskPayload {
  return {
    taskId: r.id,
    operation: r.operation,
    state: r.state,
    progress: r.progress,
    message: r.message,
    estimatedSeconds: r.estimated_seconds,
    startedAt: r.started_at ? r.started_at.toISOString() : null,
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    error: r.error,
  };
}

/**
 * The `queue` strategy's runtime: calls moved to durable pg-boss jobs. The `task` table is what
 * users see (state, progress, result); pg-boss provides durability, retries with backoff, the
 * timeout and cancellation. A crash loses no accepted task: the job stays in pg-boss until done.
 */
/** How a call was served: its result (`kept`: from a cache, without computing), or a task handle. */
export type Invocation<O> = { kind: "result"; result: O; kept: boolean } | { kind: "queued"; task: TaskHandle };

/** Tasks one caller may have queued or running at once; more is a 429 until some finish. */
export const TASKS_PER_CALLER = 20;

/** Heartbeat interval of task jobs (pg-boss minimum: 10 s). */
export const TASK_HEARTBEAT_SECONDS = 20;

export function createTaskService(deps: { pool: pg.Pool; boss: PgBoss; engine: Engine; broadcaster: Broadcaster; log: Logger; heartbeatSeconds?: number }) {
  const { pool, boss, engine, broadcaster, log } = deps;
  const handlers = new Map<string, TaskHandler>();

  /** Writes a task row (the statement ends in `returning *`) and pushes the new state live. */
  async function write(sql: string, params: unknown[]): Promise<TaskRow | undefined> {
    const row = (await pool.query<TaskRow>(sql, params)).rows[0];
    if (row) broadcaster.publish("task:updated", payload(row), "tasks");
    return row;
  }

  /** Median duration of the operation's successful calls over the last 24 h, in seconds. */
  async function estimateSeconds(operation: string): Promise<number | null> {
    const r = await pool.query<{ s: number | null }>(
      `select percentile_cont(0.5) within group (order by duration_ms) / 1000 as s from sample
        where operation = $1 and outcome = 'ok' and not shadow and at > now() - interval '24 hours'`,
      [operation],
    );
    const fromSamples = r.rows[0]?.s ?? null;
    if (fromSamples !== null) return fromSamples;
    const t = await pool.query<{ s: number | null }>(
      `select percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at)) as s from task
        where operation = $1 and state = 'completed' and finished_at > now() - interval '7 days'`,
      [operation],
    );
    return t.rows[0]?.s ?? null;
  }

  async function run(id: string): Promise<void> {
    const task = await write(
      `update task set state = 'processing', started_at = coalesce(started_at, now()), attempts = attempts + 1
        where id = $1 and state in ('queued', 'processing') returning *`,
      [id],
    );
    if (!task) return; // cancelled (or unknown): nothing to do
    // Which instance runs which attempt: with several instances, the one place that says so.
    log.info({ taskId: id, operation: task.operation, attempt: task.attempts }, "task started");
    let lastWrite = 0;
    const progress = (fraction: number, message?: string) => {
      const now = Date.now();
      // Throttled: a progress write per 250 ms is plenty for a progress bar.
      if (now - lastWrite < 250 && fraction < 1) return;
      lastWrite = now;
      void write("update task set progress = $2, message = $3 where id = $1 and state = 'processing' returning *", [
        id,
        Math.max(0, Math.min(1, fraction)),
        message ?? null,
      ]).catch((err: unknown) => log.warn({ err, id }, "task progress write failed"));
    };
    const operation = task.operation;
    const op = engine.operation(operation);
    const handler = handlers.get(operation);
    if (!op && !handler) throw new Error(`no handler for task operation ${operation}`);
    const result = handler ? await handler(task.input, progress, id) : await engine.call(op!, task.input, progress);
    await write(
      `update task set state = 'completed', progress = 1, result = $2, finished_at = now(), error = null
        where id = $1 and state = 'processing' returning *`,
      [id, JSON.stringify(result)],
    );
  }

  return {
    /** Registers a non-operation task kind (e.g. `benchmark.run`). */
    handle(name: string, handler: TaskHandler) {
      handlers.set(name, handler);
    },

    async start() {
      // heartbeatSeconds: pg-boss's worker refreshes a running job every 10 s; a job whose worker
      // died (kill -9, lost host) misses its heartbeat and is retried within ~20 s, instead of
      // waiting for expireInSeconds (10 min), which still bounds a job that hangs alive.
      const options = {
        retryLimit: 2,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: 600,
        heartbeatSeconds: deps.heartbeatSeconds ?? TASK_HEARTBEAT_SECONDS,
      };
      await boss.createQueue(QUEUE, options as never);
      // A queue made by an earlier version keeps its old options unless told (createQueue does not update).
      await boss.updateQueue(QUEUE, options as never);
      await boss.work<{ taskId: string }>(QUEUE, { batchSize: 1 } as never, async (jobs) => {
        for (const job of jobs) {
          try {
            await run(job.data.taskId);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            // pg-boss retries with backoff; the task shows failed only once retries are exhausted.
            // One statement decides "failed" (third attempt) or "queued" (pg-boss will retry).
            await write(
              `update task set state = case when attempts >= 3 then 'failed' else 'queued' end, error = $2,
                 finished_at = case when attempts >= 3 then now() end
                where id = $1 and state = 'processing' returning *`,
              [job.data.taskId, message],
            );
            throw err;
          }
        }
      });
    },

    /**
     * Accepts a call as a background task and returns its handle at once. The same operation with
     * the same input, already queued or running, is not queued twice: its task is returned
     * (`deduplicated`). A caller has at most TASKS_PER_CALLER tasks queued or running.
     */
    async submit(operation: string, input: unknown, createdBy = "system"): Promise<TaskHandle & { deduplicated: boolean }> {
      const id = crypto.randomUUID();
      const inputJson = JSON.stringify(input);
      const estimatedSeconds = await estimateSeconds(operation);
      // The task row and its pg-boss job in one transaction: a crash between two statements would
      // otherwise leave a task "queued" forever (or a job without its task).
      const { row, deduplicated } = await withTransaction(pool, async (client) => {
        // Serializes submits of one input (and one caller's count) without a table lock.
        await client.query(`select pg_advisory_xact_lock(hashtextextended($1, 0)), pg_advisory_xact_lock(hashtextextended($2, 0))`, [
          `task:${operation}:${inputJson}`,
          `task-caller:${createdBy}`,
        ]);
        const same = await client.query<TaskRow>(
          `select * from task where operation = $1 and input = $2::jsonb and state in ('queued', 'processing') order by created_at limit 1`,
          [operation, inputJson],
        );
        if (same.rows[0]) return { row: same.rows[0], deduplicated: true };
        const active = await client.query<{ n: number }>(`select count(*)::int as n from task where created_by = $1 and state in ('queued', 'processing')`, [
          createdBy,
        ]);
        if ((active.rows[0]?.n ?? 0) >= TASKS_PER_CALLER) {
          throw new AppError("rate_limited", `you already have ${TASKS_PER_CALLER} tasks queued or running; wait for some to finish`, {
            retryAfterSeconds: Math.max(5, estimatedSeconds ?? 5),
          });
        }
        const r = await client.query<TaskRow>(
          `insert into task (id, operation, state, input, estimated_seconds, created_by) values ($1, $2, 'queued', $3, $4, $5) returning *`,
          [id, operation, inputJson, estimatedSeconds, createdBy],
        );
        await boss.send(QUEUE, { taskId: id }, { id, db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) } } as never);
        return { row: r.rows[0]!, deduplicated: false };
      });
      if (!deduplicated) broadcaster.publish("task:updated", payload(row), "tasks");
      return {
        taskId: row.id,
        status: "processing",
        estimatedSeconds: row.estimated_seconds ?? estimatedSeconds,
        resultUrl: `/api/tasks/task/${row.id}/result`,
        deduplicated,
      };
    },

    /**
     * Serves one call of an operation (SPEC §5): a kept result at once, a background task when the
     * queue optimization applies to its key — and the caller may create one (`mayQueue`: false
     * for a cookie-authenticated GET another site could have triggered) — else computed now by
     * whichever variant it is assigned.
     */
    async invoke<I, O>(op: OperationSpec<I, O>, input: I, createdBy: string, opts: { mayQueue?: boolean } = {}): Promise<Invocation<O>> {
      const d = engine.dispatch(op, input);
      if (d.mode === "kept") return { kind: "result", result: d.result, kept: true };
      if (d.mode === "queue" && opts.mayQueue !== false) return { kind: "queued", task: await this.submit(op.name, input, createdBy) };
      return { kind: "result", result: await engine.call(op, input), kept: false };
    },

    async get(id: string): Promise<TaskDetail> {
      const r = await pool.query<TaskRow>("select * from task where id = $1", [id]);
      if (!r.rows[0]) throw new AppError("not_found", `unknown task ${id}`);
      const t = r.rows[0];
      return {
        ...payload(t),
        input: t.input,
        createdAt: t.created_at.toISOString(),
        attempts: t.attempts,
        createdBy: t.created_by,
        resultUrl: `/api/tasks/task/${id}/result`,
      };
    },

    async result(id: string): Promise<{ state: string; result: unknown; error: string | null }> {
      const r = await pool.query<Pick<TaskRow, "state" | "result" | "error">>("select state, result, error from task where id = $1", [id]);
      if (!r.rows[0]) throw new AppError("not_found", `unknown task ${id}`);
      return r.rows[0];
    },

    /** One page of tasks, newest first. */
    async list(q: { limit: number; cursor?: KeyValues<typeof TASK_PAGING.key> }): Promise<Page<TaskListItem>> {
      const params: unknown[] = [];
      const after = afterCursor(TASK_PAGING, ["created_at", "id"], q.cursor, params);
      const r = await pool.query<TaskRow>(`select * from task where ${after} order by created_at desc, id desc limit $${params.push(q.limit + 1)}`, params);
      const page = pageOf(TASK_PAGING, r.rows, q.limit, (t) => [t.created_at, t.id]);
      return { items: page.items.map((t) => ({ ...payload(t), createdAt: t.created_at.toISOString(), attempts: t.attempts })), nextCursor: page.nextCursor };
    },

    async cancel(id: string): Promise<void> {
      const cancelled = await write(
        `update task set state = 'cancelled', finished_at = now() where id = $1 and state in ('queued', 'processing') returning *`,
        [id],
      );
      if (!cancelled) {
        const t = await pool.query<Pick<TaskRow, "state">>("select state from task where id = $1", [id]);
        if (!t.rows[0]) throw new AppError("not_found", `unknown task ${id}`);
        throw new AppError("conflict", `task is already ${t.rows[0].state}`);
      }
      await boss.cancel(QUEUE, id).catch(() => undefined);
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
