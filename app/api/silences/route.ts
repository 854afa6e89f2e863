import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listSilences } from "@/lib/server/domains/alerts/alert-queries";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";
import { silenceCreateSchema, silenceListQuerySchema } from "@/lib/server/domains/alerts/alert-schemas";

export const dynamic = "force-dynamic";

const iso = (s: { startsAt: number; endsAt: number; createdAt: number }) => ({
  ...s,
  startsAt: new Date(s.startsAt).toISOString(),
  endsAt: new Date(s.endsAt).toISOString(),
  createdAt: new Date(s.createdAt).toISOString(),
});

/** Active silences (`?includeExpired=true` for past ones too), newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "viewer" }, async (req) => {
  const page = await listSilences(getRuntime().pool, { ...parseQuery(req, silenceListQuerySchema), now: Date.now() });
  return json({ silences: page.items.map(iso), nextCursor: page.nextCursor });
});

/** Silences alerts of an operation and/or rule for a time window (tracked, not notified). Audited. */
export const POST = route({ access: "operator" }, async (req, _ctx, actor) => {
  const body = await parseBody(req, silenceCreateSchema);
  const startsAt = body.startsAt ?? Date.now();
  const endsAt = body.endsAt ?? startsAt + body.durationMinutes! * 60_000;
  const s = await getMonitoring().alerts.silence(
    { operation: body.operation ?? null, rule: body.rule ?? null, startsAt, endsAt, comment: body.comment },
    actor,
  );
  return json(iso(s), { status: 201 });
});
