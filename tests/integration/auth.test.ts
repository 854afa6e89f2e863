// Access control end to end: a real HTTP server in front of the real route handlers (the
// better-auth catch-all, /api/users, /api/tokens and two routes declared here with
// `route({access})`), a real migrated Postgres, and a real Socket.IO server with the auth
// middleware. Requests come from fetch and socket.io-client over loopback.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// `server-only` throws outside Next's react-server build; these modules are server code.
vi.mock("server-only", () => ({}));

import { Server as SocketServer } from "socket.io";
import { io as connectSocket, type Socket as ClientSocket } from "socket.io-client";
import { z } from "zod";
import { logger } from "../../lib/log";
import { createAuthInstance } from "../../lib/server/domains/auth/config";
import { stampClientAddress } from "../../lib/server/domains/auth/client-ip";
import { ensureAdmin } from "../../lib/server/domains/auth/ensure-admin";
import { closeAuth, initAuth } from "../../lib/server/domains/auth/instance";
import { createSignInLimiter, setSignInLimiter } from "../../lib/server/domains/auth/sign-in-limiter";
import { startSocketAccessControl } from "../../lib/server/domains/auth/socket";
import { accessCache } from "../../lib/server/domains/auth/access-cache";
import { json, parseBody, route } from "../../lib/server/platform/http/route";
import { writeAudit } from "../../lib/server/domains/audit/write-audit";
import { JOIN_LIMIT, attachSocketHandlers } from "../../lib/server/platform/realtime/socket-handlers";
import * as authCatchAll from "../../app/api/auth/[...all]/route";
import * as tokensRoute from "../../app/api/tokens/route";
import * as tokenRoute from "../../app/api/tokens/[id]/route";
import * as usersRoute from "../../app/api/users/route";
import * as userRoute from "../../app/api/users/[id]/route";
import { createTestDatabase } from "../helpers/db";
import { routeAdapter, type Handler, type RouteEntry, type RouteModule } from "../helpers/route-adapter";
import { waitFor } from "../helpers/wait";

type Db = Awaited<ReturnType<typeof createTestDatabase>>;

let db: Db;
const quiet = logger.child({ component: "test" });
quiet.level = "silent";

// ── two representative protected routes, declared with the new API ──────────────────────────
const WIDGET_KEY = "test.widget";
async function readWidget(): Promise<number> {
  const { rows } = await db.pool.query<{ value: { n: number } }>("select value from setting where key = $1", [WIDGET_KEY]);
  return rows[0]!.value.n;
}
const widgetRoute: RouteModule = {
  GET: route({ access: "viewer" }, async () => json({ n: await readWidget() })) as Handler,
  POST: route({ access: "operator" }, async (req, _ctx, actor) => {
    const { n } = await parseBody(req, z.object({ n: z.number().int() }).strict());
    const client = await db.pool.connect();
    try {
      await client.query("begin");
      const before = await client.query<{ value: { n: number } }>("select value from setting where key = $1 for update", [WIDGET_KEY]);
      await client.query("update setting set value = $2, updated_by = $3, updated_at = now() where key = $1", [WIDGET_KEY, JSON.stringify({ n }), actor.name]);
      await writeAudit(client, { actor, action: "widget.set", subjectType: "setting", subjectId: WIDGET_KEY, before: before.rows[0]!.value, after: { n } });
      await client.query("commit");
    } catch (err) {
      await client.query("rollback");
      throw err;
    } finally {
      client.release();
    }
    return json({ n });
  }) as Handler,
};
const publicRoute: RouteModule = { GET: route({ access: "public" }, async (_req, _ctx, actor) => json({ ok: true, actor })) as Handler };

// ── a node:http server adapting requests to the route handlers, like Next does ───────────────
const ROUTES: RouteEntry[] = [
  { pattern: /^\/api\/auth\/(.+)$/, mod: authCatchAll as RouteModule, params: (m) => ({ all: m[1]!.split("/") }) },
  { pattern: /^\/api\/tokens$/, mod: tokensRoute as RouteModule, params: () => ({}) },
  { pattern: /^\/api\/tokens\/([^/]+)$/, mod: tokenRoute as RouteModule, params: (m) => ({ id: m[1] }) },
  { pattern: /^\/api\/users$/, mod: usersRoute as RouteModule, params: () => ({}) },
  { pattern: /^\/api\/users\/([^/]+)$/, mod: userRoute as RouteModule, params: (m) => ({ id: m[1] }) },
  { pattern: /^\/api\/test\/widget$/, mod: widgetRoute, params: () => ({}) },
  { pattern: /^\/api\/test\/public$/, mod: publicRoute, params: () => ({}) },
];

const adapt = routeAdapter(ROUTES, (req) => stampClientAddress(req));

let server: http.Server;
let base = "";

interface CallOptions {
  cookie?: string;
  token?: string;
  origin?: string | null;
  body?: unknown;
}
interface CallResult {
  status: number;
  // JSON of any route under test: each test reads the fields it checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

/** One request over real HTTP. Writes carry this app's Origin unless told otherwise, as a browser would. */
async function call(method: string, path: string, o: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (o.body !== undefined) headers["content-type"] = "application/json";
  if (o.cookie) headers.cookie = o.cookie;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const origin = o.origin === undefined ? (method === "GET" ? null : base) : o.origin;
  if (origin) headers.origin = origin;
  const res = await fetch(`${base}${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), redirect: "manual" });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

/** Signs in through better-auth's endpoint; returns the `name=value` cookie pair and the raw Set-Cookie. */
async function signIn(email: string, password: string): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const setCookie = res.headers.getSetCookie().find((c) => c.includes("session_token="));
  expect(setCookie).toBeDefined();
  return { cookie: setCookie!.split(";")[0]!, setCookie: setCookie! };
}

/**
 * A generated password may be a one-time password (the account must change it before the API
 * serves it): signs in and, when asked to, changes it as the sign-in page would. Returns the
 * password that now works.
 */
async function replaceOneTimePassword(email: string, password: string): Promise<string> {
  const res = await call("POST", "/api/auth/sign-in/email", { body: { email, password } });
  expect(res.status).toBe(200);
  if (!res.body.user.mustChangePassword) return password;
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.includes("session_token="))!
    .split(";")[0]!;
  const next = `${password}-own`;
  expect((await call("POST", "/api/auth/change-password", { cookie, body: { currentPassword: password, newPassword: next } })).status).toBe(200);
  return next;
}

const ADMIN_EMAIL = "root@perfpilot.test";
const ADMIN_PASSWORD = "root-password-of-the-test";
let dataDir = "";
let adminCookie = "";
let viewer: { id: string; email: string; password: string; cookie: string };
let operator: { id: string; email: string; password: string; cookie: string };

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`insert into setting (key, value) values ($1, '{"n": 0}')`, [WIDGET_KEY]);
  server = http.createServer((req, res) => {
    adapt(req, res).catch((err: unknown) => {
      console.error(err);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-auth-"));
  initAuth({ pool: db.pool, baseURL: base, secret: "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz", trustedOrigins: [], sessionMaxAgeHours: 12, dataDir });
  setSignInLimiter(createSignInLimiter());
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await closeAuth();
  await db?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("first start", () => {
  it("creates the admin once with a one-time password in a file, changed at the first sign-in", async () => {
    const printed: string[] = [];
    const first = await ensureAdmin({ log: quiet, email: ADMIN_EMAIL, print: (t) => printed.push(t) });
    expect(first).toMatchObject({ created: true, email: ADMIN_EMAIL });
    expect(printed).toHaveLength(1);
    const password = /^password: (\S+)$/m.exec(fs.readFileSync(first.passwordFile!, "utf8"))?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(printed[0]).not.toContain(password);
    expect(printed[0]).toContain(first.passwordFile);
    expect(printed[0]).toContain(`${base}/sign-in`);

    const again = await ensureAdmin({ log: quiet, email: ADMIN_EMAIL, print: (t) => printed.push(t) });
    expect(again.created).toBe(false);
    expect(printed).toHaveLength(1);

    // Stored hashed by better-auth (scrypt), never in clear.
    const { rows } = await db.pool.query(`select a.password from auth_account a join auth_user u on u.id = a.user_id where u.email = $1`, [ADMIN_EMAIL]);
    expect(rows[0].password).not.toContain(password);
    expect(rows[0].password.length).toBeGreaterThan(64);

    // The one-time password must be replaced before anything else (see sign-in-limits.test.ts).
    const oneTime = (await signIn(ADMIN_EMAIL, password!)).cookie;
    const changed = await call("POST", "/api/auth/change-password", { cookie: oneTime, body: { currentPassword: password, newPassword: ADMIN_PASSWORD } });
    expect(changed.status).toBe(200);
    expect(fs.existsSync(first.passwordFile!)).toBe(false);
    adminCookie = (await signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).cookie;
  });
});

describe("users (admin)", () => {
  it("creates users with roles over HTTP, audited, and returns a generated password once", async () => {
    const created = await call("POST", "/api/users", { cookie: adminCookie, body: { email: "Vera@Example.com", role: "viewer" } });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: "vera@example.com", role: "viewer" });
    expect(created.body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    viewer = { id: created.body.user.id, email: "vera@example.com", password: created.body.password, cookie: "" };
    viewer.password = await replaceOneTimePassword(viewer.email, viewer.password);
    viewer.cookie = (await signIn(viewer.email, viewer.password)).cookie;

    const op = await call("POST", "/api/users", { cookie: adminCookie, body: { email: "otto@example.com", role: "operator", password: "operator-pass-1" } });
    expect(op.status).toBe(201);
    expect(op.body.password).toBeUndefined();
    operator = { id: op.body.user.id, email: "otto@example.com", password: "operator-pass-1", cookie: "" };
    operator.cookie = (await signIn(operator.email, operator.password)).cookie;

    const dup = await call("POST", "/api/users", { cookie: adminCookie, body: { email: "otto@example.com", role: "viewer" } });
    expect(dup.status).toBe(409);

    const { rows } = await db.pool.query(`select actor, actor_role, after from audit_event where action = 'user.create' and subject_id = $1`, [operator.id]);
    expect(rows).toEqual([{ actor: ADMIN_EMAIL, actor_role: "admin", after: { email: "otto@example.com", role: "operator" } }]);

    const list = await call("GET", "/api/users", { cookie: adminCookie });
    expect(list.status).toBe(200);
    expect(list.body.users.map((u: { email: string }) => u.email)).toEqual([ADMIN_EMAIL, "vera@example.com", "otto@example.com"]);
    expect(JSON.stringify(list.body)).not.toMatch(/password/i);
  });

  it("makes an admin-generated password one-time: every route refuses it until it is changed", async () => {
    const created = await call("POST", "/api/users", { cookie: adminCookie, body: { email: "oona@example.com", role: "operator" } });
    const signedIn = await call("POST", "/api/auth/sign-in/email", { body: { email: "oona@example.com", password: created.body.password } });
    expect(signedIn.body.user.mustChangePassword).toBe(true);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((c) => c.includes("session_token="))!
      .split(";")[0]!;
    const refused = await call("GET", "/api/test/widget", { cookie });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("password_change_required");
    const changed = await call("POST", "/api/auth/change-password", {
      cookie,
      body: { currentPassword: created.body.password, newPassword: "oona-own-pass-1" },
    });
    expect(changed.status).toBe(200);
    // Every session of the user ended with the old password; the browser got a new cookie.
    expect((await call("GET", "/api/test/widget", { cookie })).status).toBe(401);
    const renewed = changed.headers
      .getSetCookie()
      .find((c) => c.includes("session_token="))!
      .split(";")[0]!;
    expect((await call("GET", "/api/test/widget", { cookie: renewed })).status).toBe(200);
  });

  it("ends the other sessions when a password changes, even if the client does not ask", async () => {
    await call("POST", "/api/users", { cookie: adminCookie, body: { email: "pia@example.com", role: "viewer", password: "pia-pass-1234" } });
    const laptop = (await signIn("pia@example.com", "pia-pass-1234")).cookie;
    const phone = (await signIn("pia@example.com", "pia-pass-1234")).cookie;
    const changed = await call("POST", "/api/auth/change-password", {
      cookie: laptop,
      body: { currentPassword: "pia-pass-1234", newPassword: "pia-pass-5678", revokeOtherSessions: false },
    });
    expect(changed.status).toBe(200);
    expect((await call("GET", "/api/test/widget", { cookie: phone })).status).toBe(401);
  });

  it("refuses user management to non-admins", async () => {
    expect((await call("GET", "/api/users")).status).toBe(401);
    expect((await call("GET", "/api/users", { cookie: operator.cookie })).status).toBe(403);
    const res = await call("POST", "/api/users", { cookie: operator.cookie, body: { email: "x@example.com", role: "admin" } });
    expect(res.status).toBe(403);
    expect((await db.pool.query(`select 1 from auth_user where email = 'x@example.com'`)).rowCount).toBe(0);
  });

  it("changes a role with an audit event, effective on the next request, and keeps the last admin", async () => {
    const temp = await call("POST", "/api/users", { cookie: adminCookie, body: { email: "tess@example.com", role: "viewer", password: "tess-pass-123" } });
    const tess = (await signIn("tess@example.com", "tess-pass-123")).cookie;
    expect((await call("POST", "/api/test/widget", { cookie: tess, body: { n: 1 } })).status).toBe(403);

    const changed = await call("PATCH", `/api/users/${temp.body.user.id}`, { cookie: adminCookie, body: { role: "operator" } });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe("operator");
    const { rows } = await db.pool.query(`select actor, before, after from audit_event where action = 'user.set_role' and subject_id = $1`, [
      temp.body.user.id,
    ]);
    expect(rows).toEqual([{ actor: ADMIN_EMAIL, before: { role: "viewer" }, after: { role: "operator" } }]);
    // Same session, new role: roles are read from the database on every request.
    expect((await call("POST", "/api/test/widget", { cookie: tess, body: { n: 0 } })).status).toBe(200);

    const adminId = (await db.pool.query(`select id from auth_user where email = $1`, [ADMIN_EMAIL])).rows[0].id;
    const demote = await call("PATCH", `/api/users/${adminId}`, { cookie: adminCookie, body: { role: "viewer" } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe("conflict");
  });
});

describe("protected routes", () => {
  it("refuses anonymous and viewer writes and changes nothing", async () => {
    const anonymous = await call("POST", "/api/test/widget", { body: { n: 41 } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("unauthorized");
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await call("GET", "/api/test/widget")).status).toBe(401);

    const asViewer = await call("POST", "/api/test/widget", { cookie: viewer.cookie, body: { n: 42 } });
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.error.code).toBe("forbidden");

    expect(await readWidget()).toBe(0);
    expect((await db.pool.query(`select 1 from audit_event where action = 'widget.set' and after = '{"n": 42}'`)).rowCount).toBe(0);
    // Viewers read.
    const read = await call("GET", "/api/test/widget", { cookie: viewer.cookie });
    expect(read).toMatchObject({ status: 200, body: { n: 0 } });
    // Public routes need nobody.
    expect((await call("GET", "/api/test/public")).body).toEqual({ ok: true, actor: null });
  });

  it("lets an operator change state, audited with the operator as actor", async () => {
    const res = await call("POST", "/api/test/widget", { cookie: operator.cookie, body: { n: 7 } });
    expect(res.status).toBe(200);
    expect(await readWidget()).toBe(7);
    const { rows } = await db.pool.query(`select actor, actor_role, before, after, origin from audit_event where action = 'widget.set' and after = '{"n": 7}'`);
    expect(rows).toEqual([{ actor: operator.email, actor_role: "operator", before: { n: 0 }, after: { n: 7 }, origin: "127.0.0.1" }]);
  });

  it("refuses a forged cross-site write carrying a valid session cookie", async () => {
    const forged = await call("POST", "/api/test/widget", { cookie: operator.cookie, origin: "http://evil.example", body: { n: 666 } });
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toMatch(/cross-site/);
    // No Origin and no Referer on a cookie write: refused too (browsers always send one).
    const bare = await call("POST", "/api/test/widget", { cookie: operator.cookie, origin: null, body: { n: 666 } });
    expect(bare.status).toBe(403);
    expect(await readWidget()).toBe(7);
    // better-auth applies the same rule to its own cookie-carrying writes (sign-out here).
    const signOut = await call("POST", "/api/auth/sign-out", { cookie: operator.cookie, origin: "http://evil.example", body: {} });
    expect(signOut.status).toBe(403);
    expect((await call("GET", "/api/test/widget", { cookie: operator.cookie })).status).toBe(200);
  });

  it("answers errors without internals", async () => {
    const bad = await call("POST", "/api/test/widget", { cookie: operator.cookie, body: { n: "x" } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts:\d+|select|insert/i);
  });
});

describe("sessions", () => {
  it("sets an httpOnly SameSite=Lax cookie without Secure on plain http, Secure over https", async () => {
    const { setCookie } = await signIn(viewer.email, viewer.password);
    expect(setCookie).toMatch(/^perfpilot\.session_token=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(setCookie).toMatch(/Max-Age=43200/);
    const tls = await createAuthInstance({
      pool: db.pool,
      baseURL: "https://perfpilot.example",
      secret: "x".repeat(48),
      trustedOrigins: [],
      sessionMaxAgeHours: 1,
    }).$context;
    expect(tls.authCookies.sessionToken.name).toBe("__Secure-perfpilot.session_token");
    expect(tls.authCookies.sessionToken.attributes).toMatchObject({ secure: true, httpOnly: true, sameSite: "lax", maxAge: 3600 });
  });

  it("does not hand the raw session token to the page", async () => {
    const res = await call("POST", "/api/auth/sign-in/email", { body: { email: viewer.email, password: viewer.password } });
    expect(res.status).toBe(200);
    expect(res.body.token).toBeUndefined();
    expect(res.body.user).toMatchObject({ email: viewer.email, role: "viewer" });
  });

  it("ends a session on sign-out and on expiry", async () => {
    const a = (await signIn(viewer.email, viewer.password)).cookie;
    expect((await call("GET", "/api/test/widget", { cookie: a })).status).toBe(200);
    expect((await call("POST", "/api/auth/sign-out", { cookie: a, body: {} })).status).toBe(200);
    expect((await call("GET", "/api/test/widget", { cookie: a })).status).toBe(401);

    const b = (await signIn(viewer.email, viewer.password)).cookie;
    const token = decodeURIComponent(b.split("=")[1]!).split(".")[0];
    await db.pool.query(`update auth_session set expires_at = now() - interval '1 second' where token = $1`, [token]);
    expect((await call("GET", "/api/test/widget", { cookie: b })).status).toBe(401);
  });

  it("exposes only sign-in, sign-out, session and password change from better-auth", async () => {
    const signUp = await call("POST", "/api/auth/sign-up/email", { body: { email: "self@example.com", password: "self-service-1", name: "x" } });
    expect(signUp.status).toBe(404);
    const setRole = await call("POST", "/api/auth/admin/set-role", { cookie: adminCookie, body: { userId: viewer.id, role: "admin" } });
    expect(setRole.status).toBe(404);
    const session = await call("GET", "/api/auth/get-session", { cookie: viewer.cookie });
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(viewer.email);
    expect(session.body.session.expiresAt).toBeDefined();
    expect(session.body.session.token).toBeUndefined();
  });

  it("changes a password through better-auth, audited", async () => {
    const created = await call("POST", "/api/users", { cookie: adminCookie, body: { email: "pat@example.com", role: "viewer", password: "old-password-1" } });
    const pat = (await signIn("pat@example.com", "old-password-1")).cookie;
    const res = await call("POST", "/api/auth/change-password", { cookie: pat, body: { currentPassword: "old-password-1", newPassword: "new-password-2" } });
    expect(res.status).toBe(200);
    await signIn("pat@example.com", "new-password-2");
    const { rows } = await db.pool.query(`select actor from audit_event where action = 'user.change_password' and subject_id = $1`, [created.body.user.id]);
    expect(rows).toEqual([{ actor: "pat@example.com" }]);
  });
});

describe("sign-in rate limit", () => {
  it("answers the 6th failed attempt for one address + e-mail with 429 and Retry-After", async () => {
    setSignInLimiter(createSignInLimiter());
    const attempt = (email: string, password: string) => call("POST", "/api/auth/sign-in/email", { body: { email, password } });
    for (let i = 1; i <= 5; i++) expect((await attempt(operator.email, `wrong-${i}-password`)).status).toBe(401);
    const sixth = await attempt(operator.email, "wrong-6-password");
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("rate_limited");
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Blocked even with the right password until the window ends...
    expect((await attempt(operator.email, operator.password)).status).toBe(429);
    // ...but only for that e-mail: another account from the same address signs in.
    expect((await attempt(viewer.email, viewer.password)).status).toBe(200);
  });

  it("does not count successful sign-ins", async () => {
    setSignInLimiter(createSignInLimiter());
    for (let i = 0; i < 8; i++)
      expect((await call("POST", "/api/auth/sign-in/email", { body: { email: viewer.email, password: viewer.password } })).status).toBe(200);
  });
});

describe("API tokens", () => {
  let operatorToken = "";
  let operatorTokenId = "";

  it("creates a token shown once, stored only as a hash, and lists it without secrets", async () => {
    const created = await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "ci", role: "operator" } });
    expect(created.status).toBe(201);
    operatorToken = created.body.token;
    operatorTokenId = created.body.apiToken.id;
    expect(operatorToken).toMatch(/^pp_[A-Za-z0-9_-]{43}$/);
    expect(created.body.apiToken).toMatchObject({ name: "ci", role: "operator", status: "active", prefix: operatorToken.slice(0, 11), createdBy: ADMIN_EMAIL });

    const stored = await db.pool.query(`select token_hash from api_token where id = $1`, [operatorTokenId]);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.rows)).not.toContain(operatorToken.slice(11));

    const list = await call("GET", "/api/tokens", { cookie: adminCookie });
    expect(list.status).toBe(200);
    expect(list.body.tokens).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(operatorToken.slice(11));
    expect(JSON.stringify(list.body)).not.toContain(stored.rows[0].token_hash);

    const audit = await db.pool.query(`select actor, after from audit_event where action = 'api_token.create'`);
    expect(audit.rows).toEqual([{ actor: ADMIN_EMAIL, after: { name: "ci", role: "operator", prefix: operatorToken.slice(0, 11), expiresAt: null } }]);
  });

  it("acts with its role over Bearer, needs no Origin, and records its use", async () => {
    const res = await call("POST", "/api/test/widget", { token: operatorToken, origin: null, body: { n: 9 } });
    expect(res.status).toBe(200);
    const { rows } = await db.pool.query(`select actor, actor_role from audit_event where action = 'widget.set' and after = '{"n": 9}'`);
    expect(rows).toEqual([{ actor: `${ADMIN_EMAIL} [token ci]`, actor_role: "operator" }]);
    await expect
      .poll(async () => (await db.pool.query(`select last_used_at from api_token where id = $1`, [operatorTokenId])).rows[0].last_used_at)
      .not.toBeNull();
    // Scoped: an operator token cannot do admin things.
    expect((await call("GET", "/api/tokens", { token: operatorToken })).status).toBe(403);
  });

  it("is admin-only to manage, and never above the creator's role", async () => {
    expect((await call("POST", "/api/tokens", { cookie: operator.cookie, body: { name: "x", role: "viewer" } })).status).toBe(403);
    expect((await call("POST", "/api/tokens", { token: operatorToken, body: { name: "x", role: "viewer" } })).status).toBe(403);
    const viewerToken = (await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "dash", role: "viewer" } })).body.token;
    expect((await call("GET", "/api/test/widget", { token: viewerToken })).status).toBe(200);
    expect((await call("POST", "/api/test/widget", { token: viewerToken, body: { n: 1 } })).status).toBe(403);
  });

  it("rejects malformed and unknown tokens with 401 even next to a valid cookie", async () => {
    expect((await call("GET", "/api/test/widget", { token: "pp_nope" })).status).toBe(401);
    expect((await call("GET", "/api/test/widget", { token: `pp_${"A".repeat(43)}`, cookie: viewer.cookie })).status).toBe(401);
  });

  it("stops working at once when revoked", async () => {
    expect((await call("GET", "/api/test/widget", { token: operatorToken })).status).toBe(200);
    const revoked = await call("DELETE", `/api/tokens/${operatorTokenId}`, { cookie: adminCookie });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: "revoked" });
    expect((await call("GET", "/api/test/widget", { token: operatorToken })).status).toBe(401);
    expect((await call("POST", "/api/test/widget", { token: operatorToken, body: { n: 10 } })).status).toBe(401);
    expect(await readWidget()).toBe(9);
    const audit = await db.pool.query(`select actor, before from audit_event where action = 'api_token.revoke' and subject_id = $1`, [operatorTokenId]);
    expect(audit.rows).toEqual([{ actor: ADMIN_EMAIL, before: { revokedAt: null } }]);
    expect((await call("DELETE", `/api/tokens/00000000-0000-0000-0000-000000000000`, { cookie: adminCookie })).status).toBe(404);
  });

  it("expires", async () => {
    const t = (await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "short", role: "viewer", expiresInDays: 1 } })).body;
    expect((await call("GET", "/api/test/widget", { token: t.token })).status).toBe(200);
    await db.pool.query(`update api_token set expires_at = now() - interval '1 second' where id = $1`, [t.apiToken.id]);
    expect((await call("GET", "/api/test/widget", { token: t.token })).status).toBe(401);
  });
});

describe("Socket.IO", () => {
  let io: SocketServer;
  let ioServer: http.Server;
  let access: { stop(): Promise<void> };
  let url = "";
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    ioServer = http.createServer();
    io = new SocketServer(ioServer, { serveClient: false });
    // From here on this process also LISTENs for access changes, so credentials are cached.
    access = await startSocketAccessControl(io, { connectionString: db.url, log: quiet });
    attachSocketHandlers(io, quiet);
    await new Promise<void>((resolve) => ioServer.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(ioServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await access.stop();
    await new Promise<void>((resolve) => void io.close(() => resolve()));
  });

  function open(opts: { cookie?: string; origin?: string; token?: string }): ClientSocket {
    const extraHeaders: Record<string, string> = {};
    if (opts.cookie) extraHeaders.cookie = opts.cookie;
    if (opts.origin) extraHeaders.origin = opts.origin;
    const socket = connectSocket(url, { transports: ["websocket"], reconnection: false, extraHeaders, auth: opts.token ? { token: opts.token } : {} });
    clients.push(socket);
    return socket;
  }
  function outcome(socket: ClientSocket): Promise<"connected" | string> {
    return new Promise((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (err) => resolve(err.message));
    });
  }

  it("refuses sockets without a session and sends them nothing", async () => {
    const socket = open({});
    const received: unknown[] = [];
    socket.onAny((...args) => received.push(args));
    expect(await outcome(socket)).toBe("unauthorized");
    // The negative is proven without waiting for "long enough": the server keeps no socket for the
    // refused client, and a signed-in watcher in the room receives both events, the broadcast last,
    // so the emits really went out while the refused client got none of them.
    const watcher = open({ cookie: viewer.cookie, origin: base });
    expect(await outcome(watcher)).toBe("connected");
    expect(await watcher.timeout(2000).emitWithAck("room:join", "market")).toEqual({ ok: true, data: { room: "market" } });
    expect([...io.of("/").sockets.keys()]).toEqual([watcher.id]);
    const watched: unknown[] = [];
    watcher.on("market:tick", (t: { tick: number }) => watched.push(t.tick));
    io.to("market").emit("market:tick", { date: "2016-01-04", tick: 1, symbols: 0, advancers: 0, decliners: 0, prices: [] });
    io.emit("market:tick", { date: "2016-01-04", tick: 2, symbols: 0, advancers: 0, decliners: 0, prices: [] });
    await waitFor(() => watched.length === 2, { timeoutMs: 2_000, message: "the signed-in watcher to receive the room event and the broadcast" });
    expect(watched).toEqual([1, 2]);
    expect(received).toEqual([]);
  });

  it("accepts a session cookie, joins a room and receives its events", async () => {
    const socket = open({ cookie: viewer.cookie, origin: base });
    expect(await outcome(socket)).toBe("connected");
    const ack = await socket.timeout(2000).emitWithAck("room:join", "market");
    expect(ack).toEqual({ ok: true, data: { room: "market" } });
    const got = new Promise((resolve) => socket.once("market:tick", resolve));
    io.to("market").emit("market:tick", { date: "2016-01-05", tick: 3, symbols: 1, advancers: 1, decliners: 0, prices: [] });
    expect(await got).toMatchObject({ tick: 3 });
  });

  it("refuses a cookie socket opened from a foreign origin (cross-site WebSocket hijacking)", async () => {
    expect(await outcome(open({ cookie: viewer.cookie, origin: "http://evil.example" }))).toBe("unauthorized");
  });

  /** Resolves with the server's reason when the socket is disconnected. */
  function disconnected(socket: ClientSocket): Promise<string> {
    return new Promise((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
  }
  async function joined(opts: { cookie?: string; token?: string }): Promise<ClientSocket> {
    const socket = open(opts.cookie ? { cookie: opts.cookie, origin: base } : opts);
    expect(await outcome(socket)).toBe("connected");
    expect(await socket.timeout(2000).emitWithAck("room:join", "market")).toEqual({ ok: true, data: { room: "market" } });
    return socket;
  }

  it("disconnects a socket at once when its session signs out, and only that session's sockets", async () => {
    const session = (await signIn(viewer.email, viewer.password)).cookie;
    const ending = await joined({ cookie: session });
    const other = await joined({ cookie: viewer.cookie });
    const gone = disconnected(ending);
    const out = await fetch(`${base}/api/auth/sign-out`, {
      method: "POST",
      headers: { cookie: session, origin: base, "content-type": "application/json" },
      body: "{}",
    });
    expect(out.status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    const ticks: number[] = [];
    ending.on("market:tick", (t: { tick: number }) => ticks.push(t.tick));
    const got = new Promise((resolve) => other.once("market:tick", resolve));
    io.to("market").emit("market:tick", { date: "2016-01-06", tick: 4, symbols: 0, advancers: 0, decliners: 0, prices: [] });
    expect(await got).toMatchObject({ tick: 4 });
    expect(ticks).toEqual([]);
    expect(other.connected).toBe(true);
    // The HTTP side forgot the session too (it was cached while the socket used it).
    expect((await call("GET", "/api/test/widget", { cookie: session })).status).toBe(401);
  });

  it("drops a socket when its session expires", async () => {
    const session = (await signIn(viewer.email, viewer.password)).cookie;
    const token = decodeURIComponent(session.split("=")[1]!).split(".")[0]!;
    // Shortened before the socket connects: the socket learns its expiry at the handshake.
    await db.pool.query(`update auth_session set expires_at = now() + interval '1500 milliseconds' where token = $1`, [token]);
    const socket = await joined({ cookie: session });
    const t0 = Date.now();
    expect(await disconnected(socket)).toBe("io server disconnect");
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("drops every socket of a user whose role changes, and of a user who is disabled", async () => {
    const user = (await call("POST", "/api/users", { cookie: adminCookie, body: { email: "dora@example.com", role: "operator", password: "dora-pass-123" } }))
      .body.user;
    const cookie = (await signIn("dora@example.com", "dora-pass-123")).cookie;
    const token = (await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "dora-view", role: "viewer" } })).body.token;
    expect(token).toBeTruthy();
    const a = await joined({ cookie });
    const demoted = disconnected(a);
    expect((await call("PATCH", `/api/users/${user.id}`, { cookie: adminCookie, body: { role: "viewer" } })).status).toBe(200);
    expect(await demoted).toBe("io server disconnect");
    // Reconnecting gives the new role at once (the cached operator credential was dropped).
    expect((await call("POST", "/api/test/widget", { cookie, body: { n: 2 } })).status).toBe(403);

    const b = await joined({ cookie });
    const c = await joined({ cookie });
    const gone = Promise.all([disconnected(b), disconnected(c)]);
    const disabled = await call("PATCH", `/api/users/${user.id}`, { cookie: adminCookie, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ banned: true });
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
    expect((await call("GET", "/api/test/widget", { cookie })).status).toBe(401);
    expect(await outcome(open({ cookie, origin: base }))).toBe("unauthorized");
    const refused = await fetch(`${base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: "dora@example.com", password: "dora-pass-123" }),
    });
    expect(refused.status).toBe(403);
    const audit = await db.pool.query(`select actor, after from audit_event where action = 'user.disable' and subject_id = $1`, [user.id]);
    expect(audit.rows).toEqual([{ actor: ADMIN_EMAIL, after: { disabled: true, sessionsEnded: 1, tokensRevoked: 0 } }]);

    expect((await call("PATCH", `/api/users/${user.id}`, { cookie: adminCookie, body: { disabled: false } })).status).toBe(200);
    expect((await signIn("dora@example.com", "dora-pass-123")).cookie).toBeTruthy();
    const enabled = await db.pool.query(`select after from audit_event where action = 'user.enable' and subject_id = $1`, [user.id]);
    expect(enabled.rows).toEqual([{ after: { disabled: false } }]);
  });

  it("disables a user's tokens with the user, and never disables the last admin", async () => {
    const user = (await call("POST", "/api/users", { cookie: adminCookie, body: { email: "abe@example.com", role: "admin", password: "abe-pass-1234" } })).body
      .user;
    const abe = (await signIn("abe@example.com", "abe-pass-1234")).cookie;
    const abeToken = (await call("POST", "/api/tokens", { cookie: abe, body: { name: "abe-ci", role: "operator" } })).body.token;
    const socket = await joined({ token: abeToken });
    const gone = disconnected(socket);
    expect((await call("PATCH", `/api/users/${user.id}`, { cookie: adminCookie, body: { disabled: true } })).status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    expect((await call("GET", "/api/test/widget", { token: abeToken })).status).toBe(401);
    const revoked = await db.pool.query(`select revoked_at from api_token where created_by = $1`, [user.id]);
    expect(revoked.rows.map((r: { revoked_at: Date | null }) => r.revoked_at !== null)).toEqual([true]);
    // Re-enabled: the person may sign in again, their tokens stay revoked.
    expect((await call("PATCH", `/api/users/${user.id}`, { cookie: adminCookie, body: { disabled: false } })).status).toBe(200);
    expect((await call("GET", "/api/test/widget", { token: abeToken })).status).toBe(401);

    const adminId = (await db.pool.query(`select id from auth_user where email = $1`, [ADMIN_EMAIL])).rows[0].id;
    // Abe is an admin again, so the root admin may be disabled… by Abe, and then Abe is the last one.
    const abe2 = (await signIn("abe@example.com", "abe-pass-1234")).cookie;
    expect((await call("PATCH", `/api/users/${user.id}`, { cookie: abe2, body: { disabled: true } })).status).toBe(200);
    const last = await call("PATCH", `/api/users/${adminId}`, { cookie: adminCookie, body: { disabled: true } });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toBe("cannot disable the last admin");
    expect((await call("PATCH", `/api/users/${adminId}`, { cookie: adminCookie, body: {} })).status).toBe(422);
  });

  it("never lets a token mint tokens or users (a 1-day admin token cannot create a non-expiring one)", async () => {
    const day = (await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "one-day", role: "admin", expiresInDays: 1 } })).body;
    const minted = await call("POST", "/api/tokens", { token: day.token, body: { name: "forever", role: "admin" } });
    expect(minted.status).toBe(403);
    expect(minted.body.error.message).toMatch(/API tokens cannot create API tokens/);
    expect((await call("POST", "/api/users", { token: day.token, body: { email: "m@example.com", role: "admin" } })).status).toBe(403);
    expect((await db.pool.query(`select 1 from api_token where name = 'forever'`)).rowCount).toBe(0);
  });

  it("serves a cached credential without the database and forgets it when the row changes by any path", async () => {
    const created = (await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "hot", role: "viewer" } })).body;
    expect((await call("GET", "/api/test/widget", { token: created.token })).status).toBe(200);
    expect(accessCache.size).toBeGreaterThan(0);
    // Revoked behind the app's back (plain SQL): the trigger's notice still reaches this process.
    await db.pool.query(`update api_token set revoked_at = now() where id = $1`, [created.apiToken.id]);
    await expect.poll(async () => (await call("GET", "/api/test/widget", { token: created.token })).status, { timeout: 2_000, interval: 20 }).toBe(401);
  });

  it("limits room joins per socket", async () => {
    const socket = await joined({ cookie: viewer.cookie });
    const acks = await Promise.all(Array.from({ length: JOIN_LIMIT.joins + 5 }, () => socket.timeout(2000).emitWithAck("room:join", "tasks")));
    const refused = acks.filter((a: { ok: boolean }) => !a.ok);
    // One join was spent by `joined` above.
    expect(refused).toHaveLength(6);
    expect(refused[0]).toMatchObject({ msg: expect.stringMatching(/too many room joins/) });
  });

  it("accepts an API token, and disconnects its socket at once when it is revoked", async () => {
    const created = (await call("POST", "/api/tokens", { cookie: adminCookie, body: { name: "socket", role: "viewer" } })).body;
    const socket = open({ token: created.token });
    expect(await outcome(socket)).toBe("connected");
    expect(await socket.timeout(2000).emitWithAck("room:join", "tasks")).toEqual({ ok: true, data: { room: "tasks" } });
    const gone = disconnected(socket);
    await call("DELETE", `/api/tokens/${created.apiToken.id}`, { cookie: adminCookie });
    expect(await gone).toBe("io server disconnect");
    expect(await outcome(open({ token: created.token }))).toBe("unauthorized");
  });
});
