/** The scheduler stores each run's peak RSS, labelled, with the run's summary in `job_run`. */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobDefinition } from "../../jobs/job";
import { startScheduler } from "../../jobs/scheduler";
import { createTestDatabase } from "../helpers/db";

const MiB = 1048576;
const log = pino({ level: "silent" });
const broadcaster = { publish: () => undefined };
const NEVER_IN_THE_TEST = "0 0 0 1 1 *";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function runOnce(job: JobDefinition, second: number) {
  const scheduler = startScheduler([job], { pool: db.pool, log, instanceId: "test", broadcaster });
  try {
    await scheduler.runSlot(job.name, new Date(Date.UTC(2026, 0, 5, 9, 0, second)));
  } finally {
    await scheduler.stop();
  }
  const rows = await db.pool.query<{ outcome: string; summary: Record<string, unknown> & { peakRss: Record<string, unknown> } }>(
    "select outcome, summary from job_run where job = $1",
    [job.name],
  );
  return rows.rows[0]!;
}

describe("peak RSS of a job run", () => {
  it("keeps the job's summary and adds a peak that saw 96 MiB held for 100 ms", async () => {
    const job: JobDefinition = {
      name: "rss-ok",
      schedule: NEVER_IN_THE_TEST,
      description: "",
      handler: async () => {
        // Buffer.alloc(n, 1) writes every byte: 96 MiB resident while the job runs.
        const held = Buffer.alloc(96 * MiB, 1);
        await sleep(100);
        return { rows: held.length > 0 ? 7 : 0 };
      },
    };
    const row = await runOnce(job, 0);
    expect(row.outcome).toBe("ok");
    expect(row.summary.rows).toBe(7);
    const p = row.summary.peakRss as { peakBytes: number; startBytes: number; endBytes: number; readings: number; measure: string };
    expect(p.peakBytes - p.startBytes).toBeGreaterThan(0.95 * 96 * MiB);
    // Start, end and at least one 50 ms reading in between.
    expect(p.readings).toBeGreaterThanOrEqual(3);
    expect(p.measure).toMatch(/peak resident set size of the whole process/);
  });

  it("stores the peak of a failed run too", async () => {
    const job: JobDefinition = { name: "rss-error", schedule: NEVER_IN_THE_TEST, description: "", handler: () => Promise.reject(new Error("boom")) };
    const row = await runOnce(job, 1);
    expect(row.outcome).toBe("error");
    expect(row.summary.peakRss.peakBytes).toBeGreaterThan(0);
  });
});
