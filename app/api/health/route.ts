import { route, json } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { latestImport } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

type Check = { ok: boolean; detail?: unknown };

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  try {
    return { ok: true, detail: await fn() };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Liveness of every dependency; 503 when one is down. */
export const GET = route({ access: "public" }, async () => {
  const rt = getRuntime();
  const database = await timed(async () => {
    const t0 = performance.now();
    await rt.pool.query("select 1");
    return { latencyMs: Math.round((performance.now() - t0) * 100) / 100 };
  });
  const queue = await timed(async () => {
    await rt.pool.query("select 1 from pgboss.version limit 1");
    return { schema: "pgboss" };
  });
  const dataImport = await timed(async () => {
    const run = await latestImport(rt.pool);
    if (!run || run.status !== "completed") throw new Error("price data not imported");
    return run;
  });
  const checks = {
    database,
    queue,
    scheduler: { ok: rt.scheduler.running, detail: rt.scheduler.running ? { nextRuns: rt.scheduler.nextRuns() } : "disabled" },
    socket: { ok: true, detail: { clients: rt.socketClients() } },
    dataImport,
  };
  const ok = database.ok && queue.ok && dataImport.ok;
  return json(
    { status: ok ? "ok" : "degraded", instanceId: rt.instanceId, uptimeSeconds: Math.round((Date.now() - rt.startedAt.getTime()) / 1000), checks },
    { status: ok ? 200 : 503 },
  );
});
