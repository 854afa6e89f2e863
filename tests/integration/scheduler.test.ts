import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobDefinition } from "../../jobs/job";
import { startScheduler, type Scheduler } from "../../jobs/scheduler";
import { createTestDatabase } from "../helpers/db";

const log = pino({ level: "silent" });
const broadcaster = { publish: () => undefined };
// Fires only at midnight on 1 January: the guard tests drive their slots with runSlot, and a
// cron tick of their own must not add runs to the counts.
const OUTSIDE_THE_TEST = "0 0 0 1 1 *";
const slot = (second: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, second));

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("scheduler guards on a real Postgres", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Two scheduler instances sharing the database, as two processes would. */
  async function withTwoInstances(job: JobDefinition, body: (a: Scheduler, b: Scheduler) => Promise<void>): Promise<void> {
    const a = startScheduler([job], { pool: db.pool, log, instanceId: "a", broadcaster });
    const b = startScheduler([job], { pool: db.pool, log, instanceId: "b", broadcaster });
    try {
      await body(a, b);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }

  it("runs each slot once across two instances sharing the database", async () => {
    const ran: string[] = [];
    const job: JobDefinition = {
      name: "once-per-slot",
      schedule: OUTSIDE_THE_TEST,
      description: "",
      handler: async ({ slot }) => void ran.push(slot.toISOString()),
    };
    const slots = [slot(0), slot(1), slot(2)];
    await withTwoInstances(job, async (a, b) => {
      for (const s of slots) {
        // Both instances fire for the same slot at the same moment; exactly one may run it.
        const results = await Promise.all([a.runSlot(job.name, s), b.runSlot(job.name, s)]);
        expect(results.map((r) => r.status).sort()).toEqual(["ok", "skipped"]);
      }
      // A late tick for a slot already run finds its claim taken (the unique (job, slot) row).
      expect(await b.runSlot(job.name, slots[0]!)).toEqual({ status: "skipped", reason: "slot_taken" });
    });
    expect(ran).toEqual(slots.map((s) => s.toISOString()));
    const rows = (await db.pool.query("select slot, outcome from job_run where job = $1 order by slot", [job.name])).rows;
    expect(rows.map((r) => [(r.slot as Date).toISOString(), r.outcome])).toEqual(slots.map((s) => [s.toISOString(), "ok"]));
  });

  it("never overlaps a job with itself across instances, and records a failing run without stopping", async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    let calls = 0;
    const entered = deferred();
    const release = deferred();
    const job: JobDefinition = {
      name: "slow-and-flaky",
      schedule: OUTSIDE_THE_TEST,
      description: "",
      handler: async () => {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        if (calls === 1) {
          entered.resolve();
          await release.promise; // still running when the next slots come due
        }
        concurrent--;
        if (calls === 1) throw new Error("first run fails");
      },
    };
    await withTwoInstances(job, async (a, b) => {
      const first = a.runSlot(job.name, slot(0));
      try {
        await Promise.race([
          entered.promise,
          first.then((r) => Promise.reject(new Error(`the first run ended without entering its handler: ${JSON.stringify(r)}`))),
        ]);
        // The job's advisory lock is held for the whole run: the next slot is skipped on either
        // instance rather than run alongside it.
        expect(await b.runSlot(job.name, slot(1))).toEqual({ status: "skipped", reason: "overlap" });
        expect(await a.runSlot(job.name, slot(1))).toEqual({ status: "skipped", reason: "overlap" });
      } finally {
        release.resolve(); // a failed expectation must not leave the run, and stop(), hanging
      }
      expect(await first).toMatchObject({ status: "error", error: "first run fails" });
      expect(await b.runSlot(job.name, slot(2))).toMatchObject({ status: "ok" });
    });
    expect(maxConcurrent).toBe(1);
    expect(calls).toBe(2);
    const rows = (await db.pool.query("select slot, instance, outcome, error from job_run where job = $1 order by slot", [job.name])).rows;
    expect(rows.map((r) => ({ ...r, slot: (r.slot as Date).toISOString() }))).toEqual([
      { slot: slot(0).toISOString(), instance: "a", outcome: "error", error: "first run fails" },
      // The skipped slot is recorded with why (by the first instance that skipped it).
      { slot: slot(1).toISOString(), instance: "b", outcome: "skipped", error: "skipped: the previous run of this job was still running" },
      { slot: slot(2).toISOString(), instance: "b", outcome: "ok", error: null },
    ]);
  });

  it("marks a run left 'running' by a stopped instance as abandoned, and leaves a live run alone", async () => {
    // Two live jobs whose lock keys have opposite signs (pg_locks splits a key into two unsigned halves).
    const names = (
      await db.pool.query<{ neg: string; pos: string }>(
        `select min(n) filter (where hashtext('job:live-' || n) < 0) as neg, min(n) filter (where hashtext('job:live-' || n) > 0) as pos
           from generate_series(1, 100) n`,
      )
    ).rows[0]!;
    const live = [`live-${names.neg}`, `live-${names.pos}`];
    await db.pool.query(
      `insert into job_run (job, slot, instance, started_at, outcome)
       values ('crashed-job', $1, 'dead-instance', now(), 'running'), ($2, $1, 'other', now(), 'running'), ($3, $1, 'other', now(), 'running')`,
      [slot(0), ...live],
    );
    // A live run holds its job's advisory lock on its own connection.
    const holder = await db.pool.connect();
    for (const job of live) await holder.query("select pg_advisory_lock(hashtext($1))", [`job:${job}`]);
    const s = startScheduler([], { pool: db.pool, log, instanceId: "c", broadcaster });
    try {
      await s.reconcile(); // (the one at start may have run first)
      const rows = (await db.pool.query("select job, outcome, error from job_run where job = any($1) order by job", [["crashed-job", ...live]])).rows;
      expect(rows).toEqual([
        { job: "crashed-job", outcome: "abandoned", error: "abandoned: its instance stopped before the run finished (found by c)" },
        ...live.sort().map((job) => ({ job, outcome: "running", error: null })),
      ]);
    } finally {
      await holder.query("select pg_advisory_unlock_all()");
      holder.release();
      await s.stop();
    }
  });

  it("a reconcile never takes a job's lock, so a run starting meanwhile is not skipped", async () => {
    const job: JobDefinition = { name: "reconciled-meanwhile", schedule: OUTSIDE_THE_TEST, description: "", handler: async () => undefined };
    const s = startScheduler([job], { pool: db.pool, log, instanceId: "d", broadcaster });
    let done = false;
    // Reconciles back to back (each sees the running row of a run in progress), runs one after another.
    const reconciling = (async () => {
      while (!done) await s.reconcile();
    })();
    try {
      const statuses: string[] = [];
      for (let i = 1; i <= 60; i++) statuses.push((await s.runSlot(job.name, slot(i))).status);
      expect(statuses.filter((x) => x !== "ok")).toEqual([]);
    } finally {
      done = true;
      await reconciling;
      await s.stop();
    }
  });

  it("cron ticks run whole-second slots through the same guards, and a failing tick does not stop the next", async () => {
    let calls = 0;
    const job: JobDefinition = {
      name: "every-second",
      schedule: "* * * * * *",
      description: "",
      handler: async () => {
        if (++calls === 1) throw new Error("first tick fails");
      },
    };
    const query = async () => (await db.pool.query("select slot, outcome, error from job_run where job = $1 order by slot", [job.name])).rows;
    await withTwoInstances(job, async () => {
      // Real cron time, so this is the one place the test waits on the clock: the first tick
      // comes within a second, the next one a second later.
      await expect
        .poll(async () => (await query()).slice(0, 2).map((r) => r.outcome), { timeout: 10_000, interval: 50, message: "outcomes of the first two cron runs" })
        .toEqual(["error", "ok"]);
    });
    const rows = await query();
    expect(rows[0]).toMatchObject({ outcome: "error", error: "first tick fails" });
    expect(rows.every((r) => (r.slot as Date).getUTCMilliseconds() === 0)).toBe(true);
    expect(new Set(rows.map((r) => (r.slot as Date).toISOString())).size).toBe(rows.length);
    expect(calls).toBe(rows.length); // both instances fired every tick; one ran each slot
  });
});
