import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type z } from "zod";
import { AppError } from "../../../errors";
import { logger } from "../../../log";
import { authorize } from "../../domains/auth/authorize";
import { isRole, type Role } from "../../domains/auth/roles";
import type { AuthActor } from "../../domains/auth/types";

const log = logger.child({ component: "http" });

export type RouteContext<P = Record<string, string>> = { params: Promise<P> };

/** JSON with BigInt and Date made safe. */
export function json(data: unknown, init?: ResponseInit): NextResponse {
  const body = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  return new NextResponse(body, { ...init, headers: { "content-type": "application/json", ...(init?.headers ?? {}) } });
}

function errorResponse(err: unknown, req: NextRequest): NextResponse {
  if (AppError.is(err)) {
    const headers: Record<string, string> = {};
    // 401 says how to authenticate (RFC 9110 §11.6.1); automation uses bearer tokens.
    if (err.code === "unauthorized") headers["www-authenticate"] = 'Bearer realm="perfpilot"';
    const retry = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (err.code === "rate_limited" && typeof retry === "number") headers["retry-after"] = String(Math.ceil(retry));
    return json({ error: { code: err.code, message: err.message, details: err.details ?? null } }, { status: err.status, headers });
  }
  // By name as well: a ZodError from the server's module graph is not the bundle's ZodError class.
  if (err instanceof ZodError || (err instanceof Error && err.name === "ZodError" && Array.isArray((err as ZodError).issues))) {
    return json(
      { error: { code: "validation_failed", message: "invalid input", details: (err as ZodError).issues.map((i) => ({ path: i.path.join("."), message: i.message })) } },
      { status: 422 },
    );
  }
  // Unknown errors are logged with context and answered without internals (no stack, no SQL).
  log.error({ err, method: req.method, url: req.nextUrl.pathname }, "unhandled route error");
  return json({ error: { code: "internal", message: "internal error", details: null } }, { status: 500 });
}

/** Who may call a route: anyone (`public`: probes, sign-in) or a signed-in role and above. */
export type Access = "public" | Role;
/** What a wrapped handler declares. */
export type RouteAccess = Access;

/**
 * Non-enumerable marker on every function `route()` returns, carrying its access level, so a
 * test can prove that every exported handler under app/api declares one
 * (tests/integration/auth-routes.test.ts). `Symbol.for`: Next and vitest may load this module
 * more than once and the marker must read the same in every copy.
 */
export const ROUTE_ACCESS: unique symbol = Symbol.for("perfpilot.route.access") as never;

/** A wrapped route handler, as exported from a route file. */
export type RouteHandler<P> = ((req: NextRequest, ctx: RouteContext<P>) => Promise<Response>) & { readonly [ROUTE_ACCESS]: RouteAccess };

type Params = Record<string, string>;

function mark<P>(fn: (req: NextRequest, ctx: RouteContext<P>) => Promise<Response>, access: RouteAccess): RouteHandler<P> {
  Object.defineProperty(fn, ROUTE_ACCESS, { value: access, enumerable: false, writable: false, configurable: false });
  return fn as RouteHandler<P>;
}

/**
 * Wraps a route handler: checks access first, then runs it; errors become
 * `{error: {code, message, details}}` with the right status.
 *
 * `route({ access: "operator" }, async (req, ctx, actor) => …)` authorizes the request
 * (401 without a session or token, 403 below the role or for a cross-site write) and hands the
 * handler the actor to audit. `access: "public"` skips authorization (the actor is null).
 */
export function route<P = Params>(opts: { access: "public" }, handler: (req: NextRequest, ctx: RouteContext<P>, actor: null) => Promise<Response>): RouteHandler<P>;
export function route<P = Params>(opts: { access: Role }, handler: (req: NextRequest, ctx: RouteContext<P>, actor: AuthActor) => Promise<Response>): RouteHandler<P>;
export function route<P = Params>(
  opts: { access: Access },
  maybeHandler: (req: NextRequest, ctx: RouteContext<P>, actor: never) => Promise<Response>,
): RouteHandler<P> {
  const { access } = opts;
  const handler = maybeHandler as (req: NextRequest, ctx: RouteContext<P>, actor: AuthActor | null) => Promise<Response>;
  if (typeof handler !== "function") throw new TypeError("route(opts, handler): handler missing");
  if (access !== "public" && !isRole(access)) throw new TypeError(`route(): unknown access ${String(access)}`);
  return mark<P>(async (req, ctx) => {
    try {
      const actor = access === "public" ? null : await authorize(req, access);
      return await handler(req, ctx, actor);
    } catch (err) {
      return errorResponse(err, req);
    }
  }, access);
}

/** Parses query parameters with a zod schema (invalid → 422 with field errors). */
export function parseQuery<S extends z.ZodType>(req: NextRequest, schema: S): z.output<S> {
  return schema.parse(Object.fromEntries(req.nextUrl.searchParams));
}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads and validates a JSON body, bounded in size (bad JSON → 400, invalid → 422, too big → 413). */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.output<S>> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
  let data: unknown;
  try {
    data = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
  return schema.parse(data);
}
