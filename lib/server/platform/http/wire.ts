import { z } from "zod";

// Shapes of response bodies shared by every route: the error body that route.ts answers with, and
// the wire forms of times. The API contract (lib/server/domains/api-contract) documents responses
// with these, and the API fuzz test parses real responses with them, so they cannot drift.

/**
 * Every refusal: `{error: {code, message, details}}` (route.ts `errorResponse`). `code` is one of
 * lib/errors.ts's codes or a transport code (`unsupported_media_type`); `details` is null, a
 * list of `{path, message}` field errors (400/422), or an object (e.g. `retryAfterSeconds`).
 */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: "Machine-readable reason, e.g. `validation_failed`, `not_found`, `unauthorized`." }),
      message: z.string().meta({ description: "Human-readable, safe to show; never a stack trace or SQL." }),
      details: z
        .union([z.array(z.strictObject({ path: z.string(), message: z.string() })), z.record(z.string(), z.unknown()), z.null()])
        .meta({ description: "null, the field errors (`path` names the field, parameter or header), or extra facts such as `retryAfterSeconds`." }),
    }),
  })
  .meta({ id: "Error", description: "The body of every 4xx and 5xx answer." });

/** A server `Date` as `JSON.stringify` writes it (`2026-11-30T07:11:07.123Z`). */
export const instantWire = z.iso.datetime().meta({ description: "ISO 8601 date-time, UTC (`Z`)." });

/** A calendar date as Postgres `date::text` gives it (`YYYY-MM-DD`). */
export const dateWire = z.iso.date();
