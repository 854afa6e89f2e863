import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { TASK_QUOTA_REFUSAL, taskHandleSchema } from "../../platform/queue/task-schemas";
import {
  analysesListSchema,
  analysesQuerySchema,
  benchmarkRunSchema,
  comparisonIdSchema,
  comparisonListQuerySchema,
  comparisonListSchema,
  comparisonTimingsSchema,
  storedAnalysisSchema,
  timingsQuerySchema,
} from "../comparisons/comparison-schemas";
import {
  guardStatusSchema,
  masterSwitchListSchema,
  mismatchListQuerySchema,
  mismatchListSchema,
  operationListSchema,
  optimizationIdSchema,
  optimizationListQuerySchema,
  optimizationListSchema,
  optimizationSchema,
  optimizationStateSchema,
  rollbackSchema,
  stateChangeSchema,
  switchChangeSchema,
} from "../optimizations/optimization-schemas";
import { operation } from "./operation";

const tag = "Optimizations";
const idPath = z.object({ id: optimizationIdSchema.meta({ description: "`<operation>:<strategy>`, e.g. `reports.build:memory`." }) });

/** `GET /api/optimizations/{id}`: the optimization, its current phase's analysis, and the guard's rules (null when not live). */
const optimizationDetailSchema = optimizationSchema
  .extend({ analysis: storedAnalysisSchema.nullable(), guard: guardStatusSchema.nullable() })
  .meta({ id: "OptimizationDetail" });

/** Operations, optimizations and their rollout, master switches, shadow mismatches, comparisons and live analyses. */
export const optimizationPaths: ZodOpenApiPathsObject = {
  "/api/operations": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Operations and their optimizations",
      ok: { 200: { description: "Every registered operation.", schema: operationListSchema } },
    }),
  },
  "/api/optimizations": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Optimizations",
      description: "With their state and latest comparison, optionally of one operation.",
      query: optimizationListQuerySchema,
      ok: { 200: { description: "The optimizations.", schema: optimizationListSchema } },
    }),
  },
  "/api/optimizations/{id}": {
    get: operation({
      access: "viewer",
      tag,
      summary: "One optimization",
      description: "Its state, the analysis of its current phase, and what the guard watches (each rule's threshold and current value).",
      path: idPath,
      ok: { 200: { description: "The optimization.", schema: optimizationDetailSchema } },
      errors: { 404: "Unknown optimization." },
    }),
    patch: operation({
      access: "operator",
      tag,
      summary: "Change state or percentage",
      description: "Applied on every instance within about a second (NOTIFY). Audited.",
      path: idPath,
      body: stateChangeSchema,
      bodyExample: { state: "canary", percent: 5, reason: "first canary step" },
      ok: { 200: { description: "The optimization after the change.", schema: optimizationSchema } },
      errors: { 404: "Unknown optimization.", 409: "Already in that state.", 422: "A transition the rollout rules do not allow." },
    }),
  },
  "/api/optimizations/{id}/rollback": {
    post: operation({
      access: "operator",
      tag,
      summary: "Roll back to the baseline",
      description: "One-click rollback with the reason recorded. Audited.",
      path: idPath,
      body: rollbackSchema,
      bodyExample: { reason: "p95 up 20% after the deploy" },
      ok: { 200: { description: "The rollout state after the rollback.", schema: optimizationStateSchema } },
      errors: { 404: "Unknown optimization.", 409: "Already rolled back.", 422: "A transition the rollout rules do not allow." },
    }),
  },
  "/api/master-switches": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Master switches",
      ok: { 200: { description: "The four type-level switches.", schema: masterSwitchListSchema } },
    }),
    patch: operation({
      access: "admin",
      tag,
      summary: "Turn a master switch on or off",
      description: "Every optimization of its types follows. Audited.",
      body: switchChangeSchema,
      bodyExample: { name: "memory_optimization", enabled: false, reason: "memory pressure on the hosts" },
      ok: { 200: { description: "The switches after the change.", schema: masterSwitchListSchema } },
      errors: { 404: "Unknown switch." },
    }),
  },
  "/api/shadow-mismatches": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Shadow mismatches",
      description: "Input key, readable diff and time, newest first.",
      query: mismatchListQuerySchema,
      ok: { 200: { description: "The mismatches.", schema: mismatchListSchema } },
    }),
  },
  "/api/comparisons": {
    get: operation({
      access: "viewer",
      tag: "Comparisons",
      summary: "Comparisons",
      description: "Live and benchmark comparisons, newest first.",
      query: comparisonListQuerySchema,
      ok: { 200: { description: "The comparisons.", schema: comparisonListSchema } },
    }),
    post: operation({
      access: "operator",
      tag: "Comparisons",
      summary: "Run a benchmark",
      description: "An on-demand benchmark of the operation's strategies as a background task; answers at once with the task handle.",
      body: benchmarkRunSchema,
      bodyExample: { operation: "technical-indicators.calculate", strategies: ["memory"], iterations: 40 },
      ok: { 202: { description: "Accepted: poll `resultUrl`.", schema: taskHandleSchema } },
      errors: {
        409: "The operation cannot be benchmarked now.",
        422: "Unknown operation, or a strategy it does not have (`details[].path`).",
        429: TASK_QUOTA_REFUSAL,
      },
    }),
  },
  "/api/comparisons/{id}/timings": {
    get: operation({
      access: "viewer",
      tag: "Comparisons",
      summary: "A benchmark's per-call timings",
      description: "To recompute its verdict: JSON with the stored verdict, interval and method, or CSV (`run,variant,duration_ms`).",
      path: z.object({ id: comparisonIdSchema }),
      query: timingsQuerySchema,
      ok: {
        200: {
          description: "The timings (as an attachment).",
          content: { "application/json": comparisonTimingsSchema, "text/csv": z.string().meta({ description: "`run,variant,duration_ms` lines." }) },
        },
      },
      errors: { 404: "Unknown comparison, or one without stored timings (only benchmarks have them)." },
    }),
  },
  "/api/analyses": {
    get: operation({
      access: "viewer",
      tag: "Comparisons",
      summary: "Live analyses",
      description: "One per optimization per phase, newest first, with the measured false-verdict rate of A/A (identity) phases to read them against.",
      query: analysesQuerySchema,
      ok: { 200: { description: "The analyses.", schema: analysesListSchema } },
    }),
  },
};
