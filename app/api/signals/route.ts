import { z } from "zod";
import { route, json, parseQuery } from "@/lib/server/platform/http/route";
import { limitSchema, symbolSchema } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSignals } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

const KINDS = [
  "golden_cross",
  "death_cross",
  "rsi_oversold",
  "rsi_overbought",
  "macd_bullish",
  "macd_bearish",
  "bollinger_upper_breakout",
  "bollinger_lower_breakout",
] as const;
const querySchema = z.object({ symbol: symbolSchema.optional(), kind: z.enum(KINDS).optional(), limit: limitSchema(500, 100) });

/** Stored trading signals, newest first. */
export const GET = route({ access: "viewer" }, async (req) => json({ signals: await listSignals(getRuntime().pool, parseQuery(req, querySchema)) }));
