import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSamples } from "@/lib/server/domains/optimizations/optimization-queries";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  operation: z.string().min(3).max(100),
  variant: z.string().max(100).optional(),
  from: z.coerce.date().default(() => new Date(Date.now() - 3_600_000)),
  to: z.coerce.date().default(() => new Date()),
  limit: limitSchema(10_000, 1000),
});

/** Raw samples of an operation (and variant) in a time range, newest first. */
export const GET = route({ access: "viewer" }, async (req) => json({ samples: await listSamples(getRuntime().pool, parseQuery(req, querySchema)) }));
