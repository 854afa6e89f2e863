import { AppError } from "@/lib/errors";
import { DEFAULT_INDICATOR_PARAMS } from "@/lib/market/indicators/params";
import { buildReport } from "@/lib/operations/reports/build";
import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { reportRequestSchema } from "@/lib/server/domains/market/market-schemas";

export const dynamic = "force-dynamic";

/**
 * The market report: built inside the request (the slow baseline) and returned, or — with the queue
 * optimization — a task handle at once, the report stored with the task (its one place).
 */
export const POST = route({ access: "operator" }, async (req, _ctx, actor) => {
  const { symbols } = await parseBody(req, reportRequestSchema);
  const { market, operations, tasks } = getRuntime();
  const asOf = await market.marketDate();
  if (!asOf) throw new AppError("unavailable", "the market clock has not started yet; retry in a few seconds");
  const input = { symbols: [...new Set(symbols)], asOf, params: DEFAULT_INDICATOR_PARAMS };
  const r = await tasks.invoke(operations.spec(buildReport), input, actor.name);
  if (r.kind === "queued") return json(r.task, { status: 202 });
  if (r.result.symbols.length === 0)
    throw new AppError("validation_failed", "none of the symbols is in the universe", { unknownSymbols: r.result.unknownSymbols });
  return json({ report: r.result });
});
