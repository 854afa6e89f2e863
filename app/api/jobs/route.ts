import { route, json } from "@/lib/server/platform/http/route";
import { internalErrorFor } from "@/lib/server/platform/http/redact";
import { getRuntime } from "@/lib/server/platform/runtime";
import { latestJobRuns } from "@/lib/server/domains/market/market-queries";

export const dynamic = "force-dynamic";

/** Scheduler status: every job's last run (outcome, duration), next run, and last-hour counts. */
export const GET = route({ access: "viewer" }, async (_req, _ctx, actor) => {
  const rt = getRuntime();
  const runs = await latestJobRuns(rt.pool);
  const next = rt.scheduler.nextRuns();
  const names = new Set([...Object.keys(next), ...runs.latest.map((r) => r.job)]);
  const maskRun = (r: (typeof runs.latest)[number] | null) => (r ? { ...r, error: internalErrorFor(actor, r.error) } : null);
  const jobs = [...names].sort().map((job) => ({
    job,
    nextRun: next[job] ?? null,
    lastRun: maskRun(runs.latest.find((r) => r.job === job) ?? null),
    lastHour: runs.lastHour.find((r) => r.job === job) ?? { ok: 0, errors: 0 },
  }));
  return json({ schedulerRunning: rt.scheduler.running, jobs });
});
