import pino from "pino";
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { BOSS_OPTIONS } from "../../lib/server/platform/queue/boss-options";
import { TASKS_PER_CALLER, createTaskService } from "../../lib/server/platform/queue/tasks";
import { AppError } from "../../lib/errors";
import { createTestDatabase } from "../helpers/db";

const log = pino({ level: "silent" });

/**
 * Bounds on queued work (no worker runs here, so every submitted task stays queued): one task per
 * input however often it is asked for, at most TASKS_PER_CALLER per caller, each attributed to
 * whoever asked.
 */
describe("task submission", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let boss: PgBoss;
  let tasks: ReturnType<typeof createTaskService>;
  const published: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    boss = new PgBoss({ connectionString: db.url, ...BOSS_OPTIONS });
    await boss.start();
    const engine = new Engine({ sink: { record: () => undefined } });
    tasks = createTaskService({ pool: db.pool, boss, engine, broadcaster: { publish: (e) => void published.push(e) }, log });
    await tasks.start();
  });
  afterAll(async () => {
    await boss.stop({ graceful: false });
    await db.drop();
  });

  it("queues one task per input, even for 30 concurrent submits, attributed to the first caller", async () => {
    const input = { symbol: "AAPL", asOf: "2019-06-03" };
    const handles = await Promise.all(
      Array.from({ length: 30 }, (_, i) => tasks.submit("toy.analysis", input, i === 0 ? "ann@example.com" : `u${i}@example.com`)),
    );
    expect(new Set(handles.map((h) => h.taskId)).size).toBe(1);
    expect(handles.filter((h) => !h.deduplicated)).toHaveLength(1);
    const rows = await db.pool.query<{ n: number }>(`select count(*)::int as n from task where operation = 'toy.analysis'`);
    expect(rows.rows[0]!.n).toBe(1);
    const jobs = await db.pool.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'engine-task'`);
    expect(jobs.rows[0]!.n).toBe(1);
    // Another input is another task.
    const other = await tasks.submit("toy.analysis", { symbol: "MSFT", asOf: "2019-06-03" }, "ann@example.com");
    expect(other.taskId).not.toBe(handles[0]!.taskId);
    expect((await tasks.get(other.taskId)).createdBy).toBe("ann@example.com");
  });

  it("refuses a caller's task beyond the quota with 429 and Retry-After, and counts callers apart", async () => {
    const caller = "flood@example.com";
    for (let i = 0; i < TASKS_PER_CALLER; i++) await tasks.submit("toy.analysis", { n: i }, caller);
    const refused = await tasks.submit("toy.analysis", { n: "one too many" }, caller).catch((e: unknown) => e);
    expect(AppError.is(refused) && refused.code).toBe("rate_limited");
    expect(AppError.is(refused) && (refused.details as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    // Asking again for work already queued is not new work: still answered.
    expect((await tasks.submit("toy.analysis", { n: 3 }, caller)).deduplicated).toBe(true);
    // Somebody else is not limited by the flood.
    expect((await tasks.submit("toy.analysis", { n: "mine" }, "calm@example.com")).deduplicated).toBe(false);
    const count = await db.pool.query<{ n: number }>(`select count(*)::int as n from task where created_by = $1`, [caller]);
    expect(count.rows[0]!.n).toBe(TASKS_PER_CALLER);
    // A finished task frees its slot.
    await db.pool.query(`update task set state = 'completed', finished_at = now() where created_by = $1 and input = '{"n": 0}'::jsonb`, [caller]);
    expect((await tasks.submit("toy.analysis", { n: "now fits" }, caller)).deduplicated).toBe(false);
  });
});
