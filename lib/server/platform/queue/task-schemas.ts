/** Requests and responses of the tasks API (lib/api/task-types.ts, as the wire carries them). */
import { z } from "zod";
import { nextCursorField, pageQuerySchema, paging } from "../http/paging";
import { instantWire } from "../http/wire";

export const taskIdSchema = z.uuid("not a task id");

/** Tasks, newest first by (created_at, id). */
export const TASK_PAGING = paging({ list: "tasks", key: ["time", "text"], order: "desc", defaultLimit: 100, maxLimit: 500 });

export const taskListQuerySchema = pageQuerySchema(TASK_PAGING);

/** The answer to a call that became a background task (HTTP 202): where to poll for its result. */
export const taskHandleSchema = z
  .strictObject({
    taskId: z.uuid(),
    status: z.literal("processing"),
    estimatedSeconds: z.number().nullable(),
    resultUrl: z.string().meta({ description: "`/api/tasks/task/{id}/result`" }),
    deduplicated: z.boolean().meta({ description: "true: the same operation and input was already queued or running, and this is its task." }),
  })
  .meta({ id: "TaskHandle" });

/** Why a call that would become a task is refused (the per-caller quota of tasks.ts). */
export const TASK_QUOTA_REFUSAL = "The caller already has the most tasks queued or running that one caller may (`Retry-After`).";

const taskFields = {
  taskId: z.uuid(),
  operation: z.string(),
  state: z.enum(["queued", "processing", "completed", "failed", "cancelled"]),
  progress: z.number().meta({ description: "0 to 1." }),
  message: z.string().nullable(),
  estimatedSeconds: z.number().nullable(),
  startedAt: instantWire.nullable(),
  finishedAt: instantWire.nullable(),
  error: z.string().nullable().meta({ description: "Replaced by a fixed notice for viewers." }),
  createdAt: instantWire,
  attempts: z.number().int(),
};

export const taskListSchema = z.strictObject({ tasks: z.array(z.strictObject(taskFields).meta({ id: "Task" })), ...nextCursorField });

export const taskDetailSchema = z.strictObject({ ...taskFields, input: z.unknown(), createdBy: z.string(), resultUrl: z.string() }).meta({ id: "TaskDetail" });

/** `GET /api/tasks/task/{id}/result`: 200 with the result when done, 202 while it runs. */
export const taskResultSchema = z.strictObject({ taskId: z.uuid(), status: z.literal("completed"), result: z.unknown() });
export const taskProcessingSchema = z.strictObject({ taskId: z.uuid(), status: z.literal("processing") });
