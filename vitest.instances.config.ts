import { defineConfig } from "vitest/config";

// Several real server processes on one database (`npm run test:instances`): its own run, so the
// three servers never compete with the other test files for this machine's cores.
export default defineConfig({
  test: {
    include: ["tests/instances/**/*.test.ts"],
    // One `next build` when the build is stale, then the template database (real data): a build
    // that fails stops the run before a Postgres is started (vitest tears down no earlier setup).
    globalSetup: ["tests/instances/build-setup.ts", "tests/setup/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: "forks",
  },
});
