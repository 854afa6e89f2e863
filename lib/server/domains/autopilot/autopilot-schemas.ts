import { z } from "zod";
import { safeText } from "../../platform/http/params";

/** Body of `PATCH /api/autopilot`. */
export const autopilotPatchSchema = z.object({ paused: z.boolean(), reason: safeText({ max: 500, multiline: true }).optional() }).strict();
