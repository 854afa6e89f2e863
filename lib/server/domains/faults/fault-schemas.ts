/** Request bodies, queries and responses of the fault-injection API. */
import { z } from "zod";
import { isoTime, operationName, variantName } from "../../platform/http/params";
import { nextCursorField, pageQuerySchema, paging } from "../../platform/http/paging";
import { instantWire } from "../../platform/http/wire";
import { FAULT_KINDS } from "./fault-index";

/** Faults that have not ended, newest first by (created_at, id). */
export const FAULT_PAGING = paging({ list: "faults", key: ["time", "text"], order: "desc", defaultLimit: 100, maxLimit: 500 });

export const faultListQuerySchema = pageQuerySchema(FAULT_PAGING);

export const faultCreateSchema = z
  .object({
    operation: operationName,
    variant: variantName,
    kind: z.enum(FAULT_KINDS),
    amount: z.number().positive().finite(),
    mode: z.enum(["absolute", "relative"]).default("absolute"),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  })
  .strict()
  .refine((b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined), { message: "give exactly one of endsAt or durationMinutes", path: ["endsAt"] })
  .refine((b) => b.mode === "absolute" || b.kind === "latency", { message: "relative applies to latency faults only", path: ["mode"] })
  .refine((b) => b.kind !== "error" || b.amount <= 1, { message: "an error fault's amount is a probability in (0, 1]", path: ["amount"] })
  .refine((b) => b.kind !== "latency" || b.amount <= (b.mode === "relative" ? 1_000 : 60_000), {
    message: "latency at most 60,000 ms or 1,000 %",
    path: ["amount"],
  })
  .refine((b) => b.kind !== "memory" || b.amount <= 1_024, { message: "at most 1,024 MB per call", path: ["amount"] });

export type FaultCreateInput = z.output<typeof faultCreateSchema>;

export const faultDeleteQuerySchema = z.object({ id: z.uuid("not a fault id") }).strict();

/** A fault with its window as ISO strings (`FaultDefinition`). */
export const faultSchema = z
  .strictObject({
    id: z.uuid(),
    operation: z.string(),
    variant: z.string(),
    kind: z.enum(FAULT_KINDS),
    amount: z.number().meta({ description: "latency: ms (absolute) or % of the recent median (relative); error: probability; memory: MB held per call." }),
    mode: z.enum(["absolute", "relative"]),
    startsAt: instantWire,
    endsAt: instantWire,
    createdBy: z.string(),
  })
  .meta({ id: "Fault" });

export const faultListSchema = z.strictObject({
  enabled: z.boolean().meta({ description: "Whether this server accepts faults (PERFPILOT_FAULT_INJECTION=1)." }),
  faults: z.array(faultSchema),
  ...nextCursorField,
});

export const faultDeletedSchema = z.strictObject({ deleted: z.uuid() });
