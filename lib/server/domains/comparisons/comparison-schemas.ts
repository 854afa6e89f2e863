/** Requests and responses of the comparisons API: comparisons, benchmark runs, their timings, live analyses. */
import { z } from "zod";
import { STRATEGIES } from "../../../optimizer/types";
import { operationName, safeText } from "../../platform/http/params";
import { nextCursorField, pageQuery, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";
import { comparisonVerdictSchema, optimizationIdSchema } from "../optimizations/optimization-schemas";

/** Comparisons, newest first by (created_at, id). */
export const COMPARISON_PAGING = paging({ list: "comparisons", key: ["time", "text"], order: "desc", defaultLimit: 50, maxLimit: 500 });

/** Live analyses, newest phase first by (started_at, optimization_id, phase). */
export const ANALYSIS_PAGING = paging({ list: "analyses", key: ["time", "text", "int"], order: "desc", defaultLimit: 50, maxLimit: 500 });

export const comparisonListQuerySchema = z.object({ operation: safeText({ max: 100 }).optional(), ...pageQuery(COMPARISON_PAGING) });

/** Body of `POST /api/comparisons`: an on-demand benchmark of an operation's strategies. */
export const benchmarkRunSchema = z
  .object({
    operation: operationName,
    strategies: z.array(z.enum(STRATEGIES)).min(1).max(4),
    iterations: z.number().int().min(5).max(500).default(40),
    warmup: z.number().int().min(0).max(50).default(3),
  })
  .strict();

export const comparisonIdSchema = z.uuid("not a comparison id");

export const timingsQuerySchema = z.object({ format: z.enum(["json", "csv"]).default("json") });

export const analysesQuerySchema = z.object({
  operation: safeText({ max: 100 }).optional(),
  optimization: optimizationIdSchema.optional(),
  ...pageQuery(ANALYSIS_PAGING),
});

/** A stored comparison (lib/api/comparison-types.ts `ComparisonView`, as the wire carries it). */
export const comparisonSchema = z
  .strictObject({
    id: z.uuid(),
    operation: z.string(),
    variant: z.string(),
    kind: z.enum(["live", "benchmark"]),
    createdAt: instantWire,
    windowStart: instantWire.nullable(),
    windowEnd: instantWire.nullable(),
    nBaseline: z.number().int(),
    nOptimized: z.number().int(),
    medianBaselineMs: z.number().nullable(),
    medianOptimizedMs: z.number().nullable(),
    p95BaselineMs: z.number().nullable(),
    p95OptimizedMs: z.number().nullable(),
    memoryBaselineBytes: z.number().nullable(),
    memoryOptimizedBytes: z.number().nullable(),
    improvementPct: z.number().nullable(),
    ciLowPct: z.number().nullable(),
    ciHighPct: z.number().nullable(),
    pValue: z.number().nullable(),
    uStatistic: z.number().nullable(),
    verdict: comparisonVerdictSchema,
    taskId: z.uuid().nullable(),
    details: z.unknown(),
  })
  .meta({ id: "Comparison" });

export const comparisonListSchema = z.strictObject({ comparisons: z.array(comparisonSchema), ...nextCursorField });

/** `GET /api/comparisons/{id}/timings` (JSON): per-call durations in ms, in run order, with the stored conclusion. */
export const comparisonTimingsSchema = z.strictObject({
  id: z.uuid(),
  operation: z.string(),
  variant: z.string(),
  verdict: comparisonVerdictSchema,
  improvementPct: z.number().nullable(),
  ci: z.strictObject({ low: z.number(), high: z.number().nullable() }).nullable(),
  method: z.string().nullable(),
  timings: z.strictObject({ baseline: z.array(z.number()), optimized: z.array(z.number()) }),
});

/** The live analysis of one optimization's phase (lib/optimizer/analysis/live-analysis.ts `StoredAnalysis`). */
export const storedAnalysisSchema = z
  .strictObject({
    optimizationId: z.string(),
    operation: z.string(),
    strategy: z.string(),
    state: z.enum(["shadow", "canary"]),
    percent: z.number(),
    phase: z.number().int(),
    startedAt: z.number().meta({ description: "Epoch milliseconds." }),
    informationTarget: z.number(),
    verdict: z.enum(["faster", "slower", "none"]),
    verdictAt: z.number().nullable(),
    ratio: z.number().nullable().meta({ description: "Optimized / baseline typical duration." }),
    ratioLow: z.number().nullable(),
    ratioHigh: z.number().nullable(),
    nBaseline: z.number().int(),
    nOptimized: z.number().int(),
    blocks: z.number().int(),
    windowFrom: z.number(),
    windowTo: z.number(),
    method: z.string(),
    result: z.record(z.string(), z.unknown()).meta({ description: "The full statistic: z-score, thresholds, alphas, information, detectable ratio." }),
    split: z.record(z.string(), z.unknown()).nullable().optional().meta({ description: "Sample-ratio check of a canary split, when made." }),
  })
  .meta({ id: "LiveAnalysis" });

export const analysesListSchema = z.strictObject({
  method: z.string(),
  identityCalibration: z.strictObject({ phases: z.number().int(), falseVerdicts: z.number().int(), rate: z.number().nullable() }),
  analyses: z.array(storedAnalysisSchema),
  ...nextCursorField,
});
