import type { Engine } from "../lib/optimizer/engine";
import { defineOperation } from "../lib/optimizer/operation";
import { cronIntervalSeconds } from "./cron-interval";
import type { JobDefinition } from "./job";

/**
 * Every scheduled job is itself an operation (`jobs.<name>`): registered once, called through
 * the engine, so each run is measured like any service call (and the monitor notices a job that
 * stopped running). Jobs have side effects and no optimized variant of their own; the operations
 * they call inside carry the optimizations. The operations a job calls get the job's period as
 * their expected interval (derived from the schedule, never hard-coded).
 */
export function routeJobsThroughEngine(jobs: JobDefinition[], engine: Engine): JobDefinition[] {
  return jobs.map((job) => {
    const interval = cronIntervalSeconds(job.schedule) ?? undefined;
    for (const name of job.operations ?? []) {
      const op = engine.operation(name);
      if (!op) throw new Error(`job ${job.name} calls ${name}, which is not a registered operation`);
      if (interval !== undefined) op.expectedIntervalSeconds = Math.min(op.expectedIntervalSeconds ?? Infinity, interval);
    }
    const op = engine.register(
      defineOperation({
        name: `jobs.${job.name}`,
        service: "jobs",
        title: job.description,
        key: () => job.name,
        sideEffects: true,
        ...(interval !== undefined ? { expectedIntervalSeconds: interval } : {}),
        baseline: (ctx: { slot: Date }) => job.handler(ctx),
      }),
    );
    return { ...job, handler: (ctx) => engine.call(op, ctx) };
  });
}
