import crypto from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { DEFAULT_INDICATOR_PARAMS } from "@/lib/market/indicators/params";
import { route, json, parseBody } from "@/lib/server/http/route";
import { symbolSchema } from "@/lib/server/http/schemas";
import { getRuntime } from "@/lib/server/runtime";
import { marketClock } from "@/lib/server/market/queries";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ symbols: z.array(symbolSchema).min(1).max(100) }).strict();

/** Builds the market report inside the request (the slow baseline) and stores it. */
export const POST = route(async (req) => {
  const { symbols } = await parseBody(req, bodySchema);
  const { pool, prisma, services } = getRuntime();
  const clock = await marketClock(pool);
  if (!clock) throw new AppError("unavailable", "the market clock has not started yet; retry in a few seconds");
  const unique = [...new Set(symbols)];
  const t0 = performance.now();
  const report = await services.call(services.ops.buildReport, { symbols: unique, asOf: clock.currentDate, params: DEFAULT_INDICATOR_PARAMS });
  if (report.symbols.length === 0) throw new AppError("validation_failed", "none of the symbols is in the universe", { unknownSymbols: report.unknownSymbols });
  const durationMs = Math.round(performance.now() - t0);
  const id = crypto.randomUUID();
  await prisma.report.create({
    data: { id, symbols: report.symbols, marketDate: new Date(`${clock.currentDate}T00:00:00Z`), durationMs, body: JSON.parse(JSON.stringify(report)) },
  });
  return json({ id, durationMs, report }, { status: 201 });
});
