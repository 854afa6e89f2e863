import { defineConfig } from "vitest/config";
import path from "node:path";

// Fast loop for pure unit tests (no database): `npx vitest run -c vitest.unit.config.ts`.
export default defineConfig({
  // `server-only` throws outside a React server bundle; under vitest it is the empty module.
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js") } },
  test: { include: ["tests/unit/**/*.test.ts"], testTimeout: 30_000 },
});
