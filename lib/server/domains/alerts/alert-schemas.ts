/**
 * Request bodies, queries and responses of the alerts API (alerts, silences).
 */
import { z } from "zod";
import { ALERT_RULES, ALERT_STATES, DATABASE_OPERATION } from "../../../optimizer/alerts/types";
import { isoTime, operationName, safeText } from "../../platform/http/params";
import { nextCursorField, pageQuery, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";

/** An operation an alert or silence can name: a registered one's name, `process`, or `database`. */
const alertOperation = z.union([operationName, z.literal(DATABASE_OPERATION)], { error: "not an operation name (service.operation, process or database)" });

/** Alerts, newest first by (started_at, id). */
export const ALERT_PAGING = paging({ list: "alerts", key: ["time", "text"], order: "desc", defaultLimit: 200, maxLimit: 1000 });

/** Silences, newest first by (starts_at, id). */
export const SILENCE_PAGING = paging({ list: "silences", key: ["time", "text"], order: "desc", defaultLimit: 100, maxLimit: 500 });

export const alertListQuerySchema = z
  .object({
    state: z.enum([...ALERT_STATES, "open"]).optional(),
    operation: alertOperation.optional(),
    rule: z.enum(ALERT_RULES).optional(),
    before: isoTime.optional().meta({ description: "Only alerts started before this time." }),
    ...pageQuery(ALERT_PAGING),
  })
  .strict();

export const alertIdSchema = z.uuid("not an alert id");

export const silenceIdSchema = z.uuid("not a silence id");

export const acknowledgeSchema = z.object({ note: safeText({ min: 1, max: 1000, multiline: true }), expiresAt: isoTime.nullable().optional() }).strict();

export const resolveSchema = z.object({ reason: safeText({ min: 1, max: 500, multiline: true }).optional() }).strict();

export const silenceCreateSchema = z
  .object({
    operation: alertOperation.optional(),
    rule: z.enum(ALERT_RULES).optional(),
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
    ...pageQuery(SILENCE_PAGING),
  })
  .strict();

// ── responses ──────────────────────────────────────────────────────────────────────────────

/** An alert as routes and the `alerts` room send it (`toAlertPayload`; lib/realtime/events.ts `AlertPayload`). */
export const alertSchema = z
  .strictObject({
    id: z.uuid(),
    fingerprint: z.string(),
    operation: z.string(),
    variant: z.string(),
    rule: z.string(),
    severity: z.enum(["warning", "critical"]),
    state: z.enum(["pending", "firing", "resolved", "discarded"]),
    summary: z.string(),
    evidence: z.unknown().meta({ description: "Values, thresholds, sample sizes, test and window of the finding." }),
    startedAt: instantWire,
    firingAt: instantWire.nullable(),
    lastSeenAt: instantWire,
    clearedAt: instantWire.nullable(),
    resolvedAt: instantWire.nullable(),
    acknowledgedAt: instantWire.nullable(),
    acknowledgedBy: z.string().nullable(),
    ackNote: z.string().nullable(),
    ackExpiresAt: instantWire.nullable(),
    notifiedAt: instantWire.nullable(),
    reopenCount: z.number().int(),
  })
  .meta({ id: "Alert" });

export const alertListSchema = z.strictObject({ alerts: z.array(alertSchema), ...nextCursorField });

/** A silence with its times as ISO strings (null operation or rule = every one). */
export const silenceSchema = z
  .strictObject({
    id: z.uuid(),
    operation: z.string().nullable(),
    rule: z.string().nullable(),
    startsAt: instantWire,
    endsAt: instantWire,
    createdBy: z.string(),
    comment: z.string().nullable(),
    createdAt: instantWire,
  })
  .meta({ id: "Silence" });

export const silenceListSchema = z.strictObject({ silences: z.array(silenceSchema), ...nextCursorField });

export const silenceDeletedSchema = z.strictObject({ deleted: z.uuid() });
