import type { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from "zod-openapi";
import { errorBodySchema } from "../../platform/http/wire";
import type { Access } from "../../platform/http/route";

/** The error statuses an operation may add to those its inputs and access imply. */
export type ExtraError = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** One route × method as the contract describes it, in the terms the route is written in. */
export interface OperationSpec {
  /** Who may call it: the `access` the route declares with `route({ access }, …)`. */
  access: Access;
  tag: string;
  summary: string;
  description?: string;
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * A valid body, shown to readers and drawn by the API fuzz test. Here rather than as the schema's
   * `examples`: zod leaves examples out of a schema with transforms when it describes the input.
   */
  bodyExample?: Record<string, unknown>;
  /** Success answers by status. */
  ok: Partial<
    Record<200 | 201 | 202, { description: string; schema: z.ZodType; contentType?: string } | { description: string; content: Record<string, z.ZodType> }>
  >;
  /** Errors the handler raises itself (404, 409, …), with when. */
  errors?: Partial<Record<ExtraError, string>>;
  /** The route answers without touching the database (no 503). */
  noDatabase?: boolean;
  /** A different error body (better-auth's own answers). */
  errorSchema?: z.ZodType;
  /** Inputs validated by the auth library, which answers 400 (not our 422) for invalid ones. */
  libraryValidated?: boolean;
  /** Non-2xx answers that are not the shared error body (e.g. health's 503 with its checks). */
  special?: Partial<Record<number, { description: string; schema: z.ZodType }>>;
  /** The body is optional (the route reads an empty body as `{}`); derived from the schema when omitted. */
  bodyRequired?: boolean;
}

const ROLE_TEXT: Record<Access, string> = {
  public: "Public: no session or token needed.",
  viewer: "Requires a signed-in user or API token with the **viewer** role or above.",
  operator: "Requires the **operator** role or above.",
  admin: "Requires the **admin** role.",
};

function addError(out: Map<number, string[]>, status: number, why: string): void {
  out.set(status, [...(out.get(status) ?? []), why]);
}

/**
 * The error statuses a route answers, from what it declares: its access (401/403), its inputs
 * (400 malformed path or JSON, 413/415 bodies, 422 invalid fields), the database (503), and
 * what its handler raises. The API fuzz test checks every status it sees against this list.
 */
function errorStatuses(spec: OperationSpec): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (spec.path) addError(out, 400, "A path segment is not valid percent-encoding (`details[].path` names the parameter).");
  if (spec.body) addError(out, 400, "The body is not valid JSON or UTF-8.");
  if (spec.access !== "public") {
    addError(out, 401, "No session or API token, or an invalid, expired or revoked token (`WWW-Authenticate: Bearer`).");
    addError(
      out,
      403,
      `The caller's role is below ${spec.access}, the account has no role, a cookie-authenticated write came from a foreign Origin, or the account must first change its one-time password (\`password_change_required\`).`,
    );
  }
  if (spec.body) {
    addError(out, 413, "The body is larger than 64 KB (counted while it streams).");
    addError(out, 415, "The body is not sent as `application/json`.");
  }
  if (spec.libraryValidated && (spec.query || spec.body)) addError(out, 400, "A parameter or body field is invalid (the auth library's `VALIDATION_ERROR`).");
  else if (spec.path || spec.query || spec.body) addError(out, 422, "A parameter or body field is invalid; `details` lists each with its `path`.");
  if (!spec.noDatabase) addError(out, 503, "The database is unavailable (`Retry-After` says when to retry).");
  for (const [status, why] of Object.entries(spec.errors ?? {})) addError(out, Number(status), why);
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** Whether a body schema accepts an empty object, i.e. an empty body (parseBody reads it as `{}`). */
function acceptsEmpty(schema: z.ZodType): boolean {
  return schema.safeParse({}).success;
}

/** The zod-openapi operation of a spec: parameters, body, success and error answers, security and the minimum role. */
export function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, ok] of Object.entries(spec.ok)) {
    if (!ok) continue;
    const content = "content" in ok ? ok.content : { [ok.contentType ?? "application/json"]: ok.schema };
    responses[status as `2${string}`] = {
      description: ok.description,
      content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }])),
    };
  }
  const errorSchema = spec.errorSchema ?? errorBodySchema;
  for (const [status, why] of errorStatuses(spec)) {
    if (spec.special?.[status]) continue;
    responses[String(status) as `4${string}`] = {
      description: why.join(" "),
      content: { "application/json": { schema: errorSchema } },
      ...(status === 503 || status === 429
        ? { headers: { "retry-after": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } } }
        : {}),
    };
  }
  for (const [status, answer] of Object.entries(spec.special ?? {})) {
    if (answer) responses[status as `5${string}`] = { description: answer.description, content: { "application/json": { schema: answer.schema } } };
  }
  return {
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, ROLE_TEXT[spec.access]].filter(Boolean).join("\n\n"),
    ...(spec.path || spec.query ? { requestParams: { ...(spec.path ? { path: spec.path } : {}), ...(spec.query ? { query: spec.query } : {}) } } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.bodyRequired ?? !acceptsEmpty(spec.body),
            content: { "application/json": { schema: spec.body, ...(spec.bodyExample ? { example: spec.bodyExample } : {}) } },
          },
        }
      : {}),
    responses,
    security: spec.access === "public" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    "x-access": spec.access,
  };
}
