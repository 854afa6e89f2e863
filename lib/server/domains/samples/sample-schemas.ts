/** The query and response of `GET /api/metrics/samples`. */
import { z } from "zod";
import { instantQuerySchema, safeText } from "../../platform/http/params";
import { nextCursorField, pageQuery, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";

/** Raw samples, newest first by (at, instance, seq): a page is at most 10,000 calls (≈ 2 MB of JSON). */
export const SAMPLE_PAGING = paging({ list: "samples", key: ["time", "text", "int"], order: "desc", defaultLimit: 1000, maxLimit: 10_000 });

export const sampleQuerySchema = z.object({
  operation: safeText({ min: 3, max: 100 }),
  variant: safeText({ max: 100 }).optional(),
  from: instantQuerySchema
    .optional()
    .transform((d) => d ?? new Date(Date.now() - 3_600_000))
    .meta({ description: "Default: an hour ago." }),
  to: instantQuerySchema
    .optional()
    .transform((d) => d ?? new Date())
    .meta({ description: "Default: now." }),
  ...pageQuery(SAMPLE_PAGING),
});

/** One recorded call (lib/api/sample-types.ts `SampleView`, as the wire carries it). */
export const sampleSchema = z
  .strictObject({
    at: instantWire,
    operation: z.string(),
    variant: z.string(),
    durationMs: z.number(),
    memoryBytes: z.number().nullable(),
    outcome: z.enum(["ok", "error", "fallback", "timeout"]),
    cacheHit: z.boolean(),
    shadow: z.boolean(),
    instance: z.string(),
    keyHash: z.number().int(),
  })
  .meta({ id: "Sample" });

export const sampleListSchema = z.strictObject({
  memoryMeasure: z.string().meta({ description: "What `memoryBytes` measures." }),
  samples: z.array(sampleSchema),
  ...nextCursorField,
});
