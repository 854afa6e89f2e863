import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema, symbolSchema } from "@/lib/server/platform/http/params";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listNews } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

const querySchema = z.object({ source: z.enum(["investing", "yahoo"]).optional(), ticker: symbolSchema.optional(), limit: limitSchema(200, 50) });

/** Stored news articles and the health of each source. */
export const GET = route({ access: "viewer" }, async (req, _ctx, actor) => {
  const news = await listNews(getRuntime().pool, parseQuery(req, querySchema));
  return json({ ...news, sources: news.sources.map((s) => ({ ...s, lastError: internalErrorFor(actor, s.lastError) })) });
});
