import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listPriceAlerts } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** Price alerts raised by the price monitor, newest first. */
export const GET = route({ access: "viewer" }, async (req) =>
  json({ priceAlerts: await listPriceAlerts(getRuntime().pool, parseQuery(req, z.object({ limit: limitSchema(500, 100) }))) }),
);
