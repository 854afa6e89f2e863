import { z } from "zod";
import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listComparisons } from "@/lib/server/domains/comparisons/comparison-queries";
import { STRATEGIES } from "@/lib/optimizer/types";

export const dynamic = "force-dynamic";

/** Comparisons (live and benchmark), newest first. */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, z.object({ operation: z.string().max(100).optional(), limit: limitSchema(500, 50) }));
  return json({ comparisons: await listComparisons(getRuntime().pool, q) });
});

const runSchema = z
  .object({
    operation: z.string().min(3).max(100),
    strategies: z.array(z.enum(STRATEGIES)).min(1).max(4),
    iterations: z.number().int().min(5).max(500).default(40),
    warmup: z.number().int().min(0).max(50).default(3),
  })
  .strict();

/** Runs an on-demand benchmark as a background task; answers at once with the task handle. */
export const POST = route({ access: "operator" }, async (req, _ctx, actor) => {
  const body = await parseBody(req, runSchema);
  const rt = getRuntime();
  const handle = await rt.tasks.submit("benchmark.run", body, actor.name);
  return json(handle, { status: 202 });
});
