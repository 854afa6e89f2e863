// Property-based fuzzing of every route under app/api (issue "Hardening"): each exported handler,
// as anonymous, viewer and admin, with malformed and boundary input (invalid percent-encoding,
// NUL and control characters, huge and negative numbers, impossible dates, prototype keys, wrong
// content types, very long strings). Properties: never a 5xx; no stack trace in any body and no
// SQL in an error body; and no state change without its audit row (a batch that only got 4xx
// changes nothing at all). The handlers run against the real runtime (engine, tasks, monitoring)
// on a real Postgres, called the way Next calls them.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// `server-only` throws outside Next's react-server build; route modules are server code.
vi.mock("server-only", () => ({}));

import { NextRequest } from "next/server";
import { PgBoss } from "pg-boss";
import { Server as SocketServer } from "socket.io";
import { logger } from "../../lib/log";
import { createApiToken } from "../../lib/server/domains/auth/api-tokens";
import { closeAuth, initAuth } from "../../lib/server/domains/auth/instance";
import { createSignInLimiter, setSignInLimiter } from "../../lib/server/domains/auth/sign-in-limiter";
import type { AuthActor } from "../../lib/server/domains/auth/types";
import { createFaultRegistry } from "../../lib/server/domains/faults/faults";
import { marketView, pgOperationDeps } from "../../lib/server/domains/market/operation-deps";
import { setMonitoring } from "../../lib/server/domains/monitor/monitoring-runtime";
import { startMonitoring } from "../../lib/server/domains/monitor/start-monitoring";
import { startEngineHost } from "../../lib/server/domains/optimizations/engine-host";
import { getMetricsRegistry } from "../../lib/server/domains/prometheus/metrics-registry";
import { createTaskService } from "../../lib/server/platform/queue/tasks";
import { socketBroadcaster } from "../../lib/server/platform/realtime/broadcaster";
import { setRuntime } from "../../lib/server/platform/runtime";
import { createIndicatorPool } from "../../lib/server/platform/workers/indicator-pool";
import { registerOperations } from "../../lib/operations/registry";
import { createTestDatabase } from "../helpers/db";

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
type Handler = (req: NextRequest, ctx: { params: Promise<unknown> }) => Promise<Response>;
const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Role = "anonymous" | "viewer" | "admin";
const ROLES: Role[] = ["anonymous", "viewer", "admin"];
/** Random cases per route × method × role (plus the 4 EXAMPLES): ~50 pairs × 3 roles × 9 ≈ 1,300 requests, ~20 s here. */
const RUNS = 5;
const BASE = "http://127.0.0.1:3000";

const quiet = logger.child({ component: "fuzz" });
quiet.level = "silent";
logger.level = "silent";

let db: Db;
let stop: () => Promise<void> = async () => undefined;
const tokens: Partial<Record<Role, string>> = {};
/** Responses by status over the whole fuzz run, to see what the cases reached. */
const seen = new Map<number, number>();

// ── the runtime server.ts builds, without Next, HTTP and cron ────────────────────────────────
async function startRuntime(d: Db): Promise<() => Promise<void>> {
  const { pool } = d;
  initAuth({ pool, baseURL: BASE, secret: "fuzz-secret-0123456789-abcdefghijklmnopqrstuvwxyz", trustedOrigins: [], sessionMaxAgeHours: 12 });
  setSignInLimiter(createSignInLimiter());
  const io = new SocketServer();
  const broadcaster = socketBroadcaster(io);
  const boss = new PgBoss({ connectionString: d.url, schema: "pgboss" });
  boss.on("error", () => undefined);
  await boss.start();
  const faults = createFaultRegistry(pool, { enabled: true });
  const metrics = getMetricsRegistry();
  const engineHost = await startEngineHost({ pool, connectionString: d.url, broadcaster, instanceId: "fuzz", log: quiet, faults: faults.lookup, metrics });
  const workers = createIndicatorPool({ threads: 1 });
  const operationDeps = pgOperationDeps({ pool, broadcaster, workers });
  const operations = registerOperations(engineHost.engine, operationDeps);
  await engineHost.ready();
  const monitoring = await startMonitoring({
    pool,
    broadcaster,
    engine: engineHost.engine,
    store: engineHost.store,
    recorder: engineHost.recorder,
    faults,
    metrics,
    log: quiet,
  });
  setMonitoring(monitoring);
  // Tasks are accepted but never run here (no workers started): the fuzz checks the requests.
  const tasks = createTaskService({ pool, boss, engine: engineHost.engine, broadcaster, log: quiet });
  setRuntime({
    instanceId: "fuzz",
    startedAt: new Date(),
    pool,
    engine: engineHost.engine,
    recorder: engineHost.recorder,
    guard: engineHost.guard,
    operations,
    market: marketView(operationDeps),
    optimizationStore: engineHost.store,
    tasks,
    socketClients: () => 0,
    // A running scheduler with one job, whose slot is always taken: runNow never changes state.
    // Like the real scheduler, it throws for a name it does not have.
    scheduler: {
      running: true,
      nextRuns: () => ({ "market-clock": null }),
      runNow: async (name) => {
        if (name !== "market-clock") throw new Error(`no job ${name}`);
        return { status: "skipped", reason: "overlap" };
      },
    },
  });
  return async () => {
    setRuntime(undefined);
    await Promise.resolve(monitoring.stop());
    await engineHost.stop();
    await workers.close();
    await boss.stop({ graceful: false });
    // `io` is attached to no HTTP server: nothing to close (its close() expects one).
    await closeAuth();
  };
}

// ── routes as Next sees them ─────────────────────────────────────────────────────────────────
interface RouteFile {
  rel: string;
  /** Path segments: literals, or `{name}` / `{...name}` for dynamic ones. */
  segments: { literal?: string; param?: string; catchAll?: boolean }[];
  mod: Partial<Record<Method, Handler>>;
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return /^route\.(ts|tsx|js)$/.test(e.name) ? [p] : [];
  });
}

const FILES = routeFiles(path.resolve("app/api")).sort();

async function loadRoute(file: string): Promise<RouteFile> {
  const rel = path.relative(process.cwd(), file).split(path.sep).join("/");
  const dirs = path.relative(path.resolve("app"), path.dirname(file)).split(path.sep);
  const segments = dirs.map((s) => {
    const m = /^\[(\.\.\.)?(.+)\]$/.exec(s);
    return m ? { param: m[2]!, catchAll: Boolean(m[1]) } : { literal: s };
  });
  return { rel, segments, mod: (await import(file)) as RouteFile["mod"] };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

// ── malformed and boundary input ─────────────────────────────────────────────────────────────
/** Path segments as sent on the wire (already percent-encoded, or deliberately not). */
const rawSegment = fc.oneof(
  fc.constantFrom(
    "%FF%FE",
    "%",
    "%E0%A4%A",
    "%25FF",
    "%2525",
    "a%00b",
    "%00",
    "%1B%5B31m",
    "constructor",
    "__proto__",
    "toString",
    "-1",
    "99999999999999999999999",
    "1e400",
  ),
  fc.constantFrom("market-clock", "AAPL", "00000000-0000-4000-8000-000000000000", "process.cpu%3Acache", "x".repeat(3000), "%ED%A0%80"),
  fc.string({ unit: "binary", maxLength: 12 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "x"))),
);

const weirdString = fc.oneof(
  fc.constantFrom(
    "",
    "\u0000",
    "a\u0000b",
    "\u001b[31mred",
    "\r\n",
    "constructor",
    "__proto__",
    "hasOwnProperty",
    "-271821-04-20T00:00:00Z",
    "+275760-09-13T00:00:00.000Z",
    "2016-02-30",
    "2016-02-30T00:00:00Z",
    "9999-99-99",
    "0000-00-00",
    "1e400",
    "-1",
    "-0",
    "NaN",
    "Infinity",
    "99999999999999999999999",
    "0x10",
    "' or 1=1; drop table audit_event; --",
    "%25",
    "%FF",
    "../../etc/passwd",
    "x".repeat(100_000),
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
);

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1.5, -0.000001),
  fc.boolean(),
  fc.constant(null),
  fc.array(weirdString, { maxLength: 3 }),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
);

const QUERY_KEYS = [
  "limit",
  "from",
  "to",
  "asOf",
  "before",
  "operation",
  "variant",
  "optimization",
  "actor",
  "subjectId",
  "action",
  "state",
  "rule",
  "id",
  "format",
  "source",
  "ticker",
  "symbol",
  "kind",
  "sma",
  "ema",
  "rsi",
  "bollinger",
  "bollingerK",
  "atr",
  "points",
  "includeExpired",
  "constructor",
  "__proto__",
];
const BODY_KEYS = [
  "operation",
  "strategies",
  "iterations",
  "warmup",
  "paused",
  "reason",
  "state",
  "percent",
  "name",
  "enabled",
  "note",
  "expiresAt",
  "comment",
  "startsAt",
  "endsAt",
  "durationMinutes",
  "kind",
  "amount",
  "mode",
  "variant",
  "role",
  "email",
  "password",
  "symbols",
  "expiresInDays",
];

const queryArb = fc.dictionary(
  fc.constantFrom(...QUERY_KEYS),
  weirdString.map((s) => s.slice(0, 5000)),
  { maxKeys: 4 },
);

/** A body as bytes on the wire with the content type it claims. */
const bodyArb = fc.oneof(
  fc.record({
    type: fc.constantFrom<string | null>(
      "application/json",
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      null,
    ),
    text: fc.oneof(
      fc.dictionary(fc.constantFrom(...BODY_KEYS), weirdValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)),
      fc.constantFrom(
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        "{",
        "[]",
        "null",
        "1",
        '"x"',
        "",
        "\u0000",
        '{"a":"\\u0000"}',
        "\uFEFF{}",
      ),
    ),
  }),
  fc.constant({ type: "application/json" as string | null, text: JSON.stringify({ reason: "x".repeat(70_000) }) }),
);

const caseArb = fc.record({ segments: fc.array(rawSegment, { minLength: 3, maxLength: 3 }), query: queryArb, body: bodyArb });
/**
 * Cases every route/method/role gets before the random ones: each finding of the hardening
 * review once (a random draw of 5 would hit a given one rarely).
 */
const EXAMPLES: [Case][] = [
  [
    {
      segments: ["%25FF", "%25FF", "%25FF"],
      query: { from: "+275760-09-13T00:00:00.000Z", operation: "a\u0000b", asOf: "2016-02-30" },
      body: { type: "text/plain", text: '{"reason":"x"}' },
    },
  ],
  [
    {
      segments: ["constructor", "__proto__", "constructor"],
      query: { to: "-271821-04-20T00:00:00Z", actor: "\u0000", limit: "1e400", before: "2016-02-30T00:00:00Z" },
      body: { type: "application/json", text: '{"reason":"a\\u0000b","operation":"nope.nope","strategies":["cache"],"paused":true,"note":"\\u0000"}' },
    },
  ],
  [
    {
      segments: ["%FF%FE", "%FF%FE", "%FF%FE"],
      query: { from: "9999-99-99", limit: "-1" },
      body: { type: "application/json", text: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' },
    },
  ],
  [
    {
      segments: ["a%00b", "a%00b", "a%00b"],
      query: { subjectId: "x".repeat(5000), points: "99999999999999999999999" },
      body: { type: null, text: '{"paused":true}' },
    },
  ],
];
interface Case {
  segments: string[];
  query: Record<string, string>;
  body: { type: string | null; text: string };
}

function buildRequest(route: RouteFile, method: Method, role: Role, c: Case): { req: NextRequest; params: Record<string, unknown>; url: string } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  let i = 0;
  for (const s of route.segments) {
    if (s.literal !== undefined) {
      parts.push(s.literal);
      continue;
    }
    const raw = route.rel.includes("[...all]") ? ["sign-in", "email", "get-session", "sign-out"][i % 4]! : c.segments[i % c.segments.length]!;
    i++;
    parts.push(raw);
    // Like Next: the decoded segment, or (if Next ever passes it on undecoded) the raw text.
    const decoded = safeDecode(raw) ?? raw;
    params[s.param!] = s.catchAll ? decoded.split("/") : decoded;
  }
  if (route.rel.includes("[...all]")) params.all = ["sign-in", "email"];
  const qs = new URLSearchParams(c.query).toString();
  const url = `${BASE}/${parts.join("/")}${qs ? `?${qs}` : ""}`;
  const headers = new Headers({ origin: BASE });
  if (role !== "anonymous") headers.set("authorization", `Bearer ${tokens[role]}`);
  const hasBody = method !== "GET" && c.body.text.length > 0;
  if (hasBody && c.body.type) headers.set("content-type", c.body.type);
  return { req: new NextRequest(url, { method, headers, body: hasBody ? c.body.text : undefined }), params, url };
}

// Stack frames (`at fn (file.ts:12:5)`) and the words of SQL statements or Postgres errors.
const STACK = /\bat [^\n]*\(?[\w/.-]+\.(ts|js|mjs|cjs):\d+:\d+\)?|node_modules\//;
const SQL =
  /\b(select\s+[\w*"]+(\s*,\s*[\w*"]+)*\s+from|insert\s+into|update\s+\w+\s+set|delete\s+from)\b|syntax error at or near|violates (foreign key|unique|check|not-null) constraint|invalid input syntax for|relation "\w+"|column "\w+"|\bpg_\w+|\bSQLSTATE\b/i;

// ── state: what the routes may change, and its audit trail ───────────────────────────────────
// Excluded, with the reason: `task` (a submitted task is a queued request, not a state change,
// and is not audited); `alert` (the monitoring raises and resolves alerts on its own timer);
// samples, rollups, job runs, news (background writers).
const WATCHED = [
  "select count(*)::text as v from audit_event",
  "select coalesce(md5(string_agg(id || ':' || state || ':' || percent::text, ',' order by id)), '') as v from optimization",
  "select coalesce(md5(string_agg(name || ':' || enabled::text, ',' order by name)), '') as v from master_switch",
  "select coalesce(md5(string_agg(key || ':' || value::text, ',' order by key)), '') as v from setting",
  "select coalesce(md5(string_agg(id::text || ':' || ends_at::text, ',' order by id)), '') as v from silence",
  "select coalesce(md5(string_agg(id::text || ':' || ends_at::text, ',' order by id)), '') as v from fault_injection",
  "select coalesce(md5(string_agg(id || ':' || coalesce(role, ''), ',' order by id)), '') as v from auth_user",
  "select coalesce(md5(string_agg(id::text || ':' || coalesce(revoked_at::text, ''), ',' order by id)), '') as v from api_token",
];

async function fingerprint(): Promise<string[]> {
  const out: string[] = [];
  for (const sql of WATCHED) out.push((await db.pool.query<{ v: string }>(sql)).rows[0]!.v);
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase();
  stop = await startRuntime(db);
  const creator = (
    await db.pool.query<{ id: string }>(
      "insert into auth_user (id, email, name, role, email_verified, created_at, updated_at) values ('fuzz-admin', 'fuzz@perfpilot.local', 'fuzz', 'admin', true, now(), now()) returning id",
    )
  ).rows[0]!;
  const admin: AuthActor = {
    name: "fuzz@perfpilot.local",
    role: "admin",
    origin: "127.0.0.1",
    via: "session",
    userId: creator.id,
    email: "fuzz@perfpilot.local",
    tokenId: null,
  };
  tokens.viewer = (await createApiToken(db.pool, admin, { name: "fuzz viewer", role: "viewer" })).token;
  tokens.admin = (await createApiToken(db.pool, admin, { name: "fuzz admin", role: "admin" })).token;
});

afterAll(async () => {
  console.log(`fuzz responses by status: ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}`);
  await stop();
  await db?.drop();
});

describe("API fuzz: malformed input never breaks a route", () => {
  it("finds the route files", () => {
    expect(FILES.length).toBeGreaterThan(20);
  });

  it.each(FILES.map((f) => [path.relative(process.cwd(), f)]))("%s", { timeout: 60_000 }, async (file) => {
    const route = await loadRoute(path.resolve(file));
    const methods = METHODS.filter((m) => typeof route.mod[m] === "function");
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) {
      for (const role of ROLES) {
        const before = await fingerprint();
        const statuses: number[] = [];
        await fc.assert(
          fc.asyncProperty(caseArb, async (c) => {
            const { req, params, url } = buildRequest(route, method, role, c as Case);
            const res = await route.mod[method]!(req, { params: Promise.resolve(params) });
            const text = await res.text();
            statuses.push(res.status);
            seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
            const where = `${method} ${url.slice(0, 300)} as ${role}`;
            // 503 `unavailable` is a state of the service (the market clock not started yet in this
            // test database), answered on purpose with a retry hint; every other 5xx is a failure.
            const unavailable = res.status === 503 && /"code":"unavailable"/.test(text);
            if (!unavailable) expect(res.status, `${where}: ${text.slice(0, 500)}`).toBeLessThan(500);
            expect(STACK.test(text), `${where}: stack trace in body: ${text.slice(0, 500)}`).toBe(false);
            if (res.status >= 400) expect(SQL.test(text), `${where}: SQL in error body: ${text.slice(0, 500)}`).toBe(false);
          }),
          { numRuns: EXAMPLES.length + RUNS, examples: EXAMPLES },
        );
        const after = await fingerprint();
        if (statuses.every((s) => s >= 400)) {
          expect(after, `${method} ${route.rel} as ${role}: state changed although every request was refused`).toEqual(before);
        } else if (after.slice(1).join() !== before.slice(1).join()) {
          expect(Number(after[0]), `${method} ${route.rel} as ${role}: state changed without an audit row`).toBeGreaterThan(Number(before[0]));
        }
      }
    }
  });
});

describe("API fuzz: the hardening findings, one by one", () => {
  async function call(rel: string, method: Method, role: Role, opts: { path: string; params?: Record<string, unknown>; body?: string; type?: string }) {
    const mod = (await import(path.resolve(rel))) as Partial<Record<Method, Handler>>;
    const headers = new Headers({ origin: BASE });
    if (role !== "anonymous") headers.set("authorization", `Bearer ${tokens[role]}`);
    if (opts.type) headers.set("content-type", opts.type);
    const res = await mod[method]!(new NextRequest(`${BASE}${opts.path}`, { method, headers, body: opts.body }), {
      params: Promise.resolve(opts.params ?? {}),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json().catch(() => null)) as { error?: { code: string; details?: { path: string }[] } } & Record<string, unknown>,
    };
  }

  it("invalid percent-encoding in a path segment: 400 naming it, before authorization", async () => {
    const r = await call("app/api/optimizations/[id]/route.ts", "GET", "anonymous", { path: "/api/optimizations/%FF%FE", params: { id: "%FF%FE" } });
    expect(r.status).toBe(400);
    expect(r.body.error?.details?.[0]?.path).toBe("id");
  });

  it("an id is decoded once: %2525 reaches the schema as %25, a 422 naming id", async () => {
    const r = await call("app/api/optimizations/[id]/route.ts", "GET", "viewer", { path: "/api/optimizations/a%2525FF", params: { id: "a%25FF" } });
    expect(r.status).toBe(422);
    expect(r.body.error?.details?.[0]?.path).toBe("id");
  });

  it("NUL in a query filter: 422 naming the field", async () => {
    for (const [rel, p] of [
      ["app/api/audit/route.ts", "/api/audit?actor=a%00b"],
      ["app/api/comparisons/route.ts", "/api/comparisons?operation=a%00b"],
      ["app/api/optimizations/route.ts", "/api/optimizations?operation=a%00b"],
      ["app/api/shadow-mismatches/route.ts", "/api/shadow-mismatches?operation=a%00b"],
      ["app/api/metrics/samples/route.ts", "/api/metrics/samples?operation=a%00bcd"],
    ] as const) {
      const r = await call(rel, "GET", "viewer", { path: p });
      expect(r.status, rel).toBe(422);
      expect(r.body.error?.details?.[0]?.path, rel).toMatch(/actor|operation/);
    }
  });

  it("NUL in the autopilot reason: 422, nothing written", async () => {
    const before = await fingerprint();
    const r = await call("app/api/autopilot/route.ts", "PATCH", "admin", {
      path: "/api/autopilot",
      type: "application/json",
      body: JSON.stringify({ paused: true, reason: "a\u0000b" }),
    });
    expect(r.status).toBe(422);
    expect(r.body.error?.details?.[0]?.path).toBe("reason");
    expect(await fingerprint()).toEqual(before);
  });

  it("six-digit and negative ISO years, impossible dates: 422 naming the field", async () => {
    for (const [rel, p, field] of [
      ["app/api/metrics/rollups/route.ts", "/api/metrics/rollups?operation=market.report&from=%2B275760-09-13T00:00:00.000Z", "from"],
      ["app/api/metrics/samples/route.ts", "/api/metrics/samples?operation=market.report&to=-271821-04-20T00:00:00Z", "to"],
      ["app/api/metrics/samples/route.ts", "/api/metrics/samples?operation=market.report&from=9999-99-99", "from"],
      ["app/api/technical-analysis/[symbol]/route.ts", "/api/technical-analysis/AAPL?asOf=2016-02-30", "asOf"],
      ["app/api/prices/[symbol]/route.ts", "/api/prices/AAPL?from=2016-02-30", "from"],
    ] as const) {
      const r = await call(rel, "GET", "viewer", { path: p, params: { symbol: "AAPL" } });
      expect(r.status, p).toBe(422);
      expect(r.body.error?.details?.[0]?.path, p).toBe(field);
    }
  });

  it("POST /api/jobs/constructor/run: 404, not a 500 (own properties only)", async () => {
    for (const name of ["constructor", "tostring", "hasownproperty"]) {
      const r = await call("app/api/jobs/[name]/run/route.ts", "POST", "admin", { path: `/api/jobs/${name}/run`, params: { name } });
      expect(r.status, name).toBe(404);
    }
  });

  it("POST /api/comparisons with an unknown operation: 422 at submit, no task", async () => {
    const tasksBefore = (await db.pool.query("select count(*)::int as n from task")).rows[0].n;
    const r = await call("app/api/comparisons/route.ts", "POST", "admin", {
      path: "/api/comparisons",
      type: "application/json",
      body: JSON.stringify({ operation: "nope.nope", strategies: ["cache"] }),
    });
    expect(r.status).toBe(422);
    expect(r.body.error?.details?.[0]?.path).toBe("operation");
    expect((await db.pool.query("select count(*)::int as n from task")).rows[0].n).toBe(tasksBefore);
  });

  it("a JSON route refuses other content types with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await call("app/api/autopilot/route.ts", "PATCH", "admin", { path: "/api/autopilot", type, body: JSON.stringify({ paused: true }) });
      expect(r.status, type).toBe(415);
    }
  });

  it("a chunked body past 64 KB is refused with 413 while it streams", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        pulled += chunk.byteLength;
        if (pulled > 10 * 1024 * 1024) ctrl.close();
        else ctrl.enqueue(chunk);
      },
    });
    const mod = (await import(path.resolve("app/api/autopilot/route.ts"))) as Partial<Record<Method, Handler>>;
    const headers = new Headers({ authorization: `Bearer ${tokens.admin}`, "content-type": "application/json" });
    const res = await mod.PATCH!(new NextRequest(`${BASE}/api/autopilot`, { method: "PATCH", headers, body, duplex: "half" } as never), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(256 * 1024);
  });

  it("health: status only for anonymous callers, details when signed in; API answers are no-store", async () => {
    const anon = await call("app/api/health/route.ts", "GET", "anonymous", { path: "/api/health" });
    expect([200, 503]).toContain(anon.status);
    expect(Object.keys(anon.body)).toEqual(["status"]);
    expect(anon.headers.get("cache-control")).toBe("no-store");
    const viewer = await call("app/api/health/route.ts", "GET", "viewer", { path: "/api/health" });
    expect(viewer.body).toHaveProperty("checks");
  });

  it("internal error text is masked for viewers, shown to operators", async () => {
    await db.pool.query(
      `insert into news_source (name, url, healthy, last_error) values ('fuzz', 'http://feeds.invalid/rss', false, 'connect ECONNREFUSED db-internal.corp:5432')
       on conflict (name) do update set last_error = excluded.last_error`,
    );
    const viewer = await call("app/api/news/route.ts", "GET", "viewer", { path: "/api/news" });
    const admin = await call("app/api/news/route.ts", "GET", "admin", { path: "/api/news" });
    expect(JSON.stringify(viewer.body)).not.toContain("db-internal.corp");
    expect(JSON.stringify(admin.body)).toContain("db-internal.corp");
  });
});
