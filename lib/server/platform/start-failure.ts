import net from "node:net";
import os from "node:os";

/**
 * Start failures a person can fix: each is one short paragraph that names the cause and the fix,
 * printed without a stack (server.ts, scripts/db.ts). Anything else that fails at start is a bug
 * and keeps its stack in the log.
 */
export type StartFailureReason =
  | "http-port"
  | "postgres-port"
  | "data-dir"
  | "initdb"
  | "postgres"
  | "stale-lock"
  | "instance-lock"
  | "credentials"
  | "legacy-cluster"
  | "database-url"
  | "postgres-user";

export class StartFailure extends Error {
  override readonly name = "StartFailure";
  constructor(
    readonly reason: StartFailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? "?"}`;
  }
}

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function httpPortInUse(port: number, host: string): StartFailure {
  return new StartFailure(
    "http-port",
    `Port ${port} is already in use on ${host} (another program, or another Perfpilot instance, listens there). ` +
      `Stop that program, or start this instance on a free port, e.g. PORT=${port + 1} npm start.`,
  );
}

/** The HTTP server's listen error as a StartFailure, or null when it is not one a person can fix. */
export function listenFailed(err: unknown, port: number, host: string): StartFailure | null {
  switch (errCode(err)) {
    case "EADDRINUSE":
      return httpPortInUse(port, host);
    case "EACCES":
      return new StartFailure(
        "http-port",
        `Port ${port} may not be opened by ${currentUser()} (ports below 1024 need root). Use a port above 1023, e.g. PORT=3000 npm start.`,
        { cause: err },
      );
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new StartFailure(
        "http-port",
        `HOST=${host} is not an address of this machine, so the server cannot listen on it. ` +
          `Use HOST=0.0.0.0 (every address) or HOST=127.0.0.1 (this machine only).`,
        { cause: err },
      );
    default:
      return null;
  }
}

/**
 * Fails early, before minutes of import and build, when the port is taken. The real listen at the
 * end can still lose a race; its error is mapped the same way.
 */
export async function ensurePortFree(port: number, host: string, failure: (err: unknown) => StartFailure | null): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (err) => reject(failure(err) ?? err));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export function postgresPortInUse(port: number): StartFailure {
  return new StartFailure(
    "postgres-port",
    `Port ${port}, which the embedded PostgreSQL needs, is already in use on 127.0.0.1 by another program. ` +
      `Stop that program, or give the embedded PostgreSQL another port (EMBEDDED_PG_PORT=${port + 1} npm start), ` +
      `or use a PostgreSQL that is already running (DATABASE_URL=postgresql://… npm start).`,
  );
}

export function dataDirUnusable(dir: string, err: unknown): StartFailure {
  const user = currentUser();
  let cause: string;
  let fix: string;
  switch (errCode(err)) {
    case "EACCES":
    case "EPERM":
      cause = `${user} may not write there`;
      fix = `Give the folder to that user (chown -R ${user} ${dir}) or set PERFPILOT_DATA_DIR to a folder it can write.`;
      break;
    case "ENOTDIR":
    case "EEXIST":
      cause = "a file is in the way (it, or one of its parents, is not a folder)";
      fix = "Move that file away, or set PERFPILOT_DATA_DIR to another folder.";
      break;
    case "EROFS":
      cause = "it is on a read-only file system";
      fix = "Set PERFPILOT_DATA_DIR to a folder on a writable disk.";
      break;
    case "ENOSPC":
      cause = "the disk is full";
      fix = "Free some space, or set PERFPILOT_DATA_DIR to a folder on another disk.";
      break;
    default:
      cause = errText(err);
      fix = "Fix that, or set PERFPILOT_DATA_DIR to another folder.";
  }
  return new StartFailure("data-dir", `The data dir ${dir} is not usable: ${cause}. ${fix}`, { cause: err });
}

/** initdb's own words are its last lines, without its "removing data directory" clean-up notes. */
export function initdbFailed(dir: string, stderr: string, err?: unknown): StartFailure {
  const said = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/removing (contents of )?data directory|^initdb: hint:/i.test(l))
    .slice(-2)
    .join(" ");
  const fix = /no space left/i.test(stderr)
    ? "Free some disk space and start again."
    : /permission denied/i.test(stderr)
      ? `Make the folder writable by the user that runs PostgreSQL (${process.getuid?.() === 0 ? "postgres" : currentUser()}), or set PERFPILOT_DATA_DIR to another folder.`
      : "Fix what it says and start again, or set PERFPILOT_DATA_DIR to another folder.";
  return new StartFailure("initdb", `initdb could not create the PostgreSQL cluster in ${dir}: ${said || "no reason given"}. ${fix}`, { cause: err });
}

export interface PostgresStartContext {
  port: number;
  clusterDir: string;
  logFile: string;
  /** The postmaster's exit code, or null when it was still running at the deadline. */
  exitCode: number | null;
  /** What the postmaster wrote to its log during this start. */
  tail: string;
}

/** A postmaster that exited or never became ready, told from what it wrote to its log. */
export function postgresFailed(ctx: PostgresStartContext): StartFailure {
  const { tail, clusterDir, port, logFile } = ctx;
  if (/could not bind .*(Address already in use)|could not create any TCP\/IP sockets/i.test(tail)) return postgresPortInUse(port);
  if (/lock file "postmaster\.pid" already exists/i.test(tail)) {
    return new StartFailure(
      "stale-lock",
      `PostgreSQL refused to start: ${clusterDir}/postmaster.pid names another process that is still running. ` +
        `If no PostgreSQL runs on that data dir, delete the file and start again.`,
    );
  }
  if (/has invalid permissions/i.test(tail)) {
    return new StartFailure("data-dir", `PostgreSQL refused its data dir ${clusterDir}: other users may read it. Run chmod 700 ${clusterDir} and start again.`);
  }
  if (/has wrong ownership|is not owned by|Permission denied/i.test(tail)) {
    const owner = process.getuid?.() === 0 ? "postgres" : currentUser();
    return new StartFailure(
      "data-dir",
      `PostgreSQL may not use its data dir ${clusterDir}: it must belong to the user that runs PostgreSQL (${owner}). Run chown -R ${owner} ${clusterDir} and start again.`,
    );
  }
  if (/database files are incompatible with server/i.test(tail)) {
    return new StartFailure(
      "postgres",
      `The cluster in ${clusterDir} was made by another PostgreSQL version than the one this Perfpilot ships. ` +
        `Move that folder away (dump it first with its own version's pg_dump to keep its data) and start again to get a new cluster.`,
    );
  }
  if (/No space left on device/i.test(tail)) {
    return new StartFailure("postgres", `PostgreSQL could not start: the disk holding ${clusterDir} is full. Free some space and start again.`);
  }
  const what = ctx.exitCode === null ? "did not become ready within 30 s" : `exited with code ${ctx.exitCode}`;
  const shown = tail
    ? `\nLast lines of ${logFile}:\n${tail
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n")}`
    : "";
  return new StartFailure(
    "postgres",
    `The embedded PostgreSQL ${what} (data dir ${clusterDir}, port ${port}). Fix what its log says below and start again.${shown}`,
  );
}

export function credentialsUnreadable(file: string, err: unknown): StartFailure {
  const code = errCode(err);
  const cause = code === "EACCES" || code === "EPERM" ? `${currentUser()} may not read it` : errText(err);
  return new StartFailure(
    "credentials",
    `The database credentials file ${file} cannot be used: ${cause}. Restore it or fix its owner (the user that runs Perfpilot, mode 0600); ` +
      `without it the cluster beside it cannot be opened.`,
    { cause: err },
  );
}

export function legacyClusterLocked(clusterDir: string, credentialsFile: string): StartFailure {
  return new StartFailure(
    "legacy-cluster",
    `The PostgreSQL cluster in ${clusterDir} accepts neither the superuser password in ${credentialsFile} nor the default password of ` +
      `older Perfpilot versions, so it cannot be opened. Restore the credentials file that belongs to this cluster, or move ${clusterDir} ` +
      `away to start again with a new, empty database.`,
  );
}

export function instanceHoldsDatabase(holderPid: number, dataDir: string, lockFile: string): StartFailure {
  return new StartFailure(
    "instance-lock",
    `Another Perfpilot instance (pid ${holderPid}) runs the embedded PostgreSQL of the data dir ${dataDir} and stops it when it exits, ` +
      `so this one will not share it. To run several instances, start the database on its own with npm run db and start each ` +
      `instance with the DATABASE_URL it prints and its own PORT (README, "Running several instances"); or give this instance another ` +
      `PERFPILOT_DATA_DIR. If no such process runs, delete ${lockFile}.`,
  );
}

/** Where a URL points, without its credentials: host:port/database. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "(an invalid URL)";
  }
}

export function databaseUnreachable(url: string, err: unknown, source = "DATABASE_URL"): StartFailure {
  const where = describeDatabaseUrl(url);
  let cause: string;
  let fix: string;
  switch (errCode(err)) {
    case "ECONNREFUSED":
      cause = "nothing listens there";
      fix = `Start that database first (for Perfpilot's own: npm run db in another terminal), or correct ${source}.`;
      break;
    case "28P01":
    case "28000":
      cause = "the user name or password is refused";
      fix = `Correct ${source}; for the database of npm run db, npm run db -- --url prints the right one.`;
      break;
    case "3D000":
      cause = "that database does not exist";
      fix = `Create it, or correct the database name in ${source}.`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      cause = "the host name is unknown";
      fix = `Correct the host in ${source}.`;
      break;
    default:
      cause = errText(err);
      fix = `Check that the database runs and that ${source} is right.`;
  }
  return new StartFailure("database-url", `Cannot connect to the database at ${where} (${source}): ${cause}. ${fix}`, { cause: err });
}
