// Property-based fuzzing of every operation of the API contract (issue "Hardening", item 10). The
// operations, their path and query parameters and their bodies come from the OpenAPI document
// (GET /api/openapi.json, generated from the zod schemas the routes validate with): fast-check
// draws valid values from those schemas and malformed and boundary ones around them (wrong types,
// huge strings, NUL and control characters, invalid percent-encoding, impossible dates, extreme
// numbers, missing and extra fields, wrong content types), as anonymous, viewer and admin.
// Properties: never a 5xx (503 `unavailable` aside: a state of the service, with a retry hint); no
// stack trace in any body and no SQL in an error body; every status is one the document lists for
// the operation, and every JSON body matches the document's schema for it (so the documented
// responses cannot drift from the real ones); no state change without its audit row. The handlers
// run against the real runtime (engine, tasks, monitoring) on a real Postgres, called the way
// Next calls them.
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
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
import { advanceClock } from "../../lib/market/services/advance-clock";
import { pgClockStore } from "../../lib/server/domains/market/pg-stores";
import { documentOperations, resolveRoute, type DocumentOperation, type Segment } from "../helpers/api-routes";
import { createTestDatabase } from "../helpers/db";
import { arbitraryFor, bodyValueFor, queryValueFor, weirdSegment, weirdString, weirdValue, type Hints, type JsonSchema } from "../helpers/schema-arbitrary";

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
type Handler = (req: NextRequest, ctx: { params: Promise<unknown> }) => Promise<Response>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Role = "anonymous" | "viewer" | "admin";
const ROLES: Role[] = ["anonymous", "viewer", "admin"];
/**
 * Random cases per operation × role, besides the 4 EXAMPLES: 53 operations × (viewer and admin ×
 * (4 + 12) + anonymous × (4 + 2), public ones 4 + 12) ≈ 2,000 requests, ~15 s here. Anonymous
 * callers of non-public operations stop at the 401, so they get fewer. FUZZ_RUNS=200 digs deeper
 * by hand (FUZZ_VERBOSE=1 prints the statuses of each operation).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const RUNS_REFUSED = 2;
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
  // Tasks are accepted but never run here (no workers started): the fuzz checks the requests. Their
  // queue exists, as after the server's `tasks.start()`, so a valid submit is queued, not a 500.
  const tasks = createTaskService({ pool, boss, engine: engineHost.engine, broadcaster, log: quiet });
  await boss.createQueue("engine-task");
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

// ── the operations, from the document the server serves ────────────────────────────────────
interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema> };
}
let doc: OpenApiDocument;
let ops: DocumentOperation[] = [];
let ajv: Ajv2020;

/** Loads the document through its own route, as a client would. */
async function loadDocument(): Promise<OpenApiDocument> {
  const mod = (await import(path.resolve("app/api/openapi.json/route.ts"))) as { GET: Handler };
  const res = await mod.GET(new NextRequest(`${BASE}/api/openapi.json`), { params: Promise.resolve({}) });
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
}

/** JSON Schema validation of response bodies against the document (its `$ref`s resolve inside it). */
function createValidator(d: OpenApiDocument): Ajv2020 {
  // unicodeRegExp off: zod writes patterns for JavaScript's RegExp, not its `u` mode.
  const v = new Ajv2020({ strict: false, validateSchema: false, allErrors: true, unicodeRegExp: false });
  v.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/);
  v.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
  v.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  v.addFormat("email", /^[^@\s]+@[^@\s]+$/);
  v.addSchema(d as never, "openapi");
  return v;
}

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

/** The schema of a documented answer, compiled once. */
const compiled = new Map<string, ReturnType<Ajv2020["compile"]>>();
function validatorFor(op: DocumentOperation, status: string, type: string) {
  const ref = `openapi#/${pointer("paths", op.path, op.method.toLowerCase(), "responses", status, "content", type, "schema")}`;
  let v = compiled.get(ref);
  if (!v) compiled.set(ref, (v = ajv.compile({ $ref: ref })));
  return v;
}

/**
 * Real values by field name, gathered from the list operations' answers: ids, symbols, job names
 * (the path parameter `name`), operation names, optimization ids, variants. Drawn beside the
 * schemas' own values so that the cases also reach past "unknown id".
 */
const known: Record<string, Set<string>> = {
  id: new Set(),
  symbol: new Set(),
  name: new Set(),
  operation: new Set(),
  optimization: new Set(),
  variant: new Set(),
};

async function gatherKnownValues(): Promise<void> {
  for (const o of ops.filter((x) => x.method === "GET" && !x.path.includes("{") && x.path !== "/api/openapi.json")) {
    const r = resolveRoute(o.path);
    if (!r) continue;
    const mod = (await import(r.file)) as Record<string, Handler>;
    const res = await mod.GET!(request("GET", `${BASE}${o.path}`, "admin"), { params: Promise.resolve({}) });
    if (!res.ok) continue;
    const walk = (v: unknown, depth: number): void => {
      if (depth > 4 || v === null || typeof v !== "object") return;
      if (Array.isArray(v)) return v.slice(0, 20).forEach((x) => walk(x, depth + 1));
      for (const [k, x] of Object.entries(v)) {
        if (typeof x !== "string" || x.length > 120) {
          walk(x, depth + 1);
          continue;
        }
        // Not the fuzz's own tokens and user: revoking the viewer's token (an admin may) would end the run.
        if ((k === "id" || k === "taskId") && !ownIds.has(x)) known.id!.add(x);
        if ((k === "id" || k === "optimizationId") && x.includes(":")) known.optimization!.add(x);
        if (k === "symbol") known.symbol!.add(x);
        if (k === "job") known.name!.add(x);
        if (k === "operation") known.operation!.add(x);
        if (k === "variant") known.variant!.add(x);
      }
    };
    walk(await res.json().catch(() => null), 0);
  }
}

/**
 * Real cursors by operation (a list's second page): a cursor is only valid for its own list, and
 * one drawn from the schema alone is almost always refused, so the clean cases use these (or none)
 * to reach past the 422; the malformed cases still send garbage ones.
 */
const cursors = new Map<string, string[]>();

async function gatherCursors(): Promise<void> {
  for (const o of ops.filter((x) => x.method === "GET" && (x.op.parameters ?? []).some((p) => p.in === "query" && p.name === "cursor"))) {
    const r = resolveRoute(o.path);
    if (!r || o.path.includes("{")) continue;
    const mod = (await import(r.file)) as Record<string, Handler>;
    const res = await mod.GET!(request("GET", `${BASE}${o.path}?limit=1`, "admin"), { params: Promise.resolve({}) });
    const next = res.ok ? ((await res.json()) as { nextCursor?: unknown }).nextCursor : null;
    if (typeof next === "string") cursors.set(o.path, [next]);
  }
}

/** The ids of the fuzz's own credentials, never drawn as path parameters. */
const ownIds = new Set<string>();

const hints = (): Hints => Object.fromEntries(Object.entries(known).map(([k, v]) => [k, [...v].slice(0, 50)]));

// ── one request ─────────────────────────────────────────────────────────────────────────────
interface Case {
  /** Path parameter values as sent on the wire (percent-encoded, or deliberately broken). */
  segments: Record<string, string>;
  query: Record<string, string>;
  body: { type: string | null; text: string };
}

function request(method: Method, url: string, role: Role, body?: { type: string | null; text: string }): NextRequest {
  const headers = new Headers({ origin: BASE });
  if (role !== "anonymous") headers.set("authorization", `Bearer ${tokens[role]}`);
  const hasBody = method !== "GET" && body !== undefined && body.text.length > 0;
  if (hasBody && body.type) headers.set("content-type", body.type);
  return new NextRequest(url, { method, headers, body: hasBody ? body.text : undefined });
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The request Next would hand the route file for this case, and the params it would pass. */
function buildRequest(o: DocumentOperation, route: { segments: Segment[]; catchAllRest: string[] }, role: Role, c: Case) {
  const params: Record<string, unknown> = {};
  const parts = o.path
    .split("/")
    .filter(Boolean)
    .map((seg) => {
      const name = /^\{(.+)\}$/.exec(seg)?.[1];
      if (name === undefined) return seg;
      const raw = c.segments[name] ?? "x";
      // Like Next: the decoded segment, or (if Next ever passes it on undecoded) the raw text.
      params[name] = safeDecode(raw) ?? raw;
      return raw;
    });
  const catchAll = route.segments.find((s) => s.catchAll);
  if (catchAll) params[catchAll.param!] = route.catchAllRest;
  const qs = new URLSearchParams(c.query).toString();
  const url = `${BASE}/${parts.join("/")}${qs ? `?${qs}` : ""}`;
  return { req: request(o.method, url, role, c.body), params, url };
}

/**
 * Cases for one operation: a third clean (every value drawn from its schema or a real one, as a
 * careful client sends), the rest mixing in malformed values, unknown keys and wrong bodies.
 */
function caseArbitrary(o: DocumentOperation): fc.Arbitrary<Case> {
  return fc.oneof({ weight: 1, arbitrary: casesFor(o, true) }, { weight: 2, arbitrary: casesFor(o, false) });
}

function casesFor(o: DocumentOperation, clean: boolean): fc.Arbitrary<Case> {
  const components = doc.components.schemas;
  const h = hints();
  const params = o.op.parameters ?? [];
  const segments = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === "path")
        .map((p) => {
          const valid = queryValueFor(p.schema as JsonSchema, components, p.name, h).map(encodeURIComponent);
          return [p.name, clean ? valid : fc.oneof(valid, weirdSegment)];
        }),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const queryParams = params.filter((p) => p.in === "query");
  const value = (p: (typeof queryParams)[number]) => {
    const real = p.name === "cursor" ? (cursors.get(o.path) ?? []) : [];
    if (p.name === "cursor" && clean) return real.length > 0 ? fc.constantFrom(...real) : fc.constant(undefined);
    const valid = queryValueFor(p.schema as JsonSchema, components, p.name, real.length > 0 ? { ...h, cursor: real } : h);
    return clean ? valid : fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: weirdString });
  };
  const extraKey = clean
    ? fc.constant(undefined)
    : fc.option(fc.tuple(fc.constantFrom("__proto__", "constructor", "limit", "extra"), weirdString), { nil: undefined });
  const query = fc
    .tuple(
      fc.record(Object.fromEntries(queryParams.map((p) => [p.name, value(p)])), { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) }),
      extraKey,
    )
    .map(([q, extra]) => {
      const out = Object.fromEntries(
        Object.entries(q as Record<string, string | undefined>).flatMap(([k, v]) => (v === undefined ? [] : [[k, v.slice(0, 5000)]])),
      );
      if (extra) out[extra[0]] = extra[1].slice(0, 5000);
      return out;
    });
  const media = o.op.requestBody?.content["application/json"] as { schema?: JsonSchema; example?: unknown } | undefined;
  const schema = media?.schema;
  if (clean) {
    const drawn = schema ? arbitraryFor(schema, components, 0, h) : fc.constant(undefined);
    // The document's example body, when it has one, half the time: refinements a schema cannot express are met.
    const valid = media?.example !== undefined ? fc.oneof(fc.constant(media.example), drawn) : drawn;
    return fc.record({
      segments,
      query,
      body: valid.map((v) => ({ type: "application/json" as string | null, text: v === undefined ? "" : JSON.stringify(v) })),
    });
  }
  const json = schema
    ? bodyValueFor(schema, components, h)
    : fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom("reason", "id", "state"), weirdValue, { maxKeys: 3 }));
  const body = fc.oneof(
    { weight: 6, arbitrary: json.map((v) => ({ type: "application/json" as string | null, text: JSON.stringify(v) ?? "" })) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constantFrom<string | null>(
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          null,
          "application/json; charset=utf-8",
        ),
        text: json.map((v) => JSON.stringify(v) ?? ""),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant<string | null>("application/json"),
        text: fc.constantFrom(
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
          "\xff\xfe",
          JSON.stringify({ reason: "x".repeat(70_000) }),
        ),
      }),
    },
  );
  return fc.record({ segments, query, body });
}

/**
 * Cases every operation and role gets before the random ones: each finding of the hardening
 * review once (a random draw would hit a given one rarely), put into every parameter it has.
 */
function examples(o: DocumentOperation): [Case][] {
  const params = o.op.parameters ?? [];
  const each = (v: string, where: string) => Object.fromEntries(params.filter((p) => p.in === where).map((p) => [p.name, v]));
  const bodyKeys = Object.keys(((o.op.requestBody?.content["application/json"]?.schema ?? {}) as JsonSchema).properties ?? { reason: {} });
  const bodyWith = (v: unknown) => JSON.stringify(Object.fromEntries(bodyKeys.map((k) => [k, v])));
  return [
    [{ segments: each("%25FF", "path"), query: each("+275760-09-13T00:00:00.000Z", "query"), body: { type: "text/plain", text: bodyWith("x") } }],
    [{ segments: each("constructor", "path"), query: each("a\u0000b", "query"), body: { type: "application/json", text: bodyWith("a\u0000b") } }],
    [{ segments: each("%FF%FE", "path"), query: each("2016-02-30", "query"), body: { type: "application/json", text: bodyWith(-1e308) } }],
    [{ segments: each("a%00b", "path"), query: each("x".repeat(5000), "query"), body: { type: null, text: bodyWith(true) } }],
  ];
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
  for (const role of ["viewer", "admin"] as const) {
    const made = await createApiToken(db.pool, admin, { name: `fuzz ${role}`, role });
    tokens[role] = made.token;
    ownIds.add(made.apiToken.id);
  }
  ownIds.add(creator.id);
  // The market clock running (as after the first tick), so the market routes answer with data
  // instead of "the market clock has not started yet".
  await advanceClock({ clock: pgClockStore(db.pool), broadcaster: { publish: () => undefined } }, { startDate: "2017-06-01" });
});

afterAll(async () => {
  await stop();
  await db?.drop();
});

/** Per operation: every status seen (FUZZ_VERBOSE=1 prints them). */
const byOperation = new Map<string, Map<number, number>>();
/** Per operation: answers whose JSON body was checked against the document, by status. */
const checked = new Map<string, Map<number, number>>();
let requests = 0;
let startedAt = 0;

describe("API fuzz: every operation of the contract, with malformed and boundary input", () => {
  beforeAll(async () => {
    doc = await loadDocument();
    ops = documentOperations(doc);
    ajv = createValidator(doc);
    startedAt = performance.now();
  });

  afterAll(() => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    const never = ops.filter((o) => ![...(checked.get(`${o.method} ${o.path}`) ?? new Map<number, number>()).keys()].some((s) => s < 300));
    console.log(
      `fuzz: ${requests} requests over ${ops.length} operations × ${ROLES.length} roles in ${seconds} s; by status ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}; ` +
        `operations never answered 2xx here: ${never.map((o) => `${o.method} ${o.path}`).join(", ") || "none"}`,
    );
    if (process.env.FUZZ_VERBOSE) for (const [k, m] of byOperation) console.log(k, JSON.stringify(Object.fromEntries(m)));
  });

  it("reads the operations from the served document", () => {
    expect(ops.length).toBeGreaterThan(40);
  });

  // The list is the document's; describe-time code cannot await it, so the cases run inside one
  // test per role, each operation reported by method and path when it fails.
  it.each(ROLES.map((r) => [r]))("as %s", { timeout: 300_000 }, async (role) => {
    await gatherKnownValues();
    await gatherCursors();
    for (const o of ops) {
      // Ids made by the operations before this one (a silence, a fault, a task) become reachable.
      if (o.path.includes("{")) await gatherKnownValues();
      const route = resolveRoute(o.path);
      expect(route, `${o.method} ${o.path}: no route file`).not.toBeNull();
      const handler = ((await import(route!.file)) as Partial<Record<Method, Handler>>)[o.method];
      expect(typeof handler, `${o.method} ${o.path}`).toBe("function");
      const refused = role === "anonymous" && o.op["x-access"] !== "public";
      const before = await fingerprint();
      const statuses: number[] = [];
      const key = `${o.method} ${o.path}`;
      await fc.assert(
        fc.asyncProperty(caseArbitrary(o), async (c) => {
          const { req, params, url } = buildRequest(o, route!, role, c);
          const res = await handler!(req, { params: Promise.resolve(params) });
          const text = await res.text();
          requests++;
          statuses.push(res.status);
          const all = byOperation.get(key) ?? new Map<number, number>();
          all.set(res.status, (all.get(res.status) ?? 0) + 1);
          byOperation.set(key, all);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const where = `${o.method} ${url.slice(0, 300)} as ${role} (body ${JSON.stringify(c.body).slice(0, 200)})`;
          const unavailable = res.status === 503 && /"code":"unavailable"/.test(text);
          if (!unavailable) expect(res.status, `${where}: ${text.slice(0, 500)}`).toBeLessThan(500);
          expect(STACK.test(text), `${where}: stack trace in body: ${text.slice(0, 500)}`).toBe(false);
          if (res.status >= 400) expect(SQL.test(text), `${where}: SQL in error body: ${text.slice(0, 500)}`).toBe(false);
          // The contract: a documented status, a documented content type, a body that matches.
          const documented = o.op.responses[String(res.status)] as { content?: Record<string, unknown> } | undefined;
          expect(
            documented,
            `${where}: status ${res.status} is not in the document (${Object.keys(o.op.responses).join(", ")}): ${text.slice(0, 300)}`,
          ).toBeDefined();
          const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
          if (!documented?.content) return;
          expect(Object.keys(documented.content), `${where}: content type ${type}`).toContain(type);
          if (type !== "application/json") return;
          const validate = validatorFor(o, String(res.status), type);
          const ok = validate(JSON.parse(text));
          expect(ok, `${where}: ${res.status} body does not match the document: ${JSON.stringify(validate.errors?.slice(0, 3))} in ${text.slice(0, 300)}`).toBe(
            true,
          );
          const counts = checked.get(key) ?? new Map<number, number>();
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
          checked.set(key, counts);
        }),
        { numRuns: examples(o).length + (refused ? RUNS_REFUSED : RUNS), examples: examples(o) },
      );
      const after = await fingerprint();
      if (statuses.every((s) => s >= 400)) {
        expect(after, `${key} as ${role}: state changed although every request was refused`).toEqual(before);
      } else if (after.slice(1).join() !== before.slice(1).join()) {
        expect(Number(after[0]), `${key} as ${role}: state changed without an audit row`).toBeGreaterThan(Number(before[0]));
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
