import { spawn } from "node:child_process";
import pino from "pino";
import { PgBoss } from "pg-boss";
import { BOSS_OPTIONS } from "../../lib/server/platform/queue/boss-options";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { createTaskService } from "../../lib/server/platform/queue/tasks";
import { createTestDatabase } from "../helpers/db";

const log = pino({ level: "silent" });
const broadcaster = { publish: () => undefined };

/**
 * Tasks that survive their worker: instance A takes a task and dies without a word (its pg-boss
 * stopped without waiting, its handler never ends); instance B runs the task once the missed
 * heartbeat is noticed, and the task completes with the right result.
 */
describe("a task whose worker died is retried by another instance", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it("the task row and its job are created together, and the task finishes on the surviving instance", { timeout: 90_000 }, async () => {
    const engine = new Engine({ sink: { record: () => undefined } });
    // Instance A in its own process, so it can die the way processes die (SIGKILL).
    const worker = spawn(process.execPath, ["--import", "tsx", "tests/helpers/hanging-task-worker.ts", db.url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    worker.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await expect.poll(() => out.includes("ready"), { timeout: 30_000 }).toBe(true);
    const submitter = new PgBoss({ connectionString: db.url, ...BOSS_OPTIONS });
    await submitter.start();
    const s = createTaskService({ pool: db.pool, boss: submitter, engine, broadcaster, log });
    const handle = await s.submit("toy.hang", { x: 21 }, "tester");
    const job = await db.pool.query<{ n: number }>("select count(*)::int as n from pgboss.job where id = $1", [handle.taskId]);
    expect(job.rows[0]!.n).toBe(1);
    await expect.poll(() => out.includes("started"), { timeout: 20_000 }).toBe(true);
    worker.kill("SIGKILL");
    const diedAt = Date.now();
    await submitter.stop({ graceful: false });

    const bossB = new PgBoss({ connectionString: db.url, ...BOSS_OPTIONS });
    await bossB.start();
    const b = createTaskService({ pool: db.pool, boss: bossB, engine, broadcaster, log });
    b.handle("toy.hang", async (input) => ({ doubled: (input as { x: number }).x * 2 }));
    await b.start();
    try {
      // Production settings (BOSS_OPTIONS, a 20 s heartbeat): the target is a retry within 60 s.
      await expect.poll(async () => (await b.get(handle.taskId)).state, { timeout: 60_000, interval: 500 }).toBe("completed");
      const retriedAfterS = (Date.now() - diedAt) / 1000;
      console.info(`task of a dead worker completed on the survivor ${retriedAfterS.toFixed(1)} s after the death`);
      expect(retriedAfterS).toBeLessThan(60);
      expect(await b.result(handle.taskId)).toMatchObject({ state: "completed", result: { doubled: 42 } });
    } finally {
      await bossB.stop({ graceful: false });
    }
  });
});
