import { AppError } from "@/lib/errors";
import { route, json, parseQuery, parseParam } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { priceQuerySchema } from "@/lib/server/domains/market/market-schemas";
import { symbolSchema } from "@/lib/server/platform/http/params";
import { priceHistory } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/**
 * Daily bars of one symbol up to the market clock (never the replay's future): the newest `limit`,
 * oldest first; `nextCursor` pages back in time.
 */
export const GET = route<{ symbol: string }>({ access: "viewer" }, async (req, ctx) => {
  const symbol = await parseParam(ctx, "symbol", symbolSchema);
  const q = parseQuery(req, priceQuerySchema);
  const { pool, market } = getRuntime();
  if (!(await market.isKnownSymbol(symbol))) throw new AppError("not_found", `unknown symbol ${symbol}`);
  const asOf = await market.marketDate();
  const page = await priceHistory(pool, symbol, { ...q, to: asOf ?? "9999-12-31" });
  return json({ symbol, asOf, bars: page.items, nextCursor: page.nextCursor });
});
