import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../../lib/server/platform/db/migrate";
import { createPool } from "../../lib/server/platform/db/pool";
import { importPrices } from "../../lib/server/domains/market/import-prices";
import { freePort } from "../../scripts/spawn-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser connection string of the test cluster (database `postgres`): creating and dropping databases only. */
    pgAdminUrl: string;
    /** The app role's connection string to the template (never connected to: a base to swap the database name in). */
    pgAppUrl: string;
    /** The test cluster's credentials file (mode 0600). */
    pgCredentialsFile: string;
    /** Name of the template database: migrated, with the real price data imported. */
    pgTemplate: string;
  }
}

let pg: EmbeddedPostgresHandle | null = null;
let tmp: string | null = null;

/**
 * Integration tests get their own real PostgreSQL: a throwaway embedded cluster, locked down as
 * `npm start`'s is, one template database migrated and loaded with the real data set once (as
 * the app role, which owns it), and a fresh copy of it per test file.
 */
export async function setup(project: TestProject): Promise<void> {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-test-"));
  fs.chmodSync(tmp, 0o755);
  pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "postgres"), port: await freePort(), database: "perfpilot_template" });
  await applyMigrations(pg.connectionString);
  const pool = createPool(pg.connectionString, 2);
  await importPrices(pool, path.resolve("data/sp500-daily-2015-2019.csv.gz"));
  await pool.end();
  project.provide("pgAdminUrl", pg.adminConnectionString);
  project.provide("pgAppUrl", pg.connectionString);
  project.provide("pgCredentialsFile", pg.credentialsFile);
  project.provide("pgTemplate", "perfpilot_template");
}

export async function teardown(): Promise<void> {
  await pg?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
