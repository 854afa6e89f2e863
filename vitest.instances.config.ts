import { defineConfig } from "vitest/config";

// Several real server processes on one database (`npm run test:instances`): its own run, so the
// three servers never compete with the other test files for this machine's cores.
export default defineConfig({
  test: {
    include: ["tests/instances/**/*.test.ts"],
    // The template database (real data), then one `next build` when the build is stale.
    globalSetup: ["tests/setup/global-setup.ts", "tests/instances/build-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: "forks",
  },
});
