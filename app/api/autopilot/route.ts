import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { pgRolloutStore } from "@/lib/server/domains/autopilot/pg-rollout-store";
import { autopilotPatchSchema } from "@/lib/server/domains/autopilot/autopilot-schemas";
import { AUTOPILOT_PAUSED_KEY, isAutopilotPaused, loadAutopilotConfig, writeSetting } from "@/lib/server/domains/monitor/settings";

export const dynamic = "force-dynamic";

async function status() {
  const { pool } = getRuntime();
  // An invalid stored configuration is shown, not turned into a 500: this is where one looks for it.
  const config = loadAutopilotConfig(pool).then(
    (c) => ({ config: c, configError: null }),
    (err: unknown) => ({ config: null, configError: err instanceof Error ? err.message : String(err) }),
  );
  const [paused, cfg, rollouts] = await Promise.all([isAutopilotPaused(pool), config, pgRolloutStore(pool).list(100)]);
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    paused,
    ...cfg,
    rollouts: rollouts.map((r) => ({ ...r, startedAt: iso(r.startedAt), stepSince: iso(r.stepSince), finishedAt: iso(r.finishedAt) })),
  };
}

/** The autopilot: paused or not, its rules, and its rollouts (active first by time) with the last decision and why. */
export const GET = route({ access: "viewer" }, async () => json(await status()));

/** Pauses or resumes the autopilot (setting `autopilot.paused`; an autopilot setting, so admin). Audited. */
export const PATCH = route({ access: "admin" }, async (req, _ctx, actor) => {
  const { paused, reason } = await parseBody(req, autopilotPatchSchema);
  await writeSetting(getRuntime().pool, AUTOPILOT_PAUSED_KEY, paused, actor, reason ?? (paused ? "autopilot paused" : "autopilot resumed"));
  return json(await status());
});
