import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { sampleQuerySchema } from "@/lib/server/domains/samples/sample-schemas";
import { listSamples } from "@/lib/server/domains/samples/sample-queries";
import { MEMORY_PER_CALL_MEASURE } from "@/lib/optimizer/types";

export const dynamic = "force-dynamic";

/** Raw samples of an operation (and variant) in a time range, newest first, paged (`limit`, `cursor`); `memoryMeasure` says what `memoryBytes` is. */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listSamples(getRuntime().pool, parseQuery(req, sampleQuerySchema));
  return json({ memoryMeasure: MEMORY_PER_CALL_MEASURE, samples: page.items, nextCursor: page.nextCursor });
});
