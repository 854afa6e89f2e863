import { route, json } from "@/lib/server/http/route";
import { getRuntime } from "@/lib/server/runtime";
import { listSymbols } from "@/lib/server/market/queries";

export const dynamic = "force-dynamic";

/** The universe with each symbol's history span and latest replayed price. */
export const GET = route({ access: "viewer" }, async () => json({ symbols: await listSymbols(getRuntime().pool) }));
