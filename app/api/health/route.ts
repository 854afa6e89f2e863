import { route, json } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { latestImport } from "@/lib/server/domains/market/market-queries";
import { resolveActor } from "@/lib/server/domains/auth/authorize";
import { processDatabaseWatch } from "@/lib/server/platform/db/database-watch";

export const dynamic = "force-dynamic";

type Check = { ok: boolean; detail?: unknown };

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  try {
    return { ok: true, detail: await fn() };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Whether the caller is signed in; an invalid token or session reads as anonymous here (a probe never needs a 401). */
async function signedIn(req: Request): Promise<boolean> {
  try {
    return (await resolveActor(req.headers)) !== null;
  } catch {
    return false;
  }
}

/**
 * Liveness of every dependency; 503 when one is down. Anonymous callers (load balancers, probes)
 * get the status alone; the checks (versions, hosts, error texts) are for signed-in users.
 */
export const GET = route({ access: "public" }, async (req) => {
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
  // Since when the database watch has seen it down (or up), and how many outages it saw.
  const watched = processDatabaseWatch()?.state();
  if (watched)
    database.detail = {
      ...(database.ok ? (database.detail as object) : { error: database.detail }),
      watch: { up: watched.up, since: new Date(watched.since).toISOString(), outages: watched.outages },
    };
  const checks = {
    database,
    queue,
    scheduler: { ok: rt.scheduler.running, detail: rt.scheduler.running ? { nextRuns: rt.scheduler.nextRuns() } : "disabled" },
    socket: { ok: true, detail: { clients: rt.socketClients() } },
    dataImport,
  };
  const ok = database.ok && queue.ok && dataImport.ok;
  const status = ok ? "ok" : "degraded";
  if (!(await signedIn(req))) return json({ status }, { status: ok ? 200 : 503 });
  return json(
    { status, instanceId: rt.instanceId, uptimeSeconds: Math.round((Date.now() - rt.startedAt.getTime()) / 1000), checks },
    { status: ok ? 200 : 503 },
  );
});
