import path from "node:path";
import type { TestProject } from "vitest/node";
import { spawnServer, type SpawnedServer } from "../../scripts/spawn-server";
import { E2E_ADMIN } from "./session";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

let server: SpawnedServer | null = null;

/** The real server, as `npm start` runs it, with a one-second market clock. */
export async function setup(project: TestProject): Promise<void> {
  server = await spawnServer({
    logFile: path.resolve("tests/e2e/artifacts/server.log"),
    env: {
      MARKET_TICK_SECONDS: "1",
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      // The degradation test injects a fault through the monitoring's admin hook.
      PERFPILOT_FAULT_INJECTION: "1",
    },
  });
  project.provide("baseUrl", server.baseUrl);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
