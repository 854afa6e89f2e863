import { defineConfig } from "prisma/config";

// Prisma 7 keeps the datasource URL here. `generate` needs no database, so a placeholder is
// fine when DATABASE_URL is unset; migrations run through lib/server/platform/db/migrate.ts instead of
// the CLI (the CLI's native schema engine cannot be downloaded on offline machines).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/perfpilot" },
});
