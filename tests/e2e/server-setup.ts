import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

let child: ChildProcess | null = null;
let dataDir: string | null = null;

/** Starts the real server exactly as `npm start` does, on free ports and a throwaway data dir. */
export async function setup(project: TestProject): Promise<void> {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-e2e-"));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const logFile = path.resolve("tests/e2e/artifacts/server.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      PERFPILOT_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      MARKET_TICK_SECONDS: "1",
      LOG_LEVEL: "info",
      DATABASE_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not become ready in 8 min; see ${logFile}`)), 480_000);
    child!.stdout!.on("data", (b: Buffer) => {
      if (b.toString().includes("Perfpilot is ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child!.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready; see ${logFile}`));
    });
  });
  project.provide("baseUrl", `http://127.0.0.1:${port}`);
}

export async function teardown(): Promise<void> {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
