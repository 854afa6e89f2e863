import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type z } from "zod";
import { AppError } from "../../../errors";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../db/unavailable";
import { logger } from "../../../log";
import { authorize } from "../../domains/auth/authorize";
import { isRole, type Role } from "../../domains/auth/roles";
import type { AuthActor } from "../../domains/auth/types";

const log = logger.child({ component: "http" });

export type RouteContext<P = Record<string, string>> = { params: Promise<P> };

function stringify(data: unknown): string {
  return JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
}

function jsonResponse(body: string, init?: ResponseInit): NextResponse {
  const headers = new Headers(init?.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new NextResponse(body, { ...init, headers });
}

/**
 * JSON with BigInt and Date made safe. `Cache-Control: no-store` unless the caller says otherwise:
 * API answers carry live, per-user data that no browser or proxy cache should keep.
 */
export function json(data: unknown, init?: ResponseInit): NextResponse {
  return jsonResponse(stringify(data), init);
}

// Serialized bodies of kept results, by identity: collected with the result when the cache drops it.
const SERIALIZED = new WeakMap<object, string>();

/**
 * `json` for a value that never changes once made — a result the optimization cache keeps and
 * hands out again: serialized on its first answer, and every later hit sends the same string
 * instead of serializing tens of kilobytes again.
 */
export function jsonKept(data: object, init?: ResponseInit): NextResponse {
  let body = SERIALIZED.get(data);
  if (body === undefined) {
    body = stringify(data);
    SERIALIZED.set(data, body);
  }
  return jsonResponse(body, init);
}

/**
 * An HTTP refusal that AppError has no code for (415). Kept here, beside the only place that
 * raises it, rather than widening the application's error codes for a transport concern.
 */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = "HttpRefusal";
  }
}

const INJECTED_FAULT = "InjectedFault";

function errorResponse(err: unknown, req: NextRequest): NextResponse {
  if (err instanceof HttpRefusal) return json({ error: { code: err.code, message: err.message, details: err.details } }, { status: err.status });
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
      {
        error: {
          code: "validation_failed",
          message: "invalid input",
          details: (err as ZodError).issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      },
      { status: 422 },
    );
  }
  // A database outage is not the request's fault: 503 with Retry-After, so clients retry.
  if (isDatabaseUnavailable(err)) {
    log.warn({ method: req.method, url: req.nextUrl.pathname, err: err instanceof Error ? err.message : String(err) }, "database unavailable");
    return json(
      { error: { code: "unavailable", message: "the database is unavailable; retry in a few seconds", details: null } },
      { status: 503, headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } },
    );
  }
  // A fault injected on purpose (PERFPILOT_FAULT_INJECTION) fails the call as a real error would,
  // but is no bug: one line, no stack per call.
  // By name: the engine runs in the server's module graph, whose class is not the bundle's.
  if (err instanceof Error && err.name === INJECTED_FAULT) {
    log.warn({ method: req.method, url: req.nextUrl.pathname }, "injected fault");
    return json({ error: { code: "internal", message: "internal error (injected fault)", details: null } }, { status: 500 });
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
export function route<P = Params>(
  opts: { access: "public" },
  handler: (req: NextRequest, ctx: RouteContext<P>, actor: null) => Promise<Response>,
): RouteHandler<P>;
export function route<P = Params>(
  opts: { access: Role },
  handler: (req: NextRequest, ctx: RouteContext<P>, actor: AuthActor) => Promise<Response>,
): RouteHandler<P>;
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
      // Before authorization: a malformed path is a 400 for everyone, and never reaches a handler.
      const params = await decodedParams(req, ctx);
      const actor = access === "public" ? null : await authorize(req, access);
      return await handler(req, { params: Promise.resolve(params) }, actor);
    } catch (err) {
      return errorResponse(err, req);
    }
  }, access);
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * The route's params, decoded exactly once. Next decodes dynamic segments before the handler; a
 * segment that is not valid percent-encoding (`%FF%FE`, a lone `%`) is refused here with a 400
 * naming it, whatever Next passed on (a rejected promise or the raw text). Handlers must not
 * decode again: `%2525` would become `%` twice over.
 */
async function decodedParams<P>(req: NextRequest, ctx: RouteContext<P> | undefined): Promise<P> {
  const pathname = new URL(req.url).pathname;
  const segments = pathname.split("/");
  const bad = segments.findIndex((seg) => safeDecode(seg) === null);
  let params: P;
  try {
    params = ((await ctx?.params) ?? {}) as P;
  } catch {
    params = {} as P;
    if (bad < 0) throw new HttpRefusal(400, "bad_request", "the path is not valid percent-encoding");
  }
  if (bad >= 0) {
    const raw = segments[bad]!;
    const name = Object.entries(params as Record<string, unknown>).find(([, v]) => v === raw || (Array.isArray(v) && v.includes(raw)))?.[0];
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    throw new HttpRefusal(400, "bad_request", `path segment ${name ? `{${name}} ` : ""}"${shown}" is not valid percent-encoding`, [
      { path: name ?? `path[${bad}]`, message: "invalid percent-encoding" },
    ]);
  }
  return params;
}

/**
 * One path param through a schema; invalid → 422 naming the param (`details[].path` = its name).
 * The value is already decoded (see decodedParams).
 */
export async function parseParam<S extends z.ZodType>(
  ctx: RouteContext<Record<string, string>> | RouteContext<never>,
  name: string,
  schema: S,
): Promise<z.output<S>> {
  const params = (await (ctx as RouteContext<Record<string, unknown>>).params) as Record<string, unknown>;
  const r = schema.safeParse(Object.hasOwn(params, name) ? params[name] : undefined);
  if (r.success) return r.data;
  throw new AppError(
    "validation_failed",
    `invalid path parameter ${name}`,
    r.error.issues.map((i) => ({ path: [name, ...i.path].join("."), message: i.message })),
  );
}

/** Parses query parameters with a zod schema (invalid → 422 with field errors). */
export function parseQuery<S extends z.ZodType>(req: NextRequest, schema: S): z.output<S> {
  return schema.parse(Object.fromEntries(req.nextUrl.searchParams));
}

/** The largest JSON body a route reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * The body's bytes, counted while they stream in: a chunked body without Content-Length is cut
 * off at the first chunk past the cap, never buffered whole (the server-level guard in
 * body-limit.ts does the same for routes that do not come through here).
 */
async function readCapped(req: NextRequest, max: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw new AppError("payload_too_large", `body larger than ${max} bytes`);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("payload_too_large", `body larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Reads and validates a JSON body, bounded in bytes while streaming (a non-JSON content type →
 * 415, bad JSON or UTF-8 → 400, invalid → 422 with field errors, too big → 413). An empty body
 * needs no content type and reads as `{}` (bodies whose fields are all optional).
 */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.output<S>> {
  const type = req.headers.get("content-type");
  if (type !== null && type.trim() !== "" && !JSON_TYPE.test(type)) {
    throw new HttpRefusal(415, "unsupported_media_type", "send the body as application/json", [
      { path: "content-type", message: `expected application/json, got ${type.slice(0, 100)}` },
    ]);
  }
  const bytes = await readCapped(req, MAX_BODY_BYTES);
  if (bytes.byteLength === 0) return schema.parse({});
  if (type === null || type.trim() === "") {
    throw new HttpRefusal(415, "unsupported_media_type", "send the body as application/json", [
      { path: "content-type", message: "missing; expected application/json" },
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
  return schema.parse(data);
}
