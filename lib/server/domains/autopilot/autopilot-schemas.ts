import { z } from "zod";
import { ROLLOUT_STATES } from "../../../optimizer/autopilot/types";
import { STRATEGIES } from "../../../optimizer/types";
import { safeText } from "../../platform/http/params";
import { nextCursorField, pageQuerySchema, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";

/** The autopilot's rollouts, newest first by (started_at, id). */
export const ROLLOUT_PAGING = paging({ list: "rollouts", key: ["time", "text"], order: "desc", defaultLimit: 100, maxLimit: 500 });

/** Query of `GET /api/autopilot`: the page of its rollouts. */
export const autopilotQuerySchema = pageQuerySchema(ROLLOUT_PAGING);

/** Body of `PATCH /api/autopilot`. */
export const autopilotPatchSchema = z.object({ paused: z.boolean(), reason: safeText({ max: 500, multiline: true }).optional() }).strict();

/** One autopilot decision about a rollout, with its reason and evidence (lib/optimizer/autopilot/types.ts `RolloutDecision`). */
const rolloutDecisionSchema = z.strictObject({
  at: z.number().meta({ description: "Epoch milliseconds." }),
  action: z.enum(["start", "hold", "advance", "rollback", "abort", "complete", "external"]),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});

/** A guarded rollout as `GET /api/autopilot` sends it (times as ISO strings). */
export const autopilotRolloutSchema = z
  .strictObject({
    id: z.string(),
    operation: z.string(),
    strategy: z.enum(STRATEGIES),
    rule: z.string().meta({ description: "The monitor rule that started it, e.g. `memory_high`." }),
    step: z.string().meta({ description: "`shadow`, `canary_<percent>`, `on`, or the terminal `rolled_back` / `aborted`." }),
    state: z.enum(ROLLOUT_STATES),
    startedAt: instantWire.nullable(),
    stepSince: instantWire.nullable(),
    finishedAt: instantWire.nullable(),
    lastDecision: rolloutDecisionSchema.nullable(),
  })
  .meta({ id: "AutopilotRollout" });

/** `GET`/`PATCH /api/autopilot`. `config` is null when the stored configuration is invalid (see `configError`). */
export const autopilotStatusSchema = z
  .strictObject({
    paused: z.boolean(),
    config: z.record(z.string(), z.unknown()).nullable(),
    configError: z.string().nullable(),
    rollouts: z.array(autopilotRolloutSchema),
    nextCursor: nextCursorField.nextCursor.meta({ description: "Pages `rollouts` (pass as `cursor`; null on the last page)." }),
  })
  .meta({ id: "AutopilotStatus" });
