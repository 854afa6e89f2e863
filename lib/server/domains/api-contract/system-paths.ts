import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { taskDetailSchema, taskIdSchema, taskListQuerySchema, taskListSchema, taskProcessingSchema, taskResultSchema } from "../../platform/queue/task-schemas";
import { jobListSchema, jobNameSchema, jobRunNowSchema } from "../market/job-schemas";
import { operation } from "./operation";

/**
 * `GET /api/health`: the status alone for anonymous callers (probes); the checks (versions,
 * hosts, error texts) for signed-in ones. The same shape with 200 (ok) and 503 (degraded).
 */
const healthSchema = z
  .union([
    z.strictObject({ status: z.enum(["ok", "degraded"]) }),
    z.strictObject({
      status: z.enum(["ok", "degraded"]),
      instanceId: z.string(),
      uptimeSeconds: z.number(),
      checks: z.record(z.string(), z.strictObject({ ok: z.boolean(), detail: z.unknown().optional() })),
    }),
  ])
  .meta({ id: "Health" });

const taskPath = z.object({ id: taskIdSchema });

/** Health, the scheduler, background tasks, and this document. */
export const systemPaths: ZodOpenApiPathsObject = {
  "/api/health": {
    get: operation({
      access: "public",
      tag: "System",
      summary: "Liveness of every dependency",
      description:
        "Anonymous callers get the status alone; signed-in callers also get each check (database, queue, scheduler, socket, data import). An invalid token or session reads as anonymous here.",
      ok: { 200: { description: "Every dependency is up.", schema: healthSchema } },
      special: { 503: { description: "A dependency is down (`status: degraded`).", schema: healthSchema } },
    }),
  },
  "/api/ping": {
    get: operation({
      access: "public",
      tag: "System",
      summary: "Liveness",
      description:
        "The process answers HTTP, nothing more (no database query, no auth); `/api/health` is the readiness check. `database` is the in-memory database watch's last verdict.",
      ok: {
        200: {
          description: "Alive.",
          schema: z.strictObject({
            status: z.literal("ok"),
            database: z.enum(["up", "down", "unknown"]).optional(),
            downSince: z.iso.datetime().nullable().optional(),
          }),
        },
      },
      noDatabase: true,
    }),
  },
  "/api/openapi.json": {
    get: operation({
      access: "public",
      tag: "System",
      summary: "This document",
      description: "The OpenAPI 3.1 contract, generated from the zod schemas the routes validate with. A readable form is at `/api-docs`.",
      ok: { 200: { description: "The document.", schema: z.record(z.string(), z.unknown()).meta({ description: "An OpenAPI 3.1 document." }) } },
      noDatabase: true,
    }),
  },
  "/api/jobs": {
    get: operation({
      access: "viewer",
      tag: "System",
      summary: "Scheduler status",
      description: "Every job's last run (outcome, duration), next run, and last-hour counts.",
      ok: { 200: { description: "The jobs.", schema: jobListSchema } },
    }),
  },
  "/api/jobs/{name}/run": {
    post: operation({
      access: "operator",
      tag: "System",
      summary: "Run a job's current slot now",
      description: "With the scheduler's guards (never overlapping itself, once per slot across instances).",
      path: z.object({ name: jobNameSchema }),
      ok: { 200: { description: "The run.", schema: jobRunNowSchema } },
      errors: {
        404: "Unknown job.",
        409: "The job is running right now, or this slot already ran.",
        500: "The job failed; its recorded error is in `GET /api/jobs`.",
        503: "The scheduler is disabled on this instance.",
      },
    }),
  },
  "/api/tasks": {
    get: operation({
      access: "viewer",
      tag: "Tasks",
      summary: "Background tasks",
      description: "Newest first.",
      query: taskListQuerySchema,
      ok: { 200: { description: "The tasks.", schema: taskListSchema } },
    }),
  },
  "/api/tasks/{id}": {
    get: operation({
      access: "viewer",
      tag: "Tasks",
      summary: "One task",
      description: "Its state, progress and estimate.",
      path: taskPath,
      ok: { 200: { description: "The task.", schema: taskDetailSchema } },
      errors: { 404: "Unknown task." },
    }),
  },
  "/api/tasks/{id}/cancel": {
    post: operation({
      access: "operator",
      tag: "Tasks",
      summary: "Cancel a task",
      description: "A queued or running task (a running call finishes, but its result is discarded).",
      path: taskPath,
      ok: { 200: { description: "The task after the cancellation.", schema: taskDetailSchema } },
      errors: { 404: "Unknown task.", 409: "The task has already finished." },
    }),
  },
  "/api/tasks/task/{id}/result": {
    get: operation({
      access: "viewer",
      tag: "Tasks",
      summary: "A task's result",
      path: taskPath,
      ok: { 200: { description: "Done: the result.", schema: taskResultSchema }, 202: { description: "Still running.", schema: taskProcessingSchema } },
      errors: { 404: "Unknown task.", 409: "The task failed or was cancelled." },
    }),
  },
};
