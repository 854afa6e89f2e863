import { AppError } from "@/lib/errors";
import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import type { FaultDefinition } from "@/lib/server/domains/faults/fault-index";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";
import { listFaults } from "@/lib/server/domains/faults/fault-queries";
import { faultCreateSchema, faultDeleteQuerySchema, faultListQuerySchema } from "@/lib/server/domains/faults/fault-schemas";

export const dynamic = "force-dynamic";

// Fault injection slows or breaks real calls: creating and removing faults is admin only, and
// refused altogether unless the server was started with PERFPILOT_FAULT_INJECTION=1. Viewers may
// see the active faults (they explain odd latencies on the dashboard).

const iso = (f: FaultDefinition) => ({ ...f, startsAt: new Date(f.startsAt).toISOString(), endsAt: new Date(f.endsAt).toISOString() });

/** Faults that have not ended (newest first, paged: `limit`, `cursor`), and whether fault injection is enabled on this server. */
export const GET = route({ access: "viewer" }, async (req) => {
  const q = parseQuery(req, faultListQuerySchema);
  const page = await listFaults(getRuntime().pool, { ...q, now: Date.now() });
  return json({ enabled: getMonitoring().faults.enabled, faults: page.items.map(iso), nextCursor: page.nextCursor });
});

/** Injects a fault (latency ms or % of the recent median, error probability, MB held per call) into one variant for a window. Audited. */
export const POST = route({ access: "admin" }, async (req, _ctx, actor) => {
  const body = await parseBody(req, faultCreateSchema);
  if (!getRuntime().engine.operation(body.operation)) {
    throw new AppError("validation_failed", `unknown operation ${body.operation}`, [{ path: "operation", message: "not a registered operation" }]);
  }
  return json(iso(await getMonitoring().faults.create(body, actor)), { status: 201 });
});

/** Removes a fault now: `DELETE /api/faults?id=…`. Audited. */
export const DELETE = route({ access: "admin" }, async (req, _ctx, actor) => {
  const { id } = parseQuery(req, faultDeleteQuerySchema);
  return json({ deleted: (await getMonitoring().faults.remove(id, actor)).id });
});
