import path from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import { env } from "../../../env";
import { acquireDataDirLock } from "../db/data-dir-lock";
import { runningCluster, startEmbeddedPostgres } from "../db/embedded-postgres";
import { applyMigrations } from "../db/migrate";
import { databaseUnreachable, describeDatabaseUrl, instanceHoldsDatabase, StartFailure } from "../start-failure";

export interface Database {
  connectionString: string;
  /** Whether this process started the database (and so stops it). */
  embedded: boolean;
  /** host:port/database and who started it, for the log. */
  description: string;
  /** Stops the database when this process started it; otherwise nothing. */
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  port: number;
}

/** The embedded cluster's folder inside a data dir (its credentials file sits beside it). */
export function clusterDirOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), "postgres");
}

export const APP_DATABASE = "perfpilot";

/**
 * Fails with a message that names the cause and the fix when the database cannot be reached;
 * otherwise tells whether the URL's role is a superuser (who could, say, run programs as the
 * database's OS user through COPY … TO PROGRAM).
 */
async function ensureReachable(url: string, source: string): Promise<{ superuser: boolean }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw databaseUnreachable(url, err, source);
  }
  try {
    const r = await client.query<{ superuser: boolean }>("select rolsuper as superuser from pg_roles where rolname = current_user");
    return { superuser: r.rows[0]?.superuser === true };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Said at start when DATABASE_URL names a superuser: the embedded cluster's app role never is. */
export function superuserWarning(url: string): string {
  return (
    `DATABASE_URL connects as a superuser (${describeDatabaseUrl(url)}): anyone who gets the app's connection ` +
    "can read every database and run programs as the database's OS user. Create a plain role that owns only this " +
    'database and use it (README, "Running several instances").'
  );
}

function external(url: string, startedBy: string): Database {
  return { connectionString: url, embedded: false, description: `${describeDatabaseUrl(url)} (${startedBy})`, stop: async () => undefined };
}

/**
 * Which database this instance uses, never stopping one it did not start:
 * - DATABASE_URL set → that one; this instance neither starts nor stops any Postgres;
 * - else, when `npm run db` runs the data dir's cluster → that one, used like an external one;
 * - else the embedded PostgreSQL, started now and stopped at shutdown. A second `npm start` on a
 *   data dir whose embedded Postgres another instance runs is refused: that instance would take
 *   the database away when it stops.
 */
export async function openDatabase(log: Logger, opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { superuser } = await ensureReachable(opts.databaseUrl, "DATABASE_URL");
    if (superuser) log.warn({ database: describeDatabaseUrl(opts.databaseUrl) }, superuserWarning(opts.databaseUrl));
    return external(opts.databaseUrl, "external: DATABASE_URL, never started or stopped by this instance");
  }
  const dataDir = path.resolve(opts.dataDir);
  const lock = acquireDataDirLock(dataDir, "app");
  if (!lock.acquired) {
    if (lock.holder.role === "app") throw instanceHoldsDatabase(lock.holder.pid, dataDir, lock.file);
    const running = runningCluster(clusterDirOf(dataDir), APP_DATABASE);
    if (!running) {
      throw new StartFailure(
        "instance-lock",
        `npm run db (pid ${lock.holder.pid}) holds the data dir ${dataDir} but its PostgreSQL is not ready yet. ` +
          `Wait until it prints DATABASE_URL and start again; if no such process runs, delete ${lock.file}.`,
      );
    }
    await ensureReachable(running.connectionString, "the database of npm run db");
    return external(running.connectionString, `external: started by npm run db, pid ${lock.holder.pid}; this instance will not stop it`);
  }
  try {
    const t0 = Date.now();
    const pg = await startEmbeddedPostgres({
      dataDir: clusterDirOf(dataDir),
      port: opts.port,
      database: APP_DATABASE,
      log: (msg, extra) => log.info(extra ?? {}, msg),
    });
    log.info({ port: opts.port, dataDir, ms: Date.now() - t0 }, "embedded PostgreSQL ready");
    return {
      connectionString: pg.connectionString,
      embedded: true,
      description: `${describeDatabaseUrl(pg.connectionString)} (embedded: started by this instance, stopped when it stops)`,
      stop: async () => {
        try {
          await pg.stop();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** The database of `npm start` (see openDatabase), migrated; stopped again if migrating fails. */
export async function startDatabase(
  log: Logger,
  opts: DatabaseOptions = { databaseUrl: env.DATABASE_URL, dataDir: env.PERFPILOT_DATA_DIR, port: env.EMBEDDED_PG_PORT },
): Promise<Database> {
  const db = await openDatabase(log, opts);
  log.info({ database: db.description }, `database: ${db.description}`);
  try {
    const applied = await applyMigrations(db.connectionString);
    if (applied.length > 0) log.info({ applied }, "migrations applied");
  } catch (err) {
    await db.stop();
    throw err;
  }
  return db;
}
