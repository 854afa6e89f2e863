// Usage: DATABASE_URL=postgres://… npm run db:migrate
// Applies the pending migrations of prisma/migrations to that database (filling Prisma's
// `_prisma_migrations`, so plain `prisma migrate deploy` stays compatible). `npm start` runs this
// itself on every start; the script is for a database you run yourself.
import { env } from "../lib/env";
import { applyMigrations } from "../lib/server/platform/db/migrate";

const url = env.DATABASE_URL;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (e.g. DATABASE_URL=postgres://user:pass@host:5432/db npm run db:migrate)");
  process.exit(2);
}
try {
  const applied = await applyMigrations(url);
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date: nothing to apply");
  process.exit(0);
} catch (err) {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
