/** The query and response of `GET /api/metrics/rollups`. */
import { z } from "zod";
import { instantQuerySchema, safeText } from "../../platform/http/params";
import { nextCursorField, pageQuery, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";

/**
 * Rollups, oldest first by (minute, variant). A page is at most 10,000 rows (≈ 2 MB of JSON): a
 * range holding more (86,400 rows made an 18 MB answer) is paged by cursor rather than refused,
 * like every list; 24 hours of one operation with up to six variants (8,640 rows) is one page.
 */
export const ROLLUP_PAGING = paging({ list: "rollups", key: ["time", "text"], order: "asc", defaultLimit: 10_000, maxLimit: 10_000 });

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
  ...pageQuery(ROLLUP_PAGING),
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
  ...nextCursorField,
});
