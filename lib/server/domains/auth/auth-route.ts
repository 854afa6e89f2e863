import "server-only";
import type { NextRequest } from "next/server";
import { logger } from "../../../log";
import { writeAudit } from "../audit/write-audit";
import { route, json, type RouteHandler } from "../../platform/http/route";
import { clientIp } from "./client-ip";
import { authConfig, authDataDir, getAuth } from "./instance";
import { passwordChanged } from "./password-change";
import { isRole } from "./roles";
import { signInLimiter, type AttemptOutcome, type LimitedBy } from "./sign-in-limiter";

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

/** The body as text (≤ 64 KB) and its JSON object, or a 413; malformed JSON is left to better-auth (400). */
async function readBody(req: NextRequest): Promise<{ text: string; fields: Record<string, unknown> } | Response> {
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) return errorJson(413, "payload_too_large", "body too large");
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) return errorJson(413, "payload_too_large", "body too large");
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { text, fields: parsed as Record<string, unknown> };
  } catch {
    // not JSON: better-auth answers it
  }
  return { text, fields: {} };
}

const LIMIT_MESSAGES: Record<LimitedBy, string> = {
  address: "too many failed password attempts from your address",
  address_and_email: "too many failed sign-in attempts for this e-mail from your address",
  user: "too many failed password changes for this account",
};

function rateLimited(limitedBy: LimitedBy, retryAfterSeconds: number): Response {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return errorJson(
    429,
    "rate_limited",
    `${LIMIT_MESSAGES[limitedBy]}; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
    { retryAfterSeconds, limitedBy },
    { "retry-after": String(retryAfterSeconds) },
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs better-auth's handler for a reserved attempt and settles the reservation with how it
 * ended (`classify`); an exception (the hashing cap's 429, a database outage) refunds it.
 */
async function attempt(
  reservation: { settle(outcome: AttemptOutcome): Promise<void> },
  request: Request,
  classify: (res: Response) => Promise<AttemptOutcome>,
): Promise<Response> {
  let res: Response;
  try {
    res = await getAuth().handler(request);
  } catch (err) {
    await reservation.settle("not_attempted");
    throw err;
  }
  await reservation.settle(await classify(res));
  return res;
}

async function signIn(req: NextRequest): Promise<Response> {
  const body = await readBody(req);
  if (body instanceof Response) return body;
  const email = typeof body.fields.email === "string" ? body.fields.email : "";
  const ip = clientIp(req.headers);
  const reservation = await signInLimiter().reserveSignIn(ip, email);
  if (!reservation.allowed) {
    log.warn({ ip, limitedBy: reservation.limitedBy }, "sign-in rate limited");
    return rateLimited(reservation.limitedBy, reservation.retryAfterSeconds);
  }
  // The account has failed recently (from any address): slow each attempt down, lock nobody out.
  if (reservation.delayMs > 0) await sleep(reservation.delayMs);
  // The body was consumed above: hand better-auth an identical request.
  const forwarded = new Request(req.url, { method: "POST", headers: req.headers, body: body.text });
  const res = await attempt(reservation, forwarded, async (r) => (r.ok ? "success" : r.status === 401 ? "failure" : "not_attempted"));
  if (!res.ok) return res;
  const out = (await res.json()) as {
    redirect?: boolean;
    url?: string;
    user?: { id?: string; email?: string; name?: string; role?: string; mustChangePassword?: boolean };
  };
  const user = out.user;
  await auditSignIn(user, ip);
  return replaceJson(res, {
    redirect: out.redirect ?? false,
    url: out.url ?? null,
    user: user ? { id: user.id, email: user.email, name: user.name, role: user.role, mustChangePassword: user.mustChangePassword === true } : null,
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

/**
 * `/change-password`: limited per user and per address (failed checks of the current password),
 * always revoking the user's other sessions, and the end of a one-time password (flag cleared, the first admin's file deleted). Works for a
 * session that must change its password, which every other route refuses.
 */
async function changePassword(req: NextRequest): Promise<Response> {
  const session = await getAuth().api.getSession({ headers: req.headers });
  // No session: better-auth answers 401 itself and checks no password.
  if (!session) return getAuth().handler(req);
  const body = await readBody(req);
  if (body instanceof Response) return body;
  const { currentPassword, newPassword } = body.fields;
  if (typeof newPassword === "string" && newPassword === currentPassword) {
    return errorJson(422, "validation_failed", "the new password must differ from the current one", [
      { path: "newPassword", message: "same as the current password" },
    ]);
  }
  const ip = clientIp(req.headers);
  const user = session.user;
  const reservation = await signInLimiter().reservePasswordChange(ip, user.id);
  if (!reservation.allowed) {
    log.warn({ ip, userId: user.id, limitedBy: reservation.limitedBy }, "password change rate limited");
    return rateLimited(reservation.limitedBy, reservation.retryAfterSeconds);
  }
  // A changed password always ends the user's other sessions (their sockets drop through the
  // access triggers), whatever the client asked: a password change is how people lock out a thief.
  const forwardedBody = Object.keys(body.fields).length > 0 ? JSON.stringify({ ...body.fields, revokeOtherSessions: true }) : body.text;
  const forwarded = new Request(req.url, { method: "POST", headers: req.headers, body: forwardedBody });
  const res = await attempt(reservation, forwarded, async (r) => {
    if (r.ok) return "success";
    // A wrong current password is better-auth's 400 INVALID_PASSWORD; other 4xx checked nothing.
    const code = (
      (await r
        .clone()
        .json()
        .catch(() => null)) as { code?: unknown } | null
    )?.code;
    return code === "INVALID_PASSWORD" ? "failure" : "not_attempted";
  });
  if (!res.ok) return res;
  const { pool } = authConfig();
  // The new password is stored: answer success whatever happens here (a flag left set only
  // asks for one more change; a retry with the old password would fail).
  const wasOneTime = await passwordChanged(pool, user.id, authDataDir()).catch((err: unknown) => {
    log.error({ err, userId: user.id }, "could not clear the one-time password flag");
    return false;
  });
  const actor = { name: user.email, role: isRole(user.role) ? user.role : "none", origin: ip };
  await writeAudit(pool, {
    actor,
    action: "user.change_password",
    subjectType: "user",
    subjectId: user.id,
    after: wasOneTime ? { oneTimePassword: "replaced" } : undefined,
  }).catch((err: unknown) => log.error({ err }, "could not audit password change"));
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
 * endpoints, with sign-in and password change rate limited and audited. Marked `public` (better-auth checks the
 * session and, for cookie-carrying writes, the Origin itself); the route walker test allows
 * this one file to take writes below `operator`.
 */
export function authRouteHandlers(): { GET: RouteHandler<{ all: string[] }>; POST: RouteHandler<{ all: string[] }> } {
  const h = route<{ all: string[] }>({ access: "public" }, (req) => handle(req));
  return { GET: h, POST: h };
}
