import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";
import { newsQuerySchema } from "@/lib/server/domains/market/market-schemas";
import { listNews } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** Stored news articles (newest first, paged: `limit`, `cursor`) and the health of each source. */
export const GET = route({ access: "viewer" }, async (req, _ctx, actor) => {
  const news = await listNews(getRuntime().pool, parseQuery(req, newsQuerySchema));
  return json({ ...news, sources: news.sources.map((s) => ({ ...s, lastError: internalErrorFor(actor, s.lastError) })) });
});
