import { z } from "zod";
import { MASTER_SWITCHES, OPTIMIZATION_STATES, STRATEGIES } from "../../../optimizer/types";

/** Body of `PATCH /api/optimizations/{id}` (shared with the dashboard's controls). */
export const stateChangeSchema = z
  .object({
    state: z.enum(OPTIMIZATION_STATES),
    percent: z.number().min(0).max(100).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

export const rollbackSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

export const switchChangeSchema = z.object({ name: z.enum(MASTER_SWITCHES), enabled: z.boolean(), reason: z.string().trim().max(500).optional() }).strict();

export const optimizationIdSchema = z.string().regex(new RegExp(`^[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*:(${STRATEGIES.join("|")})$`), "not an optimization id");
