import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPool } from "../../lib/server/platform/db/pool";

/**
 * A fresh database copied from the migrated + imported template: one per test file, isolated.
 * The superuser only creates and drops it; tests connect as the app role, which owns it (as
 * `npm start` does), so a test that needs superuser rights fails here as it would in production.
 */
export async function createTestDatabase(): Promise<{ url: string; pool: pg.Pool; drop(): Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const appUrl = new URL(inject("pgAppUrl"));
  const name = `t_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject("pgTemplate")} owner ${admin.escapeIdentifier(decodeURIComponent(appUrl.username))}`);
  await admin.end();
  appUrl.pathname = `/${name}`;
  const url = appUrl.toString();
  const pool = createPool(url, 6);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
