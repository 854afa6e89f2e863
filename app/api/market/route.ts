import { route, json } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { marketClock } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** The market clock and every symbol's latest replayed price. */
export const GET = route({ access: "viewer" }, async () => {
  const { pool, market } = getRuntime();
  const [clock, prices] = await Promise.all([marketClock(pool), market.latestPrices()]);
  return json({ clock, prices });
});
