// Sign-in limits and one-time passwords end to end (issue "Hardening", items 4 and 9; shared
// limiter state of the scale-out issue): a real HTTP server in front of the real better-auth
// catch-all route, a real migrated Postgres holding the limiter's counters, and requests sent
// over loopback from several real peer addresses (Linux answers on all of 127.0.0.0/8, so a
// client can bind 127.0.0.17 and the server sees that address on its socket).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// `server-only` throws outside Next's react-server build; these modules are server code.
vi.mock("server-only", () => ({}));

import pg from "pg";
import { AppError } from "../../lib/errors";
import { logger } from "../../lib/log";
import { stampClientAddress, trustedProxies } from "../../lib/server/domains/auth/client-ip";
import { ensureAdmin } from "../../lib/server/domains/auth/ensure-admin";
import { closeAuth, getAuth, initAuth } from "../../lib/server/domains/auth/instance";
import { assertPasswordChanged } from "../../lib/server/domains/auth/password-change";
import { createHashLimiter, setPasswordHashLimiter } from "../../lib/server/domains/auth/password-hashing";
import { DEFAULT_SIGN_IN_LIMITS, createSignInLimiter, setSignInLimiter } from "../../lib/server/domains/auth/sign-in-limiter";
import { inTransaction, insertUser } from "../../lib/server/domains/auth/users";
import { createPool } from "../../lib/server/platform/db/pool";
import * as authCatchAll from "../../app/api/auth/[...all]/route";
import { createTestDatabase } from "../helpers/db";
import { routeAdapter, type RouteModule } from "../helpers/route-adapter";

type Db = Awaited<ReturnType<typeof createTestDatabase>>;

const quiet = logger.child({ component: "test" });
quiet.level = "silent";
// better-auth warns on every wrong password: hundreds of lines here.
logger.level = "error";

let db: Db;
let server: http.Server;
let port = 0;
let base = "";
let dataDir = "";
/** The one proxy this test server trusts: a request from 127.0.0.1 may say who it forwards. */
const PROXY = "127.0.0.1";

// ── the catch-all route behind node:http, as server.ts runs it ───────────────────────────────
const adapt = routeAdapter([{ pattern: /^\/api\/auth\/(.+)$/, mod: authCatchAll as RouteModule, params: (m) => ({ all: m[1]!.split("/") }) }], (req) =>
  stampClientAddress(req, trustedProxies([PROXY])),
);

interface Answer {
  status: number;
  // JSON of the auth endpoints: each test reads the fields it checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

/** One request over real HTTP from the loopback address `from`, optionally claiming to forward for `xff`. */
function send(method: string, urlPath: string, o: { from?: string; xff?: string; cookie?: string; body?: unknown } = {}): Promise<Answer> {
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = { origin: base };
  if (payload !== undefined) headers["content-type"] = "application/json";
  if (o.xff) headers["x-forwarded-for"] = o.xff;
  if (o.cookie) headers.cookie = o.cookie;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: urlPath, method, headers, localAddress: o.from ?? "127.0.0.1", agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ms: performance.now() - started });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const signInFrom = (from: string, email: string, password: string, xff?: string) =>
  send("POST", "/api/auth/sign-in/email", { from, xff, body: { email, password } });

function sessionCookie(a: Answer): string {
  const cookie = (a.headers["set-cookie"] ?? []).find((c) => c.includes("session_token="));
  expect(cookie, JSON.stringify(a.body)).toBeDefined();
  return cookie!.split(";")[0]!;
}

/** A user with a password, created the way /api/users creates one. */
async function createUser(email: string, password: string): Promise<string> {
  const user = await inTransaction(db.pool, (client) =>
    insertUser(client, { name: "test", role: "admin", origin: "test" }, { email, role: "viewer", password }),
  );
  return user.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  server = http.createServer((req, res) => {
    adapt(req, res).catch((err: unknown) => {
      console.error(err);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-sign-in-"));
  initAuth({ pool: db.pool, baseURL: base, secret: "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz", trustedOrigins: [], sessionMaxAgeHours: 12, dataDir });
});

beforeEach(async () => {
  // Every test starts from clean counters, in the database as in production.
  await db.pool.query(`delete from rate_limit`);
  setSignInLimiter(undefined);
  setPasswordHashLimiter(undefined);
});

afterAll(async () => {
  setSignInLimiter(undefined);
  setPasswordHashLimiter(undefined);
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await closeAuth();
  await db?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("sign-in limits", () => {
  it("limits one address whatever the e-mail: 429 with Retry-After long before 40 attempts", { timeout: 60_000 }, async () => {
    const statuses: number[] = [];
    let limited: Answer | null = null;
    for (let i = 0; i < 40; i++) {
      // A new e-mail each time, and a new made-up X-Forwarded-For: the peer is no trusted proxy.
      const a = await signInFrom("127.0.0.3", `nobody-${i}@example.com`, "wrong-password-1", `198.51.100.${i + 1}`);
      statuses.push(a.status);
      if (a.status === 429) {
        limited = a;
        break;
      }
    }
    expect(statuses.slice(0, DEFAULT_SIGN_IN_LIMITS.perAddress).every((s) => s === 401)).toBe(true);
    expect(statuses).toHaveLength(DEFAULT_SIGN_IN_LIMITS.perAddress + 1);
    expect(limited?.body.error).toMatchObject({ code: "rate_limited", details: { limitedBy: "address" } });
    const retryAfter = Number(limited?.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Another address is not affected.
    expect((await signInFrom("127.0.0.4", "nobody-0@example.com", "wrong-password-1")).status).toBe(401);
  });

  it("does not lock an account: after 10 addresses × 5 wrong passwords the owner still signs in, after a capped delay", { timeout: 120_000 }, async () => {
    // The production schedule scaled down ×6 (250 ms doubling to 3 s there), so the test takes seconds.
    const delay = { freeFailures: DEFAULT_SIGN_IN_LIMITS.delay.freeFailures, baseMs: 40, maxMs: 500 };
    setSignInLimiter(createSignInLimiter({ pool: db.pool, limits: { delay } }));
    // 10 guesses at once wait for hash slots; on a loaded machine beyond the cap's 3 s, which
    // would answer 429 "busy" (its own test is below): let them all wait here.
    setPasswordHashLimiter(createHashLimiter({ maxWaitMs: 60_000 }));
    await createUser("owner@example.com", "owner-password-1");
    const attackers = Array.from({ length: 10 }, (_, i) => `127.0.0.${20 + i}`);
    const results = await Promise.all(
      attackers.map(async (from) => {
        const got: Answer[] = [];
        for (let i = 0; i < 5; i++) got.push(await signInFrom(from, "owner@example.com", `guess-${from}-${i}`));
        return got;
      }),
    );
    expect(results.flat().map((a) => a.status)).toEqual(Array(50).fill(401));
    // Each attacking address is now limited for this account...
    expect((await signInFrom(attackers[0]!, "owner@example.com", "owner-password-1")).status).toBe(429);
    // ...and the later guesses were slowed down (the delay grows with the account's failures).
    const slowest = Math.max(...results.flat().map((a) => a.ms));
    expect(slowest).toBeGreaterThanOrEqual(delay.maxMs);
    // The owner, from an address of their own, gets in: one delayed attempt, no lock.
    const owner = await signInFrom("127.0.0.40", "owner@example.com", "owner-password-1");
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    expect(owner.ms).toBeGreaterThanOrEqual(delay.maxMs - 5);
    // A success clears the account's failures: the next attempt is not delayed (only hashed).
    const { rows } = await db.pool.query(`select 1 from rate_limit where key like 'signin-account:%'`);
    expect(rows).toEqual([]);
    expect((await signInFrom("127.0.0.40", "owner@example.com", "owner-password-1")).status).toBe(200);
  });

  it("believes X-Forwarded-For only from a trusted proxy", async () => {
    await createUser("fwd@example.com", "fwd-password-1");
    const direct = await signInFrom("127.0.0.5", "fwd@example.com", "fwd-password-1", "198.51.100.77");
    const proxied = await signInFrom(PROXY, "fwd@example.com", "fwd-password-1", "6.6.6.6, 198.51.100.88");
    expect([direct.status, proxied.status]).toEqual([200, 200]);
    const { rows } = await db.pool.query<{ origin: string }>(
      `select origin from audit_event where action = 'auth.sign_in' and subject_type = 'user' and actor = 'fwd@example.com' order by id`,
    );
    // The untrusted peer's claim is ignored; behind the proxy, the hop the proxy appended counts
    // (the client's own "6.6.6.6" is not believed).
    expect(rows.map((r) => r.origin)).toEqual(["127.0.0.5", "198.51.100.88"]);
    const sessions = await db.pool.query<{ ip_address: string }>(
      `select s.ip_address from auth_session s join auth_user u on u.id = s.user_id where u.email = 'fwd@example.com' order by s.created_at`,
    );
    expect(sessions.rows.map((r) => r.ip_address)).toEqual(["127.0.0.5", "198.51.100.88"]);

    // Limits follow the same address: five failures forwarded for one client limit that client only.
    for (let i = 0; i < 5; i++) expect((await signInFrom(PROXY, "fwd@example.com", `wrong-${i}-password`, "198.51.100.9")).status).toBe(401);
    expect((await signInFrom(PROXY, "fwd@example.com", "fwd-password-1", "198.51.100.9")).status).toBe(429);
    expect((await signInFrom(PROXY, "fwd@example.com", "fwd-password-1", "198.51.100.10")).status).toBe(200);
  });

  it("limits /change-password per user (from any address)", { timeout: 60_000 }, async () => {
    await createUser("chg@example.com", "chg-password-1");
    const cookie = sessionCookie(await signInFrom("127.0.0.6", "chg@example.com", "chg-password-1"));
    const change = (from: string, currentPassword: string) =>
      send("POST", "/api/auth/change-password", { from, cookie, body: { currentPassword, newPassword: "chg-password-2" } });
    for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.perUserPasswordChange; i++) {
      const a = await change(`127.0.0.${50 + i}`, `wrong-current-${i}`);
      expect(a.status).toBe(400);
      expect(a.body.code).toBe("INVALID_PASSWORD");
    }
    const limited = await change("127.0.0.60", "chg-password-1");
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: "rate_limited", details: { limitedBy: "user" } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(800);
    // Nothing changed: the old password still works.
    expect((await signInFrom("127.0.0.6", "chg@example.com", "chg-password-1")).status).toBe(200);
  });

  it("limits /change-password per address, together with failed sign-ins", { timeout: 60_000 }, async () => {
    await createUser("chg2@example.com", "chg2-password-1");
    const cookie = sessionCookie(await signInFrom("127.0.0.7", "chg2@example.com", "chg2-password-1"));
    for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.perAddress - 1; i++)
      expect((await signInFrom("127.0.0.8", `x${i}@example.com`, "wrong-password-1")).status).toBe(401);
    const change = (currentPassword: string) =>
      send("POST", "/api/auth/change-password", { from: "127.0.0.8", cookie, body: { currentPassword, newPassword: "chg2-password-2" } });
    expect((await change("wrong-current")).status).toBe(400);
    const limited = await change("chg2-password-1");
    expect(limited.status).toBe(429);
    expect(limited.body.error.details.limitedBy).toBe("address");
  });

  it("caps concurrent password hashing: the excess gets 429 with Retry-After, never a 500", { timeout: 60_000 }, async () => {
    const cap = createHashLimiter({ concurrency: 1, maxWaitMs: 300, maxQueue: 0 });
    setPasswordHashLimiter(cap);
    // The one slot is busy (a long hash) and no one may queue: every sign-in now is refused.
    let release!: () => void;
    const busyHash = cap.run(() => new Promise<void>((resolve) => (release = resolve)));
    const answers = await Promise.all(Array.from({ length: 3 }, (_, i) => signInFrom(`127.0.0.${70 + i}`, `hash-${i}@example.com`, "wrong-password-1")));
    expect(answers.map((a) => a.status)).toEqual([429, 429, 429]);
    expect(answers[0]!.body.error.code).toBe("rate_limited");
    expect(answers[0]!.headers["retry-after"]).toBe("2");
    // A refused attempt checked no password: it is refunded, not counted against the address.
    const counted = await db.pool.query<{ points: number }>(`select points from rate_limit where key = 'pw-ip:127.0.0.70'`);
    expect(counted.rows.map((r) => r.points)).toEqual([0]);
    // With the slot free again, passwords are checked as usual.
    release();
    await busyHash;
    expect((await signInFrom("127.0.0.70", "hash-0@example.com", "wrong-password-1")).status).toBe(401);
  });
});

describe("shared limiter state", () => {
  it("counts across instances on one database, in a table holding no e-mail address", async () => {
    // Two instances: two pools, two limiters, one database.
    const other = createPool(db.url, 2);
    try {
      const a = createSignInLimiter({ pool: db.pool });
      const b = createSignInLimiter({ pool: other });
      for (const limiter of [a, b, a, b, a]) {
        const r = await limiter.reserveSignIn("192.0.2.1", "Shared@Example.com");
        expect(r.allowed).toBe(true);
        if (r.allowed) await r.settle("failure");
      }
      expect(await b.reserveSignIn("192.0.2.1", "shared@example.com")).toMatchObject({ allowed: false, limitedBy: "address_and_email" });
      expect(await a.reserveSignIn("192.0.2.1", "shared@example.com")).toMatchObject({ allowed: false, limitedBy: "address_and_email" });
      // The account's failures (for the delay) are shared too.
      const fresh = await b.reserveSignIn("192.0.2.2", "shared@example.com");
      expect(fresh).toMatchObject({ allowed: true, delayMs: DEFAULT_SIGN_IN_LIMITS.delay.baseMs });

      const { rows } = await db.pool.query<{ key: string; points: number }>(`select key, points from rate_limit order by key`);
      expect(rows.find((r) => r.key === "pw-ip:192.0.2.1")?.points).toBe(5);
      expect(rows.some((r) => r.key.startsWith("signin-account:"))).toBe(true);
      expect(JSON.stringify(rows)).not.toMatch(/shared|example/i);
    } finally {
      await other.end();
    }
  });

  it("keeps limiting in memory while the database cannot be reached", async () => {
    // A pool to a port where nothing listens: every store query fails at once.
    const dead = new pg.Pool({ connectionString: "postgres://nobody:nothing@127.0.0.1:1/none", connectionTimeoutMillis: 500 });
    dead.on("error", () => undefined);
    try {
      const limiter = createSignInLimiter({ pool: dead });
      for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.perAddressAndEmail; i++) {
        const r = await limiter.reserveSignIn("192.0.2.9", "outage@example.com");
        expect(r.allowed).toBe(true);
        if (r.allowed) await r.settle("failure");
      }
      expect(await limiter.reserveSignIn("192.0.2.9", "outage@example.com")).toMatchObject({ allowed: false, limitedBy: "address_and_email" });
    } finally {
      await dead.end();
    }
  });
});

describe("the first admin's one-time password", () => {
  it("is written to a 0600 file, never printed, and must be changed at the first sign-in", { timeout: 60_000 }, async () => {
    await db.pool.query(`delete from auth_user`);
    const printed: string[] = [];
    const made = await ensureAdmin({ log: quiet, email: "first@example.com", print: (t) => printed.push(t) });
    expect(made).toMatchObject({ created: true, email: "first@example.com", passwordFile: path.join(dataDir, "first-admin-password") });
    const file = made.passwordFile!;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = /^password: (\S+)$/m.exec(fs.readFileSync(file, "utf8"))?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(printed.join("\n")).toContain(file);
    expect(printed.join("\n")).not.toContain(password);
    const flag = await db.pool.query(`select must_change_password from auth_user where email = 'first@example.com'`);
    expect(flag.rows).toEqual([{ must_change_password: true }]);

    // Signs in, and is told to change the password first.
    const signedIn = await signInFrom("127.0.0.9", "first@example.com", password!);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ email: "first@example.com", role: "admin", mustChangePassword: true });
    const cookie = sessionCookie(signedIn);
    // The session exists for sign-out, get-session and change-password; the API's access check refuses it.
    const session = await send("GET", "/api/auth/get-session", { from: "127.0.0.9", cookie });
    expect(session.status).toBe(200);
    const sessionUser = (await getAuth().api.getSession({ headers: new Headers({ cookie }) }))!.user;
    let refused: unknown = null;
    try {
      assertPasswordChanged(sessionUser);
    } catch (err) {
      refused = err;
    }
    expect(AppError.is(refused) && [refused.code, refused.status]).toEqual(["password_change_required", 403]);

    // The same password again is refused; a new one clears the flag and deletes the file.
    const same = await send("POST", "/api/auth/change-password", { from: "127.0.0.9", cookie, body: { currentPassword: password, newPassword: password } });
    expect(same.status).toBe(422);
    const changed = await send("POST", "/api/auth/change-password", {
      from: "127.0.0.9",
      cookie,
      body: { currentPassword: password, newPassword: "first-admin-own-password", revokeOtherSessions: true },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(fs.existsSync(file)).toBe(false);
    expect((await db.pool.query(`select must_change_password from auth_user where email = 'first@example.com'`)).rows).toEqual([
      { must_change_password: false },
    ]);
    const audit = await db.pool.query(`select actor, after from audit_event where action = 'user.change_password' and actor = 'first@example.com'`);
    expect(audit.rows).toEqual([{ actor: "first@example.com", after: { oneTimePassword: "replaced" } }]);

    expect((await signInFrom("127.0.0.9", "first@example.com", password!)).status).toBe(401);
    const own = await signInFrom("127.0.0.9", "first@example.com", "first-admin-own-password");
    expect(own.status).toBe(200);
    expect(own.body.user.mustChangePassword).toBe(false);
    const ownUser = (await getAuth().api.getSession({ headers: new Headers({ cookie: sessionCookie(own) }) }))!.user;
    expect(() => assertPasswordChanged(ownUser)).not.toThrow();
  });

  it("with ADMIN_PASSWORD: no file and no forced change (the operator chose it)", async () => {
    await db.pool.query(`delete from auth_user`);
    const made = await ensureAdmin({ log: quiet, email: "chosen@example.com", password: "chosen-admin-password", print: () => undefined });
    expect(made).toEqual({ created: true, email: "chosen@example.com", passwordFile: null });
    expect(fs.existsSync(path.join(dataDir, "first-admin-password"))).toBe(false);
    const signedIn = await signInFrom("127.0.0.10", "chosen@example.com", "chosen-admin-password");
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.mustChangePassword).toBe(false);
  });
});
