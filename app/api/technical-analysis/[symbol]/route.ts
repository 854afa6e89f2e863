import { AppError } from "@/lib/errors";
import { parseIndicatorParams } from "@/lib/market/indicators/params";
import { route, json, jsonKept, parseQuery, parseParam } from "@/lib/server/platform/http/route";
import { mayStartWork } from "@/lib/server/domains/auth/authorize";
import { getRuntime } from "@/lib/server/platform/runtime";
import { indicatorQuerySchema } from "@/lib/server/domains/market/market-schemas";
import { symbolSchema } from "@/lib/server/platform/http/params";
import { calculateIndicators } from "@/lib/operations/technical-indicators/calculate";

export const dynamic = "force-dynamic";

/** All indicators of one symbol at the market clock (or `asOf`, never past the clock): cached, computed or queued. */
export const GET = route<{ symbol: string }>({ access: "viewer" }, async (req, ctx, actor) => {
  const symbol = await parseParam(ctx, "symbol", symbolSchema);
  const q = parseQuery(req, indicatorQuerySchema);
  const params = parseIndicatorParams({
    ...(q.sma ? { sma: q.sma } : {}),
    ...(q.ema ? { ema: q.ema } : {}),
    ...(q.rsi ? { rsi: q.rsi } : {}),
    ...(q.bollinger || q.bollingerK ? { bollinger: { period: q.bollinger ?? 20, k: q.bollingerK ?? 2 } } : {}),
    ...(q.atr ? { atr: q.atr } : {}),
  });
  const { market, operations, tasks } = getRuntime();
  if (!(await market.isKnownSymbol(symbol))) throw new AppError("not_found", `unknown symbol ${symbol}`);
  const clockDate = await market.marketDate();
  if (!clockDate) throw new AppError("unavailable", "the market clock has not started yet; retry in a few seconds");
  const asOf = q.asOf && q.asOf < clockDate ? q.asOf : clockDate;
  const input = { symbol, asOf, params, points: q.points };
  // A GET another site could trigger is answered now, never turned into a queued task.
  const r = await tasks.invoke(operations.spec(calculateIndicators), input, actor.name, { mayQueue: mayStartWork(req, actor) });
  if (r.kind === "queued") return json(r.task, { status: 202 });
  // Results are never changed once made, and the cache hands the same object out again.
  return jsonKept(r.result, r.kept ? { headers: { "x-perfpilot-cache": "hit" } } : undefined);
});
