import crypto from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { DEFAULT_INDICATOR_PARAMS } from "@/lib/market/indicators/params";
import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { symbolSchema } from "@/lib/server/platform/http/params";
import { getRuntime } from "@/lib/server/platform/runtime";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ symbols: z.array(symbolSchema).min(1).max(100) }).strict();

/** Builds the market report inside the request (the slow baseline) and stores it, or queues it as a task. */
export const POST = route({ access: "operator" }, async (req) => {
  const { symbols } = await parseBody(req, bodySchema);
  const { prisma, services, tasks } = getRuntime();
  const asOf = await services.marketDate();
  if (!asOf) throw new AppError("unavailable", "the market clock has not started yet; retry in a few seconds");
  const input = { symbols: [...new Set(symbols)], asOf, params: DEFAULT_INDICATOR_PARAMS };
  // With the queue optimization the caller gets a task handle at once; the result is stored with the task.
  if (services.engine.shouldQueue(services.ops.buildReport, input)) {
    return json(await tasks.submit(services.ops.buildReport.name, input), { status: 202 });
  }
  const t0 = performance.now();
  const report = await services.call(services.ops.buildReport, input);
  if (report.symbols.length === 0) throw new AppError("validation_failed", "none of the symbols is in the universe", { unknownSymbols: report.unknownSymbols });
  const durationMs = Math.round(performance.now() - t0);
  const id = crypto.randomUUID();
  await prisma.report.create({
    data: { id, symbols: report.symbols, marketDate: new Date(`${asOf}T00:00:00Z`), durationMs, body: JSON.parse(JSON.stringify(report)) },
  });
  return json({ id, durationMs, report }, { status: 201 });
});
