/**
 * Request bodies and queries of the monitoring API (alerts, silences, autopilot, faults).
 */
import { z } from "zod";
import { ALERT_STATES } from "../../../optimizer/alerts/types";
import { MONITOR_RULES } from "../../../optimizer/monitor/types";
import { FAULT_KINDS } from "../faults/fault-index";

const operationName = z.string().regex(/^([a-z][a-z0-9-]*\.[a-z][a-z0-9-]*|process)$/, "not an operation name (service.operation)");
const variantName = z.string().regex(/^(baseline|all|[a-z]+(\+[a-z]+)*)$/, "not a variant (baseline or strategies joined by +)");
const isoTime = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

export const alertListQuerySchema = z
  .object({
    state: z.enum([...ALERT_STATES, "open"]).optional(),
    operation: operationName.optional(),
    rule: z.enum(MONITOR_RULES).optional(),
    before: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const alertIdSchema = z.uuid("not an alert id");

export const acknowledgeSchema = z
  .object({ note: z.string().trim().min(1).max(1000), expiresAt: isoTime.nullable().optional() })
  .strict();

export const resolveSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

export const silenceCreateSchema = z
  .object({
    operation: operationName.optional(),
    rule: z.enum(MONITOR_RULES).optional(),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
    durationMinutes: z.number().int().min(1).max(60 * 24 * 30).optional(),
    comment: z.string().trim().min(1).max(500),
  })
  .strict()
  .refine((b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined), { message: "give exactly one of endsAt or durationMinutes", path: ["endsAt"] });

export const silenceListQuerySchema = z.object({ includeExpired: z.enum(["true", "false"]).default("false").transform((v) => v === "true") }).strict();

export const autopilotPatchSchema = z.object({ paused: z.boolean(), reason: z.string().trim().max(500).optional() }).strict();

export const faultCreateSchema = z
  .object({
    operation: operationName,
    variant: variantName,
    kind: z.enum(FAULT_KINDS),
    amount: z.number().positive(),
    mode: z.enum(["absolute", "relative"]).default("absolute"),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
    durationMinutes: z.number().int().min(1).max(24 * 60).optional(),
  })
  .strict()
  .refine((b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined), { message: "give exactly one of endsAt or durationMinutes", path: ["endsAt"] })
  .refine((b) => b.mode === "absolute" || b.kind === "latency", { message: "relative applies to latency faults only", path: ["mode"] })
  .refine((b) => b.kind !== "error" || b.amount <= 1, { message: "an error fault's amount is a probability in (0, 1]", path: ["amount"] })
  .refine((b) => b.kind !== "latency" || b.amount <= (b.mode === "relative" ? 1_000 : 60_000), { message: "latency at most 60,000 ms or 1,000 %", path: ["amount"] })
  .refine((b) => b.kind !== "memory" || b.amount <= 1_024, { message: "at most 1,024 MB per call", path: ["amount"] });

export type FaultCreateInput = z.output<typeof faultCreateSchema>;

export const faultDeleteQuerySchema = z.object({ id: z.uuid("not a fault id") }).strict();
