import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface SpawnedServer {
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real server exactly as `npm start` does (embedded Postgres, import, build when
 * stale, scheduler), on free ports and a throwaway data dir; used by the e2e tests and the
 * benchmarks. Output goes to `logFile`.
 */
export async function spawnServer(opts: {
  logFile: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** A given port (an instance restarted where its load balancer expects it); default a free one. */
  port?: number;
}): Promise<SpawnedServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-run-"));
  fs.chmodSync(dataDir, 0o755);
  const port = opts.port ?? (await freePort());
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = fs.createWriteStream(opts.logFile);
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      PERFPILOT_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: "info",
      DATABASE_URL: "",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      // The timer is cleared once the server exits: a pending one kept the test runner waiting.
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timeout = opts.readyTimeoutMs ?? 480_000;
      const timer = setTimeout(() => reject(new Error(`server not ready in ${timeout / 1000} s; see ${opts.logFile}`)), timeout);
      // The line may arrive split across two chunks: look at the end of the previous one too.
      let tail = "";
      child.stdout!.on("data", (b: Buffer) => {
        const text = tail + b.toString();
        tail = text.slice(-64);
        if (text.includes("Perfpilot is ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before it was ready; see ${opts.logFile}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, child, stop };
}
