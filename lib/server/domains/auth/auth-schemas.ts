import { z } from "zod";
import { safeText } from "../../platform/http/params";
import { ROLES } from "./roles";

// Bodies of the access-control API; shared with any client that builds them (no server deps).

/** `POST /api/tokens`. */
export const createTokenSchema = z
  .object({
    name: safeText({ min: 1, max: 100 }),
    role: z.enum(ROLES),
    /** Omitted: the token never expires (revoke it when done). */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** `POST /api/users`. Without a password, one is generated and returned once. */
export const createUserSchema = z
  .object({
    email: z.email().max(254),
    name: safeText({ min: 1, max: 100 }).optional(),
    role: z.enum(ROLES),
    password: safeText({ min: 8, max: 128, trim: false }).optional(),
  })
  .strict();

/** `PATCH /api/users/{id}`: a new role, disable (`true`) or re-enable (`false`), or both. */
export const updateUserSchema = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((u) => u.role !== undefined || u.disabled !== undefined, { message: "give a role, disabled, or both" });

/** Ids in paths (users and tokens are UUIDs; users made by better-auth itself have other ids). */
export const idParamSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "not an id");
