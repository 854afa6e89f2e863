import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { instantQuerySchema, limitSchema, safeText } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSamples } from "@/lib/server/domains/samples/sample-queries";
import { MEMORY_PER_CALL_MEASURE } from "@/lib/optimizer/types";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  operation: safeText({ min: 3, max: 100 }),
  variant: safeText({ max: 100 }).optional(),
  from: instantQuerySchema.optional().transform((d) => d ?? new Date(Date.now() - 3_600_000)),
  to: instantQuerySchema.optional().transform((d) => d ?? new Date()),
  limit: limitSchema(10_000, 1000),
});

/** Raw samples of an operation (and variant) in a time range, newest first; `memoryMeasure` says what `memoryBytes` is. */
export const GET = route({ access: "viewer" }, async (req) =>
  json({ memoryMeasure: MEMORY_PER_CALL_MEASURE, samples: await listSamples(getRuntime().pool, parseQuery(req, querySchema)) }),
);
