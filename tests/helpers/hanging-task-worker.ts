// A task worker in its own process for the SIGKILL test: takes `toy.hang` tasks, says so on
// stdout, and never finishes them (the test kills it mid-task).
import pino from "pino";
import { PgBoss } from "pg-boss";
import { BOSS_OPTIONS } from "../../lib/server/platform/queue/boss-options";
import { Engine } from "../../lib/optimizer/engine";
import { createPool } from "../../lib/server/platform/db/pool";
import { createTaskService } from "../../lib/server/platform/queue/tasks";

const url = process.argv[2]!;
const pool = createPool(url, 2);
const boss = new PgBoss({ connectionString: url, ...BOSS_OPTIONS });
await boss.start();
const tasks = createTaskService({
  pool,
  boss,
  engine: new Engine({ sink: { record: () => undefined } }),
  broadcaster: { publish: () => undefined },
  log: pino({ level: "silent" }),
});
tasks.handle("toy.hang", () => {
  process.stdout.write("started\n");
  return new Promise(() => undefined);
});
await tasks.start();
process.stdout.write("ready\n");
