import { route, json } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSymbols } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** The universe with each symbol's history span and latest replayed price. */
export const GET = route({ access: "viewer" }, async () => json({ symbols: await listSymbols(getRuntime().pool) }));
