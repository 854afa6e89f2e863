// Every list endpoint is paged by keyset with a hard cap (issue "Hardening", item 7; README
// "Paging"). For each family of lists, against a real Postgres and through the route handlers:
// paging to the end with `nextCursor` returns every row exactly once, in the documented order
// (rows seeded with ties on the sort key's time, so the tie-breaker is exercised); a `limit` above
// the maximum is a 422 naming `limit`; a garbage cursor, an edited one and one from another list
// are a 422 naming `cursor`. Then the measured case: 86,400 rollup rows in one range.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { NextRequest } from "next/server";
import { build, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { logger } from "../../lib/log";
import { advanceClock } from "../../lib/market/services/advance-clock";
import { createApiToken } from "../../lib/server/domains/auth/api-tokens";
import { closeAuth, initAuth } from "../../lib/server/domains/auth/instance";
import type { AuthActor } from "../../lib/server/domains/auth/types";
import { createFaultRegistry } from "../../lib/server/domains/faults/faults";
import { marketView } from "../../lib/server/domains/market/operation-deps";
import { pgBarSource, pgClockStore, pgPriceStore } from "../../lib/server/domains/market/pg-stores";
import { setMonitoring, type MonitoringRuntime } from "../../lib/server/domains/monitor/monitoring-runtime";
import { encodeCursor, paging } from "../../lib/server/platform/http/paging";
import { createTaskService } from "../../lib/server/platform/queue/tasks";
import { setRuntime, type Runtime } from "../../lib/server/platform/runtime";
import { createTestDatabase } from "../helpers/db";

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
type Handler = (req: NextRequest, ctx: { params: Promise<unknown> }) => Promise<Response>;
type Json = Record<string, unknown> & { nextCursor?: string | null; error?: { code: string; details: { path: string; message: string }[] | null } };

const BASE = "http://127.0.0.1:3000";
let db: Db;
let token = "";
let adminId = "";
logger.level = "silent";

async function get(file: string, url: string, params: Record<string, string> = {}): Promise<{ status: number; body: Json; bytes: number }> {
  const mod = (await import(path.resolve(file))) as { GET: Handler };
  const res = await mod.GET(new NextRequest(`${BASE}${url}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve(params) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Json, bytes: Buffer.byteLength(text) };
}

/** Follows `nextCursor` from the first page to the last; every page holds at most `limit` items. */
async function pageThrough(l: List, limit: number): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = l.url.includes("?") ? "&" : "?";
    const r = await get(l.file, `${l.url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, l.params);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    const page = r.body[l.key] as Record<string, unknown>[];
    expect(page.length).toBeLessThanOrEqual(limit);
    expect(r.body).toHaveProperty("nextCursor");
    cursor = r.body.nextCursor ?? null;
    // A page that says more follow is full; the last one says so by a null cursor.
    if (cursor !== null) expect(page.length).toBe(limit);
    if (l.pagesBackwards) items.unshift(...page);
    else items.push(...page);
    pages++;
    expect(pages, "paging does not end").toBeLessThan(100);
  } while (cursor !== null);
  return { items, pages };
}

interface List {
  name: string;
  file: string;
  url: string;
  params?: Record<string, string>;
  key: string;
  max: number;
  /** One item's identity as the answer carries it. */
  id(item: Record<string, unknown>): string;
  /** The same identities (`ref`, a name no ORDER BY column has) in the documented order, straight from the table. */
  expected: string;
  /** Each page goes back in time but is itself oldest first (prices). */
  pagesBackwards?: boolean;
}

// Rows i = 0..22, three per timestamp (ties broken by the key's last part).
const N = 23;
const T0 = "2026-01-01T00:00:00Z";
const tick = (unit: string) => `timestamp '${T0.slice(0, 19).replace("T", " ")}' + (i / 3) * interval '1 ${unit}'`;
const FUTURE = "timestamp '2100-01-01'";

const SEED = [
  `insert into audit_event (at, actor, actor_role, action, subject_type, subject_id) select ${tick("second")}, 'paging', 'admin', 'test.page', 'test', 's' || i from generate_series(0, ${N - 1}) i`,
  `insert into alert (id, fingerprint, operation, variant, rule, severity, state, summary, evidence, started_at, last_seen_at)
     select gen_random_uuid()::text, 'f' || i, 'reports.build', 'baseline', 'error_rate', 'warning', 'resolved', 'x', '{}', ${tick("second")}, ${tick("second")} from generate_series(0, ${N - 1}) i`,
  `insert into silence (id, operation, rule, starts_at, ends_at, created_by, comment) select gen_random_uuid()::text, null, null, ${tick("second")}, ${FUTURE}, 'paging', 'c' from generate_series(0, ${N - 1}) i`,
  `insert into fault_injection (id, operation, variant, kind, amount, mode, starts_at, ends_at, created_by, created_at)
     select gen_random_uuid()::text, 'reports.build', 'baseline', 'latency', 1, 'absolute', ${tick("second")}, ${FUTURE}, 'paging', ${tick("second")} from generate_series(0, ${N - 1}) i`,
  `insert into task (id, operation, state, input, created_at) select gen_random_uuid()::text, 'reports.build', 'completed', '{}', ${tick("second")} from generate_series(0, ${N - 1}) i`,
  `insert into comparison (id, operation, variant, kind, created_at, n_baseline, n_optimized, verdict)
     select gen_random_uuid()::text, 'reports.build', 'memory', 'benchmark', ${tick("second")}, 1, 1, 'faster' from generate_series(0, ${N - 1}) i`,
  `insert into phase_analysis (optimization_id, phase, operation, strategy, state, percent, started_at, information_target, window_from, window_to, method, result)
     select 'reports.build:' || (array['memory', 'cache', 'async'])[i % 3 + 1], i, 'reports.build', (array['memory', 'cache', 'async'])[i % 3 + 1], 'shadow', 0,
            ${tick("second")}, 1, ${tick("second")}, ${tick("second")}, 'm', '{}' from generate_series(0, ${N - 1}) i`,
  `insert into shadow_mismatch (at, operation, variant, input_key, diff, instance) select ${tick("second")}, 'reports.build', 'memory', 'k' || i, 'd', 'paging' from generate_series(0, ${N - 1}) i`,
  `insert into signal (symbol, date, kind, value, detail) select 'AAPL', date '2019-01-01' + i / 3, (array['golden_cross', 'death_cross', 'rsi_oversold'])[i % 3 + 1], 1, 'd' from generate_series(0, ${N - 1}) i`,
  `insert into price_alert (symbol, date, kind, price, change_pct, threshold, watch_id) select 'AAPL', date '2019-01-01' + i / 3, 'move_up', 1, 1, 1, i from generate_series(0, ${N - 1}) i`,
  // Every fourth article has no publication time: it sorts by when it was fetched.
  `insert into news_article (source, dedupe_key, title, published_at, fetched_at, tickers)
     select 'yahoo', 'paging-' || i, 't' || i, case when i % 4 = 0 then null else ${tick("second")} end, ${tick("second")}, '{}' from generate_series(0, ${N - 1}) i`,
  `insert into rollup (minute, operation, variant, count, errors, fallbacks, cache_hits, mean_ms, p50_ms, p95_ms, p99_ms, max_ms, memory_mean_bytes, histogram)
     select ${tick("minute")}, 'paging.small', (array['baseline', 'cache', 'memory'])[i % 3 + 1], 1, 0, 0, 0, 1, 1, 1, 1, 1, null, '' from generate_series(0, ${N - 1}) i`,
  `insert into sample (at, operation, variant, duration_ms, memory_bytes, outcome, cache_hit, shadow, instance, key_hash, seq)
     select ${tick("second")}, 'paging.small', 'baseline', 1, null, 'ok', false, false, 'inst-' || (i % 2), i, i from generate_series(0, ${N - 1}) i`,
  `insert into autopilot_rollout (id, operation, strategy, rule, step, state, started_at, step_since)
     select gen_random_uuid()::text, 'reports.build', 'memory', 'memory_high', 'on', 'completed', ${tick("second")}, ${tick("second")} from generate_series(0, ${N - 1}) i`,
  `insert into auth_user (id, name, email, role, email_verified, created_at, updated_at)
     select 'paging-user-' || i, 'u' || i, 'u' || i || '@paging.local', 'viewer', true, ${tick("second")}, now() from generate_series(0, ${N - 1}) i`,
];

const s = (v: unknown) => String(v);
const LISTS: List[] = [
  {
    name: "audit",
    file: "app/api/audit/route.ts",
    url: "/api/audit",
    key: "events",
    max: 1000,
    id: (e) => s(e.id),
    expected: "select id::text as ref from audit_event order by at desc, id desc",
  },
  {
    name: "alerts",
    file: "app/api/alerts/route.ts",
    url: "/api/alerts",
    key: "alerts",
    max: 1000,
    id: (a) => s(a.id),
    expected: "select id as ref from alert order by started_at desc, id desc",
  },
  {
    name: "silences",
    file: "app/api/silences/route.ts",
    url: "/api/silences",
    key: "silences",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id as ref from silence where ends_at > now() order by starts_at desc, id desc",
  },
  {
    name: "faults",
    file: "app/api/faults/route.ts",
    url: "/api/faults",
    key: "faults",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id as ref from fault_injection where ends_at > now() order by created_at desc, id desc",
  },
  {
    name: "tasks",
    file: "app/api/tasks/route.ts",
    url: "/api/tasks",
    key: "tasks",
    max: 500,
    id: (t) => s(t.taskId),
    expected: "select id as ref from task order by created_at desc, id desc",
  },
  {
    name: "comparisons",
    file: "app/api/comparisons/route.ts",
    url: "/api/comparisons",
    key: "comparisons",
    max: 500,
    id: (c) => s(c.id),
    expected: "select id as ref from comparison order by created_at desc, id desc",
  },
  {
    name: "analyses",
    file: "app/api/analyses/route.ts",
    url: "/api/analyses",
    key: "analyses",
    max: 500,
    id: (a) => `${s(a.optimizationId)}#${s(a.phase)}`,
    expected: "select optimization_id || '#' || phase as ref from phase_analysis order by started_at desc, optimization_id desc, phase desc",
  },
  {
    name: "shadow mismatches",
    file: "app/api/shadow-mismatches/route.ts",
    url: "/api/shadow-mismatches",
    key: "mismatches",
    max: 500,
    id: (m) => s(m.id),
    expected: "select id::text as ref from shadow_mismatch order by at desc, id desc",
  },
  {
    name: "signals",
    file: "app/api/signals/route.ts",
    url: "/api/signals",
    key: "signals",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id::text as ref from signal order by date desc, id desc",
  },
  {
    name: "price alerts",
    file: "app/api/price-alerts/route.ts",
    url: "/api/price-alerts",
    key: "priceAlerts",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id::text as ref from price_alert order by date desc, id desc",
  },
  {
    name: "news",
    file: "app/api/news/route.ts",
    url: "/api/news",
    key: "articles",
    max: 200,
    id: (x) => s(x.id),
    expected: "select id::text as ref from news_article order by coalesce(published_at, fetched_at) desc, id desc",
  },
  {
    name: "symbols",
    file: "app/api/symbols/route.ts",
    url: "/api/symbols",
    key: "symbols",
    max: 1000,
    id: (x) => s(x.symbol),
    expected: "select symbol as ref from symbol order by symbol",
  },
  {
    name: "prices",
    file: "app/api/prices/[symbol]/route.ts",
    url: "/api/prices/AAPL",
    params: { symbol: "AAPL" },
    key: "bars",
    max: 2000,
    id: (b) => s(b.date),
    expected: `select date::text as ref from price_bar where symbol = 'AAPL' and date <= (select "current_date" from market_clock where name = 'replay') order by date`,
    pagesBackwards: true,
  },
  {
    name: "rollups",
    file: "app/api/metrics/rollups/route.ts",
    url: "/api/metrics/rollups?operation=paging.small&from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z",
    key: "rollups",
    max: 10_000,
    id: (r) => `${s(r.minute)}|${s(r.variant)}`,
    expected: `select to_char(minute, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '|' || variant as ref from rollup where operation = 'paging.small' order by minute, variant`,
  },
  {
    name: "samples",
    file: "app/api/metrics/samples/route.ts",
    url: "/api/metrics/samples?operation=paging.small&from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z",
    key: "samples",
    max: 10_000,
    id: (x) => `${s(x.instance)}|${s(x.keyHash)}`,
    expected: "select instance || '|' || key_hash as ref from sample where operation = 'paging.small' order by at desc, instance desc, seq desc",
  },
  {
    name: "autopilot rollouts",
    file: "app/api/autopilot/route.ts",
    url: "/api/autopilot",
    key: "rollouts",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id as ref from autopilot_rollout order by started_at desc, id desc",
  },
  {
    name: "users",
    file: "app/api/users/route.ts",
    url: "/api/users",
    key: "users",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id as ref from auth_user order by created_at, id",
  },
  {
    name: "tokens",
    file: "app/api/tokens/route.ts",
    url: "/api/tokens",
    key: "tokens",
    max: 500,
    id: (x) => s(x.id),
    expected: "select id as ref from api_token order by created_at desc, id desc",
  },
];

beforeAll(async () => {
  db = await createTestDatabase();
  const { pool } = db;
  initAuth({ pool, baseURL: BASE, secret: "paging-secret-0123456789-abcdefghijklmnopqrstuvwxyz", trustedOrigins: [], sessionMaxAgeHours: 12 });
  adminId = (
    await pool.query<{ id: string }>(
      "insert into auth_user (id, email, name, role, email_verified, created_at, updated_at) values ('paging-admin', 'admin@paging.local', 'admin', 'admin', true, now(), now()) returning id",
    )
  ).rows[0]!.id;
  const admin: AuthActor = {
    name: "admin@paging.local",
    role: "admin",
    origin: "127.0.0.1",
    via: "session",
    userId: adminId,
    email: "admin@paging.local",
    tokenId: null,
  };
  token = (await createApiToken(pool, admin, { name: "paging", role: "admin" })).token;
  for (const sql of SEED) await pool.query(sql);
  await pool.query(
    `insert into api_token (id, name, role, token_hash, prefix, created_by, created_at, revoked_at)
       select 'paging-token-' || i, 't' || i, 'viewer', 'hash-' || i, 'pp_x', $1, ${tick("second")}, now() from generate_series(0, ${N - 1}) i`,
    [adminId],
  );
  await advanceClock({ clock: pgClockStore(pool), broadcaster: { publish: () => undefined } }, { startDate: "2017-06-01" });
  const broadcaster = { publish: () => undefined };
  const bars = pgBarSource(pool);
  setRuntime({
    pool,
    market: marketView({ clock: pgClockStore(pool), prices: pgPriceStore(pool), universe: async () => new Set(await bars.listSymbols()) }),
    // The list reads the task table only; no queue is started here.
    tasks: createTaskService({ pool, boss: undefined as never, engine: undefined as never, broadcaster, log: logger }),
  } as unknown as Runtime);
  setMonitoring({ faults: createFaultRegistry(pool, { enabled: true }) } as unknown as MonitoringRuntime);
});

afterAll(async () => {
  setRuntime(undefined);
  setMonitoring(undefined);
  await closeAuth();
  await db?.drop();
});

describe.each(LISTS.map((l) => [l.name, l] as const))("%s", (_name, l) => {
  it("paging to the end with the cursor returns every row exactly once, in order", async () => {
    const expected = (await db.pool.query<{ ref: string }>(l.expected)).rows.map((r) => r.ref);
    expect(expected.length).toBeGreaterThanOrEqual(N);
    // Seven per page: ties of three rows fall across page boundaries.
    const limit = l.name === "symbols" || l.name === "prices" ? 97 : 7;
    const { items, pages } = await pageThrough(l, limit);
    const ids = items.map(l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
  });

  it("a limit above the maximum is a 422 naming `limit`", async () => {
    const sep = l.url.includes("?") ? "&" : "?";
    const over = await get(l.file, `${l.url}${sep}limit=${l.max + 1}`, l.params);
    expect(over.status).toBe(422);
    expect(over.body.error?.details?.map((d) => d.path)).toEqual(["limit"]);
    expect((await get(l.file, `${l.url}${sep}limit=${l.max}`, l.params)).status).toBe(200);
  });

  it("a garbage, edited or foreign cursor is a 422 naming `cursor`", async () => {
    const sep = l.url.includes("?") ? "&" : "?";
    const real = (await get(l.file, `${l.url}${sep}limit=1`, l.params)).body.nextCursor;
    expect(real).toEqual(expect.any(String));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const [tag, ...key] = JSON.parse(Buffer.from(real!, "base64url").toString()) as [string, ...unknown[]];
    const other = paging({ list: "not-this-list", key: ["time", "int"], order: "desc", defaultLimit: 1, maxLimit: 1 });
    for (const bad of [
      "garbage",
      "%FF%FE",
      "x".repeat(500),
      `${real!.slice(0, -2)}A`,
      b64({ a: 1 }),
      b64([tag]),
      b64([tag, ...key, 1]),
      b64([tag, ...key.slice(1)]),
      b64(["not-this-list", ...key]),
      // Each part in turn replaced by what no key part is: NUL text, null, an object, a fraction,
      // 1e300 (each kind's own limits are in tests/unit/paging.test.ts).
      ...[["\u0000"], [null], [{}], [1.5], [1e300]].flatMap(([bad]) => key.map((_, i) => b64([tag, ...key.map((v, j) => (j === i ? bad : v))]))),
      encodeCursor(other, [new Date(0), 1]),
    ]) {
      const r = await get(l.file, `${l.url}${sep}cursor=${bad.startsWith("%") ? bad : encodeURIComponent(bad)}`, l.params);
      expect(r.status, bad).toBe(422);
      expect(
        r.body.error?.details?.map((d) => d.path),
        bad,
      ).toEqual(["cursor"]);
    }
  });
});

it("a cursor of one list is refused by another", async () => {
  const audit = await get("app/api/audit/route.ts", "/api/audit?limit=1");
  expect(audit.body.nextCursor).toEqual(expect.any(String));
  // Both are keyed by (time, id): the cursor would decode, but it names the audit log.
  const r = await get("app/api/shadow-mismatches/route.ts", `/api/shadow-mismatches?cursor=${audit.body.nextCursor}`);
  expect(r.status).toBe(422);
  expect(r.body.error?.details?.[0]?.path).toBe("cursor");
});

describe("rollups over a huge range (the measured case: 86,400 rows)", () => {
  const ROWS = 86_400;
  const URL = "/api/metrics/rollups?operation=paging.huge&from=2026-01-01T00:00:00Z&to=2026-03-15T00:00:00Z";

  beforeAll(async () => {
    const h = build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
    for (let v = 1; v <= 200; v++) h.recordValue(v * 137);
    // 60 days of minutes of one variant, with a real encoded histogram per row as the job writes them.
    await db.pool.query(
      `insert into rollup (minute, operation, variant, count, errors, fallbacks, cache_hits, mean_ms, p50_ms, p95_ms, p99_ms, max_ms, memory_mean_bytes, histogram)
         select timestamp '2026-01-01' + i * interval '1 minute', 'paging.huge', 'baseline', 200, 1, 0, 3, 13.77, 13.7, 26.03, 27.12, 27.4, 4096.5, $1
           from generate_series(0, ${ROWS - 1}) i`,
      [encodeIntoCompressedBase64(h)],
    );
  });

  it("answers at most 10,000 rows per page, and the cursor walks all 86,400 once, in order", { timeout: 120_000 }, async () => {
    const t0 = performance.now();
    const first = await get("app/api/metrics/rollups/route.ts", URL);
    const ms = performance.now() - t0;
    expect(first.status).toBe(200);
    const rows = first.body.rollups as { minute: string }[];
    expect(rows.length).toBe(10_000);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    // ≈ 210 bytes a row: a page stays near 2 MB whatever the range (the whole range was 18 MB).
    expect(first.bytes).toBeLessThan(2.5 * 1024 * 1024);
    console.log(`rollups: first page of ${rows.length} rows, ${(first.bytes / 1024 / 1024).toFixed(2)} MB in ${ms.toFixed(0)} ms`);

    let cursor: string | null = first.body.nextCursor ?? null;
    let count = rows.length;
    let last = rows[rows.length - 1]!.minute;
    let pages = 1;
    while (cursor) {
      const r = await get("app/api/metrics/rollups/route.ts", `${URL}&cursor=${cursor}`);
      const page = r.body.rollups as { minute: string }[];
      expect(page[0]!.minute > last).toBe(true);
      last = page[page.length - 1]!.minute;
      count += page.length;
      cursor = r.body.nextCursor ?? null;
      pages++;
    }
    expect(count).toBe(ROWS);
    expect(pages).toBe(9);
  });

  it("more than 10,000 rows in one answer is refused (422 naming `limit`)", async () => {
    const r = await get("app/api/metrics/rollups/route.ts", `${URL}&limit=86400`);
    expect(r.status).toBe(422);
    expect(r.body.error?.details?.[0]?.path).toBe("limit");
  });
});
