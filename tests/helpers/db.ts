import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPool } from "../../lib/server/platform/db/pool";

/** A fresh database copied from the migrated + imported template: one per test file, isolated. */
export async function createTestDatabase(): Promise<{ url: string; pool: pg.Pool; drop(): Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject("pgTemplate")}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
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
