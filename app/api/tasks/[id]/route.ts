import { z } from "zod";
import { route, json } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";

export const dynamic = "force-dynamic";

/** A background task's state, progress and estimate. */
export const GET = route<{ id: string }>({ access: "viewer" }, async (_req, ctx) => json(await getRuntime().tasks.get(z.uuid().parse((await ctx.params).id))));
