// Usage: npm run db:make-migration -- <name>
// The wasm schema engine connects to a database even to diff two schema files, so this starts
// a throwaway embedded Postgres when DATABASE_URL is unset.
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { createMigration } from "../lib/server/platform/db/migrate";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run db:make-migration -- <name>");
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-migrate-"));
fs.chmodSync(tmp, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "postgres"), port: 54390, database: "migrate" });
try {
  const dir = await createMigration(name, pg.connectionString);
  console.log(dir ? `created ${dir}` : "schema unchanged: no migration created");
} finally {
  await pg.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
// The wasm engine leaves a timer pending; exit explicitly.
process.exit(0);
