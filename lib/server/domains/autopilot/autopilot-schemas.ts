import { z } from "zod";

/** Body of `PATCH /api/autopilot`. */
export const autopilotPatchSchema = z.object({ paused: z.boolean(), reason: z.string().trim().max(500).optional() }).strict();
