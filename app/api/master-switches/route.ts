import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSwitches } from "@/lib/server/domains/optimizations/optimization-queries";
import { switchChangeSchema } from "@/lib/server/domains/optimizations/optimization-schemas";

export const dynamic = "force-dynamic";

/** The four type-level master switches. */
export const GET = route({ access: "viewer" }, async () => json({ switches: await listSwitches(getRuntime().pool) }));

/** Turns a master switch on or off (every optimization of its types follows). */
export const PATCH = route({ access: "admin" }, async (req, _ctx, actor) => {
  const body = await parseBody(req, switchChangeSchema);
  const rt = getRuntime();
  await rt.optimizationStore.setSwitch(body.name, body.enabled, actor, body.reason);
  return json({ switches: await listSwitches(rt.pool) });
});
