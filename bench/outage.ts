// A database outage under load: the real server on a database of its own (npm run db's layout: a
// separate Postgres), ~20 req/s of API reads, Postgres stopped for 30 s and started again on the
// same data dir. Part of `npm run bench`; alone: node --import tsx bench/outage.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { freePort, spawnServer } from "../scripts/spawn-server";
import { adminEnv, signInHeaders, waitForMarketClock } from "./session";

export interface OutageBench {
  outageSeconds: number;
  requestsPerSecond: number;
  /** Per phase, answers by kind: an HTTP status ("503" only with Retry-After), or "error: …" when no answer came. */
  phases: { before: Record<string, number>; down: Record<string, number>; after: Record<string, number> };
  /** Seconds from Postgres accepting connections again to the server's first 200. */
  firstOkAfterSeconds: number | null;
  /** The database_unavailable alerts the server holds after the outage. */
  alerts: { summary: string; state: string }[];
}

const URLS = ["/api/technical-analysis/AAPL?points=0", "/api/signals", "/api/optimizations", "/api/tasks"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The measured outage: statuses before, during and after, the recovery time and the alert. */
export async function benchDatabaseOutage({ outageSeconds = 30, gapMs = 50 } = {}): Promise<OutageBench> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-outage-"));
  fs.chmodSync(tmp, 0o755);
  const port = await freePort();
  const dataDir = path.join(tmp, "pg");
  let db = await startEmbeddedPostgres({ dataDir, port, database: "outage" });
  let server: Awaited<ReturnType<typeof spawnServer>> | null = null;
  try {
    await applyMigrations(db.connectionString);
    server = await spawnServer({
      logFile: path.resolve("bench/results/outage-server.log"),
      env: { DATABASE_URL: db.connectionString, MARKET_TICK_SECONDS: "30", ...adminEnv() },
    });
    const baseUrl = server.baseUrl;
    const headers = await signInHeaders(baseUrl);
    await waitForMarketClock(baseUrl, headers);
    const phases: OutageBench["phases"] = { before: {}, down: {}, after: {} };
    let phase = "before" as keyof OutageBench["phases"];
    let upAt = 0;
    let firstOkAt = 0;
    let sent = 0;
    let stop = false;
    const loopStart = Date.now();
    const loop = (async () => {
      while (!stop) {
        const p = phase;
        const kind = await fetch(baseUrl + URLS[sent++ % URLS.length]!, { headers }).then(
          (res) => {
            void res.body?.cancel();
            if (res.status === 200 && p === "after" && firstOkAt === 0) firstOkAt = Date.now();
            return res.status === 503 && !res.headers.get("retry-after") ? "503 without Retry-After" : String(res.status);
          },
          (e: Error) => `error: ${e.message}`,
        );
        phases[p][kind] = (phases[p][kind] ?? 0) + 1;
        await sleep(gapMs);
      }
    })();
    await sleep(10_000);
    phase = "down";
    const downAt = Date.now();
    await db.stop();
    await sleep(outageSeconds * 1000);
    db = await startEmbeddedPostgres({ dataDir, port, database: "outage" });
    upAt = Date.now();
    phase = "after";
    await sleep(20_000);
    stop = true;
    await loop;
    const body = (await (await fetch(`${baseUrl}/api/alerts`, { headers })).json()) as { alerts: { rule: string; summary: string; state: string }[] };
    return {
      outageSeconds: (upAt - downAt) / 1000,
      requestsPerSecond: sent / ((Date.now() - loopStart) / 1000),
      phases,
      firstOkAfterSeconds: firstOkAt === 0 ? null : (firstOkAt - upAt) / 1000,
      alerts: body.alerts.filter((a) => a.rule === "database_unavailable").map((a) => ({ summary: a.summary, state: a.state })),
    };
  } finally {
    await server?.stop();
    await db.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchDatabaseOutage(), null, 1));
  process.exit(0);
}
