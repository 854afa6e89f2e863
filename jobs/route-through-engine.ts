import type { Engine } from "../lib/optimizer/engine";
import { defineOperation } from "../lib/optimizer/operation";
import type { JobDefinition } from "./job";

/**
 * Every scheduled job is itself an operation (`jobs.<name>`): registered once, called through
 * the engine, so each run is measured like any service call (and the monitor notices a job that
 * stopped running). Jobs have side effects and no optimized variant of their own; the operations
 * they call inside carry the optimizations.
 */
export function routeJobsThroughEngine(jobs: JobDefinition[], engine: Engine): JobDefinition[] {
  return jobs.map((job) => {
    const op = engine.register(
      defineOperation({
        name: `jobs.${job.name}`,
        service: "jobs",
        title: job.description,
        key: () => job.name,
        sideEffects: true,
        baseline: (ctx: { slot: Date }) => job.handler(ctx),
      }),
    );
    return { ...job, handler: (ctx) => engine.call(op, ctx) };
  });
}
