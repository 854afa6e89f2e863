/** The query and response of `GET /api/metrics/rollups`. */
import { z } from "zod";
import { instantQuerySchema, safeText } from "../../platform/http/params";
import { instantWire } from "../../platform/http/wire";

export const rollupQuerySchema = z.object({
  operation: safeText({ min: 3, max: 100 }),
  variant: safeText({ max: 100 }).optional(),
  from: instantQuerySchema
    .optional()
    .transform((d) => d ?? new Date(Date.now() - 86_400_000))
    .meta({ description: "Default: 24 hours ago." }),
  to: instantQuerySchema
    .optional()
    .transform((d) => d ?? new Date())
    .meta({ description: "Default: now." }),
});

/** One per-minute rollup as the API sends it (lib/api/rollup-types.ts `RollupRow` without its histogram). */
export const rollupSchema = z
  .strictObject({
    minute: instantWire,
    operation: z.string(),
    variant: z.string(),
    count: z.number().int(),
    errors: z.number().int(),
    fallbacks: z.number().int(),
    cacheHits: z.number().int(),
    meanMs: z.number(),
    p50Ms: z.number(),
    p95Ms: z.number(),
    p99Ms: z.number(),
    maxMs: z.number(),
    memoryMeanBytes: z.number().nullable(),
  })
  .meta({ id: "Rollup" });

export const rollupListSchema = z.strictObject({
  percentile: z.string().meta({ description: "The percentile definition the figures follow." }),
  memoryMeasure: z.string().meta({ description: "What `memoryMeanBytes` measures." }),
  rollups: z.array(rollupSchema),
});
