import { z } from "zod";
import { MASTER_SWITCHES, OPTIMIZATION_STATES, STRATEGIES } from "../../../optimizer/types";
import { safeText } from "../../platform/http/params";
import { nextCursorField, pageQuery, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";

/** Body of `PATCH /api/optimizations/{id}` (shared with the dashboard's controls). */
export const stateChangeSchema = z
  .object({
    state: z.enum(OPTIMIZATION_STATES),
    percent: z.number().min(0).max(100).optional(),
    reason: safeText({ min: 1, max: 500, multiline: true }).optional(),
  })
  .strict();

export const rollbackSchema = z.object({ reason: safeText({ min: 1, max: 500, multiline: true }).optional() }).strict();

export const switchChangeSchema = z
  .object({ name: z.enum(MASTER_SWITCHES), enabled: z.boolean(), reason: safeText({ max: 500, multiline: true }).optional() })
  .strict();

export const optimizationIdSchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*:(${STRATEGIES.join("|")})$`), "not an optimization id");

export const optimizationListQuerySchema = z.object({ operation: safeText({ max: 100 }).optional() });

/** Shadow-mode mismatches, newest first by (at, id). */
export const MISMATCH_PAGING = paging({ list: "shadow-mismatches", key: ["time", "int"], order: "desc", defaultLimit: 100, maxLimit: 500 });

export const mismatchListQuerySchema = z.object({ operation: safeText({ max: 100 }).optional(), ...pageQuery(MISMATCH_PAGING) });

// ── responses ──────────────────────────────────────────────────────────────────────────────

/** A comparison's verdict (lib/optimizer/stats/compare.ts `Verdict`). */
export const comparisonVerdictSchema = z.enum(["faster", "no_detectable_difference", "slower", "insufficient_data"]);

/** The newest comparison embedded in an optimization (`createdAt`: the timestamp's UTC wall time, no zone suffix). */
export const latestComparisonSchema = z
  .strictObject({
    id: z.uuid(),
    kind: z.enum(["live", "benchmark"]),
    createdAt: z.string(),
    nBaseline: z.number().int(),
    nOptimized: z.number().int(),
    medianBaselineMs: z.number().nullable(),
    medianOptimizedMs: z.number().nullable(),
    improvementPct: z.number().nullable(),
    ciLowPct: z.number().nullable(),
    ciHighPct: z.number().nullable(),
    pValue: z.number().nullable(),
    verdict: comparisonVerdictSchema,
  })
  .meta({ id: "LatestComparison" });

/** One optimization with its rollout state and newest comparison (lib/api/optimization-types.ts `OptimizationView`). */
export const optimizationSchema = z
  .strictObject({
    id: z.string().meta({ description: "`<operation>:<strategy>`, e.g. `reports.build:memory`." }),
    operation: z.string(),
    strategy: z.enum(STRATEGIES),
    state: z.enum(OPTIMIZATION_STATES),
    percent: z.number(),
    reason: z.string().nullable(),
    performanceGain: z.number().nullable(),
    appliedAt: instantWire.nullable(),
    updatedAt: instantWire,
    updatedBy: z.string(),
    version: z.number().int().meta({ description: "The phase number: every state or percentage change bumps it." }),
    comparison: latestComparisonSchema.nullable(),
  })
  .meta({ id: "Optimization" });

export const optimizationListSchema = z.strictObject({ optimizations: z.array(optimizationSchema) });

/** The rollout state written by a change (lib/optimizer/types.ts `OptimizationState`). */
export const optimizationStateSchema = z
  .strictObject({
    id: z.string(),
    operation: z.string(),
    strategy: z.enum(STRATEGIES),
    state: z.enum(OPTIMIZATION_STATES),
    percent: z.number(),
    seed: z.number(),
    reason: z.string().nullable(),
    version: z.number().int(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: "OptimizationState" });

/** What the guard watches for one optimization now (lib/optimizer/guards.ts `GuardStatus`). */
export const guardStatusSchema = z
  .strictObject({
    optimization: z.string(),
    phase: z.number().int(),
    phaseStartedAt: z.string(),
    alphaPerRule: z.number(),
    rules: z.array(
      z.strictObject({
        rule: z.enum(["error_rate", "mismatch_rate", "latency_regression", "memory_regression"]),
        watches: z.string(),
        z: z.number().nullable(),
        boundaryZ: z.number().nullable(),
        observed: z.number().nullable(),
        limit: z.number(),
        samples: z.number(),
        minSamples: z.number(),
      }),
    ),
  })
  .meta({ id: "GuardStatus" });

/** A registered operation with its optimizations (`GET /api/operations`). */
export const operationSchema = z
  .strictObject({
    name: z.string(),
    service: z.string(),
    title: z.string(),
    sideEffects: z.boolean(),
    idempotent: z.boolean(),
    optimizations: z.array(optimizationSchema),
  })
  .meta({ id: "Operation" });

export const operationListSchema = z.strictObject({ operations: z.array(operationSchema) });

export const masterSwitchListSchema = z.strictObject({
  switches: z.array(
    z.strictObject({ name: z.enum(MASTER_SWITCHES), enabled: z.boolean(), updatedAt: instantWire, updatedBy: z.string() }).meta({ id: "MasterSwitch" }),
  ),
});

export const mismatchListSchema = z.strictObject({
  mismatches: z.array(
    z
      .strictObject({
        id: z.number().int(),
        at: instantWire,
        operation: z.string(),
        variant: z.string(),
        inputKey: z.string(),
        diff: z.string().meta({ description: "Readable difference between the baseline's and the variant's results." }),
        instance: z.string(),
      })
      .meta({ id: "ShadowMismatch" }),
  ),
  ...nextCursorField,
});
