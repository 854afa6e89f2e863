import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSymbols } from "@/lib/server/domains/market/market-queries";
import { symbolQuerySchema } from "@/lib/server/domains/market/market-schemas";

export const dynamic = "force-dynamic";

/** The universe with each symbol's history span and latest replayed price, by symbol, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listSymbols(getRuntime().pool, parseQuery(req, symbolQuerySchema));
  return json({ symbols: page.items, nextCursor: page.nextCursor });
});
