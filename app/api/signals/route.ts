import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { signalQuerySchema } from "@/lib/server/domains/market/market-schemas";
import { listSignals } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** Stored trading signals, newest first. */
export const GET = route({ access: "viewer" }, async (req) => json({ signals: await listSignals(getRuntime().pool, parseQuery(req, signalQuerySchema)) }));
