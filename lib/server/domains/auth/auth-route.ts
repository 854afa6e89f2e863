import "server-only";
import type { NextRequest } from "next/server";
import { logger } from "../../../log";
import { writeAudit } from "../audit/write-audit";
import { route, json, type RouteHandler } from "../../platform/http/route";
import { resolveActor } from "./authorize";
import { clientIp } from "./client-ip";
import { authConfig, getAuth } from "./instance";
import { isRole } from "./roles";
import { signInLimiter } from "./sign-in-limiter";

const log = logger.child({ component: "auth" });

const BASE_PATH = "/api/auth";
const MAX_BODY_BYTES = 64 * 1024;

/**
 * better-auth endpoints reachable over HTTP. Everything else it offers (sign-up, the admin
 * plugin's user/role/impersonation endpoints, account linking…) is not exposed: accounts and
 * roles change only through /api/users, where each change is audited in its transaction.
 */
const EXPOSED = new Set(["/sign-in/email", "/sign-out", "/get-session", "/change-password"]);

function errorJson(status: number, code: string, message: string, details: unknown = null, headers: Record<string, string> = {}): Response {
  return json({ error: { code, message, details } }, { status, headers });
}

async function signIn(req: NextRequest): Promise<Response> {
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) return errorJson(413, "payload_too_large", "body too large");
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) return errorJson(413, "payload_too_large", "body too large");
  let email = "";
  try {
    const body = JSON.parse(text) as { email?: unknown };
    if (typeof body.email === "string") email = body.email;
  } catch {
    // better-auth answers malformed bodies itself (400); the attempt is refunded below.
  }
  const ip = clientIp(req.headers);
  const reservation = await signInLimiter().reserve(ip, email);
  if (!reservation.allowed) {
    log.warn({ ip, email }, "sign-in rate limited");
    const minutes = Math.ceil(reservation.retryAfterSeconds / 60);
    return errorJson(
      429,
      "rate_limited",
      `too many failed sign-in attempts; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
      { retryAfterSeconds: reservation.retryAfterSeconds },
      { "retry-after": String(reservation.retryAfterSeconds) },
    );
  }
  // The body was consumed above: hand better-auth an identical request.
  const forwarded = new Request(req.url, { method: "POST", headers: req.headers, body: text });
  let res: Response;
  try {
    res = await getAuth().handler(forwarded);
  } catch (err) {
    await reservation.settle("not_attempted");
    throw err;
  }
  await reservation.settle(res.ok ? "success" : res.status === 401 ? "failure" : "not_attempted");
  if (!res.ok) return res;
  const body = (await res.json()) as { redirect?: boolean; url?: string; user?: { id?: string; email?: string; name?: string; role?: string } };
  const user = body.user;
  await auditSignIn(user, ip);
  return replaceJson(res, {
    redirect: body.redirect ?? false,
    url: body.url ?? null,
    user: user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null,
  });
}

/**
 * better-auth returns the raw session token in sign-in and get-session bodies. The browser
 * needs only the httpOnly cookie, so script on the page never gets the token: we answer with
 * a copy of the response (same status and Set-Cookie headers) and a filtered body.
 */
function replaceJson(res: Response, body: unknown): Response {
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

async function getSession(req: NextRequest): Promise<Response> {
  const res = await getAuth().handler(req);
  if (!res.ok) return res;
  const body = (await res.json()) as { session?: Record<string, unknown>; user?: unknown } | null;
  if (!body?.session) return replaceJson(res, body);
  const { token: _token, ...session } = body.session;
  return replaceJson(res, { ...body, session });
}

async function auditSignIn(user: { id?: string; email?: string; role?: string } | undefined, ip: string): Promise<void> {
  try {
    if (!user?.id || !user.email) return;
    await writeAudit(authConfig().pool, {
      actor: { name: user.email, role: isRole(user.role) ? user.role : "none", origin: ip },
      action: "auth.sign_in",
      subjectType: "user",
      subjectId: user.id,
    });
  } catch (err) {
    // The session exists already; a failed audit write must not turn a sign-in into an error.
    log.error({ err }, "could not audit sign-in");
  }
}

async function changePassword(req: NextRequest): Promise<Response> {
  const actor = await resolveActor(req.headers).catch(() => null);
  const res = await getAuth().handler(req);
  if (res.ok && actor) {
    await writeAudit(authConfig().pool, { actor, action: "user.change_password", subjectType: "user", subjectId: actor.userId }).catch((err: unknown) =>
      log.error({ err }, "could not audit password change"),
    );
  }
  return res;
}

async function handle(req: NextRequest): Promise<Response> {
  const path = req.nextUrl.pathname.startsWith(BASE_PATH) ? req.nextUrl.pathname.slice(BASE_PATH.length) : "";
  if (!EXPOSED.has(path)) return errorJson(404, "not_found", "no such auth endpoint");
  if (path === "/sign-in/email" && req.method === "POST") return signIn(req);
  if (path === "/change-password" && req.method === "POST") return changePassword(req);
  if (path === "/get-session" && req.method === "GET") return getSession(req);
  return getAuth().handler(req);
}

/**
 * The handlers of app/api/auth/[...all]/route.ts: better-auth's own handler for the exposed
 * endpoints, with sign-in rate limited and audited. Marked `public` (better-auth checks the
 * session and, for cookie-carrying writes, the Origin itself); the route walker test allows
 * this one file to take writes below `operator`.
 */
export function authRouteHandlers(): { GET: RouteHandler<{ all: string[] }>; POST: RouteHandler<{ all: string[] }> } {
  const h = route<{ all: string[] }>({ access: "public" }, (req) => handle(req));
  return { GET: h, POST: h };
}
