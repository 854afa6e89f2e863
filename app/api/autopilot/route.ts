import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listRollouts } from "@/lib/server/domains/autopilot/rollout-queries";
import { ROLLOUT_PAGING, autopilotPatchSchema, autopilotQuerySchema } from "@/lib/server/domains/autopilot/autopilot-schemas";
import { AUTOPILOT_PAUSED_KEY, isAutopilotPaused, loadAutopilotConfig, writeSetting } from "@/lib/server/domains/monitor/settings";

export const dynamic = "force-dynamic";

async function status(page: Parameters<typeof listRollouts>[1]) {
  const { pool } = getRuntime();
  // An invalid stored configuration is shown, not turned into a 500: this is where one looks for it.
  const config = loadAutopilotConfig(pool).then(
    (c) => ({ config: c, configError: null }),
    (err: unknown) => ({ config: null, configError: err instanceof Error ? err.message : String(err) }),
  );
  const [paused, cfg, rollouts] = await Promise.all([isAutopilotPaused(pool), config, listRollouts(pool, page)]);
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    paused,
    ...cfg,
    rollouts: rollouts.items.map((r) => ({ ...r, startedAt: iso(r.startedAt), stepSince: iso(r.stepSince), finishedAt: iso(r.finishedAt) })),
    nextCursor: rollouts.nextCursor,
  };
}

/** The autopilot: paused or not, its rules, and its rollouts (newest first, paged: `limit`, `cursor`) with the last decision and why. */
export const GET = route({ access: "viewer" }, async (req) => json(await status(parseQuery(req, autopilotQuerySchema))));

/** Pauses or resumes the autopilot (setting `autopilot.paused`; an autopilot setting, so admin). Audited. */
export const PATCH = route({ access: "admin" }, async (req, _ctx, actor) => {
  const { paused, reason } = await parseBody(req, autopilotPatchSchema);
  await writeSetting(getRuntime().pool, AUTOPILOT_PAUSED_KEY, paused, actor, reason ?? (paused ? "autopilot paused" : "autopilot resumed"));
  return json(await status({ limit: ROLLOUT_PAGING.defaultLimit }));
});
