/** Requests and responses of the scheduler API (`/api/jobs`): job runs live in `job_run` (market-queries.ts). */
import { z } from "zod";
import { instantWire } from "../../platform/http/wire";

export const jobNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, "not a job name");

/** One run of a scheduled job (`JobRunView`); `error` is replaced by a fixed notice for viewers. */
export const jobRunSchema = z
  .strictObject({
    job: z.string(),
    slot: instantWire,
    instance: z.string(),
    startedAt: instantWire,
    finishedAt: instantWire.nullable(),
    outcome: z.string(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    summary: z.unknown(),
  })
  .meta({ id: "JobRun" });

export const jobListSchema = z.strictObject({
  schedulerRunning: z.boolean(),
  jobs: z.array(
    z.strictObject({
      job: z.string(),
      nextRun: z.string().nullable(),
      lastRun: jobRunSchema.nullable(),
      lastHour: z.strictObject({ job: z.string().optional(), ok: z.number().int(), errors: z.number().int() }),
    }),
  ),
});

/** A job slot run now (`POST /api/jobs/{name}/run`); skipped and failed runs are 409 and 500. */
export const jobRunNowSchema = z.strictObject({ status: z.literal("ok"), durationMs: z.number(), summary: z.unknown() });
