import path from "node:path";
import type { Logger } from "pino";
import { env } from "../../../env";
import { acquireDataDirLock } from "../db/data-dir-lock";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { applyMigrations } from "../db/migrate";

export interface Database {
  connectionString: string;
  embedded: boolean;
  /** Stops the embedded server (no-op for an external DATABASE_URL). */
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise a real embedded PostgreSQL under the data dir. Then migrations. */
export async function startDatabase(log: Logger): Promise<Database> {
  let db: Database;
  if (env.DATABASE_URL) {
    db = { connectionString: env.DATABASE_URL, embedded: false, stop: async () => undefined };
    log.info("using DATABASE_URL; no embedded PostgreSQL");
  } else {
    const dataDir = path.resolve(env.PERFPILOT_DATA_DIR);
    const releaseLock = acquireDataDirLock(dataDir);
    const t0 = Date.now();
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "postgres"),
      port: env.EMBEDDED_PG_PORT,
      database: "perfpilot",
      log: (msg, extra) => log.info(extra ?? {}, msg),
    });
    log.info({ port: env.EMBEDDED_PG_PORT, dataDir, ms: Date.now() - t0 }, "embedded PostgreSQL ready");
    db = {
      connectionString: pg.connectionString,
      embedded: true,
      stop: async () => {
        await pg.stop();
        releaseLock();
      },
    };
  }
  const applied = await applyMigrations(db.connectionString);
  if (applied.length > 0) log.info({ applied }, "migrations applied");
  return db;
}
