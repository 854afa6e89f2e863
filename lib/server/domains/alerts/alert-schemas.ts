/**
 * Request bodies and queries of the alerts API (alerts, silences).
 */
import { z } from "zod";
import { ALERT_STATES } from "../../../optimizer/alerts/types";
import { MONITOR_RULES } from "../../../optimizer/monitor/types";
import { isoTime, limitSchema, operationName, safeText } from "../../platform/http/params";

export const alertListQuerySchema = z
  .object({
    state: z.enum([...ALERT_STATES, "open"]).optional(),
    operation: operationName.optional(),
    rule: z.enum(MONITOR_RULES).optional(),
    before: isoTime.optional(),
    limit: limitSchema(1000, 200),
  })
  .strict();

export const alertIdSchema = z.uuid("not an alert id");

export const acknowledgeSchema = z.object({ note: safeText({ min: 1, max: 1000, multiline: true }), expiresAt: isoTime.nullable().optional() }).strict();

export const resolveSchema = z.object({ reason: safeText({ min: 1, max: 500, multiline: true }).optional() }).strict();

export const silenceCreateSchema = z
  .object({
    operation: operationName.optional(),
    rule: z.enum(MONITOR_RULES).optional(),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30)
      .optional(),
    comment: safeText({ min: 1, max: 500, multiline: true }),
  })
  .strict()
  .refine((b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined), {
    message: "give exactly one of endsAt or durationMinutes",
    path: ["endsAt"],
  });

export const silenceListQuerySchema = z
  .object({
    includeExpired: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
  })
  .strict();
