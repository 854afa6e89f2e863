// npm run db            runs the embedded PostgreSQL of the data dir on its own, in the foreground,
//                       for several instances on this machine (README, "Running several
//                       instances"); Ctrl-C stops it. Instances that use it never stop it.
// npm run db -- --url   prints the DATABASE_URL (app role) of that database and exits.
import path from "node:path";
import { env } from "../lib/env";
import { APP_DATABASE, clusterDirOf } from "../lib/server/platform/boot/database";
import { acquireDataDirLock } from "../lib/server/platform/db/data-dir-lock";
import { isAlive, runningCluster, startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { connectionUrl, credentialsFileFor, readCredentials } from "../lib/server/platform/db/postgres-lockdown";
import { logTail } from "../lib/server/platform/db/postgres-process";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { StartFailure } from "../lib/server/platform/start-failure";

const dataDir = path.resolve(env.PERFPILOT_DATA_DIR);
const clusterDir = clusterDirOf(dataDir);

function fail(err: unknown): never {
  if (err instanceof StartFailure) console.error(`\nThe database could not start: ${err.message}\n`);
  else console.error(`\nThe database could not start:`, err, "\n");
  process.exit(1);
}

/** The URL of this data dir's database: the running postmaster's port, else EMBEDDED_PG_PORT. */
function printUrl(): never {
  const running = runningCluster(clusterDir, APP_DATABASE);
  if (running) {
    console.log(running.connectionString);
    process.exit(0);
  }
  const creds = readCredentials(credentialsFileFor(clusterDir));
  if (!creds) {
    console.error(`No database has been created in ${dataDir} yet: run npm run db first.`);
    process.exit(1);
  }
  console.error(`(the database is not running now: start it with npm run db)`);
  console.log(connectionUrl(creds.app, env.EMBEDDED_PG_PORT, APP_DATABASE));
  process.exit(0);
}

async function run(): Promise<void> {
  const lock = acquireDataDirLock(dataDir, "db");
  if (!lock.acquired) {
    if (lock.holder.role === "db") {
      throw new StartFailure(
        "instance-lock",
        `npm run db already runs the database of ${dataDir} (pid ${lock.holder.pid}); npm run db -- --url prints its DATABASE_URL. ` +
          `If no such process runs, delete ${lock.file}.`,
      );
    }
    throw new StartFailure(
      "instance-lock",
      `npm start (pid ${lock.holder.pid}) runs the embedded PostgreSQL of ${dataDir} and stops it when it stops. ` +
        `Stop that instance first (Ctrl-C), then run npm run db and start the instances with its DATABASE_URL. If no such process runs, delete ${lock.file}.`,
    );
  }
  let stopping = false;
  let db: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  try {
    const t0 = Date.now();
    db = await startEmbeddedPostgres({
      dataDir: clusterDir,
      port: env.EMBEDDED_PG_PORT,
      database: APP_DATABASE,
      log: (msg, extra) => console.log(`  ${msg}${extra ? ` ${JSON.stringify(extra)}` : ""}`),
    });
    const started = db;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping PostgreSQL (pid ${started.pid})…`);
      await started.stop();
      lock.release();
      console.log("PostgreSQL stopped.");
      process.exit(0);
    };
    process.on("SIGINT", () => void stop("SIGINT"));
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGHUP", () => void stop("SIGHUP"));
    const applied = await applyMigrations(started.connectionString);
    const logFile = path.join(path.dirname(started.clusterDir), "postgres.log");
    console.log(
      [
        "",
        `PostgreSQL for Perfpilot is running (pid ${started.pid}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s${applied.length ? `, ${applied.length} migration(s) applied` : ""}).`,
        `  data dir     ${started.clusterDir}`,
        `  credentials  ${started.credentialsFile} (mode 0600)`,
        `  log          ${logFile}`,
        "",
        "Instances use it with (app role, not a superuser):",
        `DATABASE_URL=${started.connectionString}`,
        "",
        "Start each instance in another terminal with its own port, e.g.",
        `  DATABASE_URL="$(npm run -s db -- --url)" PORT=3001 npm start`,
        "Instances never stop this database. Stop it here with Ctrl-C (or kill -INT " + process.pid + "), after the instances.",
        "",
      ].join("\n"),
    );
    // A postmaster that dies under us (killed, out of disk) ends this command with its log's last words.
    const watch = setInterval(() => {
      if (stopping || isAlive(started.pid)) return;
      clearInterval(watch);
      lock.release();
      console.error(`\nPostgreSQL (pid ${started.pid}) exited on its own. Last lines of ${logFile}:\n${logTail(logFile)}\n`);
      process.exit(1);
    }, 1_000);
  } catch (err) {
    stopping = true;
    await db?.stop();
    lock.release();
    throw err;
  }
}

try {
  if (process.argv.includes("--url")) printUrl();
  await run();
} catch (err) {
  fail(err);
}
