import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { priceAlertQuerySchema } from "@/lib/server/domains/market/market-schemas";
import { listPriceAlerts } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** Price alerts raised by the price monitor, newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listPriceAlerts(getRuntime().pool, parseQuery(req, priceAlertQuerySchema));
  return json({ priceAlerts: page.items, nextCursor: page.nextCursor });
});
