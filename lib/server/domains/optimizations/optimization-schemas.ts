import { z } from "zod";
import { MASTER_SWITCHES, OPTIMIZATION_STATES, STRATEGIES } from "../../../optimizer/types";
import { safeText } from "../../platform/http/params";

/** Body of `PATCH /api/optimizations/{id}` (shared with the dashboard's controls). */
export const stateChangeSchema = z
  .object({
    state: z.enum(OPTIMIZATION_STATES),
    percent: z.number().min(0).max(100).optional(),
    reason: safeText({ min: 1, max: 500, multiline: true }).optional(),
  })
  .strict();

export const rollbackSchema = z.object({ reason: safeText({ min: 1, max: 500, multiline: true }).optional() }).strict();

export const switchChangeSchema = z
  .object({ name: z.enum(MASTER_SWITCHES), enabled: z.boolean(), reason: safeText({ max: 500, multiline: true }).optional() })
  .strict();

export const optimizationIdSchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*:(${STRATEGIES.join("|")})$`), "not an optimization id");
