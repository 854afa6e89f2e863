import { defineConfig } from "vitest/config";
import path from "node:path";

// Fast loop for pure unit tests (no database): `npx vitest run -c vitest.unit.config.ts`.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: { include: ["tests/unit/**/*.test.ts"], testTimeout: 30_000 },
});
