import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobDefinition } from "../../jobs/job";
import { startScheduler } from "../../jobs/scheduler";
import { createTestDatabase } from "../helpers/db";

const log = pino({ level: "silent" });
const broadcaster = { publish: () => undefined };

describe("scheduler guards on a real Postgres", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("runs each slot once across two instances sharing the database", async () => {
    let runs = 0;
    const job: JobDefinition = { name: "every-second", schedule: "* * * * * *", description: "", handler: async () => void runs++ };
    const a = startScheduler([job], { pool: db.pool, log, instanceId: "a", broadcaster });
    const b = startScheduler([job], { pool: db.pool, log, instanceId: "b", broadcaster });
    await new Promise((r) => setTimeout(r, 3_300));
    await Promise.all([a.stop(), b.stop()]);
    const rows = (await db.pool.query("select slot, instance, outcome from job_run where job = 'every-second' order by slot")).rows;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(rows.length);
    expect(new Set(rows.map((r) => (r.slot as Date).toISOString())).size).toBe(rows.length);
    expect(rows.every((r) => r.outcome === "ok")).toBe(true);
  });

  it("never overlaps a job with itself across instances, and records a failing run without stopping", async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    let calls = 0;
    const slow: JobDefinition = {
      name: "slow-and-flaky",
      schedule: "* * * * * *",
      description: "",
      handler: async () => {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 1_500));
        concurrent--;
        if (calls === 1) throw new Error("first run fails");
      },
    };
    const a = startScheduler([slow], { pool: db.pool, log, instanceId: "a", broadcaster });
    const b = startScheduler([slow], { pool: db.pool, log, instanceId: "b", broadcaster });
    await new Promise((r) => setTimeout(r, 5_000));
    await Promise.all([a.stop(), b.stop()]);
    expect(maxConcurrent).toBe(1);
    const rows = (await db.pool.query("select outcome, error from job_run where job = 'slow-and-flaky' order by started_at")).rows;
    expect(rows[0]).toMatchObject({ outcome: "error", error: "first run fails" });
    expect(rows.slice(1).some((r) => r.outcome === "ok")).toBe(true);
  });
});
