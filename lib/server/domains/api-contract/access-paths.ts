import { changePassword, getSession, signInEmail, signOut } from "better-auth/api";
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { nextCursorField, pageQuerySchema } from "../../platform/http/paging";
import { errorBodySchema } from "../../platform/http/wire";
import { TOKEN_PAGING } from "../auth/api-tokens";
import { createTokenSchema, createUserSchema, idParamSchema, updateUserSchema } from "../auth/auth-schemas";
import { ROLES } from "../auth/roles";
import { USER_PAGING } from "../auth/users";
import { operation } from "./operation";

// The access-control routes' request schemas are the auth domain's own (imported, so a field added
// there appears here). Their responses are described with loose objects: the listed fields are
// guaranteed, and the auth domain may add more without this contract turning false.

const role = z.enum(ROLES);

const userSchema = z
  .looseObject({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: role.nullable().meta({ description: "null: the account has no role (it can do nothing)." }),
    banned: z.boolean().meta({ description: "Disabled: cannot sign in; sessions ended, tokens revoked." }),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
  })
  .meta({ id: "User" });

const apiTokenSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    role,
    prefix: z.string().meta({ description: "The token's first characters, to recognise it; never the secret." }),
    createdBy: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    status: z.enum(["active", "revoked", "expired"]),
  })
  .meta({ id: "ApiToken" });

/** better-auth's own refusals (`{code, message}`), or ours (413, 429, unknown auth path). */
const authErrorSchema = z
  .union([errorBodySchema, z.looseObject({ code: z.string().optional(), message: z.string() }).meta({ id: "AuthLibraryError" })])
  .meta({ description: "Our error body, or the auth library's `{code, message}`." });

/** The zod schema a better-auth endpoint validates its body or query with (its own, not a copy). */
function endpointSchema(endpoint: unknown, part: "body" | "query"): z.ZodType {
  const e = (typeof endpoint === "function" && !("options" in endpoint) ? (endpoint as () => unknown)() : endpoint) as { options?: Record<string, unknown> };
  const schema = e.options?.[part];
  if (!(schema instanceof z.ZodType)) throw new Error(`better-auth endpoint without a zod ${part} schema`);
  // Query parameters are listed one by one: the object itself, not "maybe an object".
  return part === "query" && schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

const authUser = z.looseObject({ id: z.string(), email: z.string(), name: z.string(), role: z.string().nullable().optional() });
const tag = "Access";
const ADMIN_SESSION = "Only an admin signed in with a session (not an API token) may do this.";

/** Users, API tokens, and the sign-in endpoints of the auth library that the app exposes. */
export const accessPaths: ZodOpenApiPathsObject = {
  "/api/users": {
    get: operation({
      access: "admin",
      tag,
      summary: "Users",
      description: "Users with role and last sign-in, oldest first.",
      query: pageQuerySchema(USER_PAGING),
      ok: { 200: { description: "The users.", schema: z.strictObject({ users: z.array(userSchema), ...nextCursorField }) } },
    }),
    post: operation({
      access: "admin",
      tag,
      summary: "Create a user",
      description: "With a role; without a password one is generated and returned once. Audited.",
      body: createUserSchema,
      bodyExample: { email: "ana@example.com", name: "Ana", role: "operator" },
      ok: {
        201: {
          description: "The user (and the generated password, shown only now).",
          schema: z.looseObject({ user: userSchema, password: z.string().optional(), notice: z.string().optional() }),
        },
      },
      errors: { 403: ADMIN_SESSION, 409: "A user with that e-mail exists.", 422: "The password is too short or too long." },
    }),
  },
  "/api/users/{id}": {
    patch: operation({
      access: "admin",
      tag,
      summary: "Change a user's role, or disable or re-enable them",
      description: "Audited; the last admin cannot be demoted or disabled. Disabling ends their sessions, revokes their tokens and drops their sockets.",
      path: z.object({ id: idParamSchema }),
      body: updateUserSchema,
      bodyExample: { role: "viewer" },
      ok: { 200: { description: "The user after the change.", schema: userSchema } },
      errors: { 403: ADMIN_SESSION, 404: "Unknown user.", 409: "The last admin cannot be demoted or disabled." },
    }),
  },
  "/api/tokens": {
    get: operation({
      access: "admin",
      tag,
      summary: "API tokens",
      description: "Active, revoked and expired, without secrets, newest first.",
      query: pageQuerySchema(TOKEN_PAGING),
      ok: { 200: { description: "The tokens.", schema: z.strictObject({ tokens: z.array(apiTokenSchema), ...nextCursorField }) } },
    }),
    post: operation({
      access: "admin",
      tag,
      summary: "Create an API token",
      description: "The response is the only time the token (`pp_…`) is shown. Audited.",
      body: createTokenSchema,
      bodyExample: { name: "ci", role: "viewer", expiresInDays: 90 },
      ok: {
        201: {
          description: "The token and its record.",
          schema: z.looseObject({ token: z.string().startsWith("pp_"), apiToken: apiTokenSchema, notice: z.string() }),
        },
      },
      errors: { 403: ADMIN_SESSION },
    }),
  },
  "/api/tokens/{id}": {
    delete: operation({
      access: "admin",
      tag,
      summary: "Revoke an API token",
      description: "It stops working on the very next request, and its sockets are dropped. Audited.",
      path: z.object({ id: idParamSchema }),
      ok: { 200: { description: "The token, revoked.", schema: apiTokenSchema } },
      errors: { 403: ADMIN_SESSION, 404: "Unknown token." },
    }),
  },
  "/api/auth/sign-in/email": {
    post: operation({
      access: "public",
      tag,
      summary: "Sign in",
      description: "Sets the session cookie. Limited per client address and per account (progressive delay). Audited.",
      body: endpointSchema(signInEmail, "body"),
      bodyExample: { email: "ana@example.com", password: "correct horse battery staple" },
      ok: {
        200: {
          description: "Signed in.",
          schema: z.looseObject({ redirect: z.boolean(), url: z.string().nullable(), user: authUser.nullable() }),
        },
      },
      errors: {
        400: "A malformed body or e-mail.",
        401: "Wrong e-mail or password.",
        403: "The Origin or the `callbackURL` is not trusted.",
        413: "The body is larger than 64 KB.",
        429: "Too many attempts (`Retry-After`).",
      },
      errorSchema: authErrorSchema,
      libraryValidated: true,
    }),
  },
  "/api/auth/sign-out": {
    post: operation({
      access: "public",
      tag,
      summary: "Sign out",
      description: "Ends the session of the cookie sent and clears it.",
      body: endpointSchema(signOut, "body"),
      bodyRequired: false,
      ok: { 200: { description: "Signed out.", schema: z.looseObject({ success: z.boolean() }) } },
      errors: { 400: "A malformed body.", 403: "The Origin is not trusted.", 413: "The body is larger than 64 KB." },
      errorSchema: authErrorSchema,
      libraryValidated: true,
    }),
  },
  "/api/auth/get-session": {
    get: operation({
      access: "public",
      tag,
      summary: "The current session",
      description: "The session of the cookie sent (without its token) and its user, or null.",
      query: endpointSchema(getSession, "query") as z.ZodObject,
      ok: { 200: { description: "The session and user, or null.", schema: z.looseObject({ session: z.looseObject({}), user: authUser }).nullable() } },
      errorSchema: authErrorSchema,
      libraryValidated: true,
    }),
  },
  "/api/auth/change-password": {
    post: operation({
      access: "public",
      tag,
      summary: "Change the password",
      description: "Of the signed-in user (session cookie); the current password is required. Audited.",
      body: endpointSchema(changePassword, "body"),
      bodyExample: { currentPassword: "correct horse battery staple", newPassword: "a new long passphrase" },
      ok: { 200: { description: "Changed.", schema: z.looseObject({ user: authUser }) } },
      errors: {
        400: "A malformed body or an invalid new password.",
        401: "Not signed in, or a wrong current password.",
        403: "The Origin is not trusted.",
        413: "The body is larger than 64 KB.",
        429: "Too many attempts (`Retry-After`).",
      },
      errorSchema: authErrorSchema,
      libraryValidated: true,
    }),
  },
};
