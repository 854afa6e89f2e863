// A 30 s database outage under load, measured by hand (`node --import tsx bench/outage.ts`, ~4 min):
// the real server on a database of its own, ~20 req/s of API reads, Postgres stopped for 30 s and
// started again on the same data dir. Prints the statuses before, during and after the outage and
// the database_unavailable alert raised on recovery. Not part of `npm run bench` yet.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { freePort, spawnServer } from "../scripts/spawn-server";
import { adminEnv, signInHeaders, waitForMarketClock } from "./session";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-outage-"));
fs.chmodSync(tmp, 0o755);
const port = await freePort();
const dataDir = path.join(tmp, "pg");
let db = await startEmbeddedPostgres({ dataDir, port, database: "outage" });
await applyMigrations(db.connectionString);
const server = await spawnServer({
  logFile: path.resolve("bench/results/outage-server.log"),
  env: { DATABASE_URL: db.connectionString, MARKET_TICK_SECONDS: "30", ...adminEnv() },
});
const headers = await signInHeaders(server.baseUrl);
await waitForMarketClock(server.baseUrl, headers);
const phases: Record<string, Record<string, number>> = { before: {}, down: {}, after: {} };
let phase = "before";
let stop = false;
const urls = ["/api/technical-analysis/AAPL?points=0", "/api/signals", "/api/optimizations", "/api/tasks"];
const loop = (async () => {
  let i = 0;
  while (!stop) {
    const u = urls[i++ % urls.length]!;
    const p = phase;
    const r = await fetch(server.baseUrl + u, { headers }).then(
      (x) => String(x.status),
      (e: Error) => "error:" + e.message,
    );
    phases[p]![r] = (phases[p]![r] ?? 0) + 1;
    await new Promise((r2) => setTimeout(r2, 50));
  }
})();
await new Promise((r) => setTimeout(r, 10_000));
phase = "down";
const downAt = Date.now();
await db.stop();
await new Promise((r) => setTimeout(r, 30_000));
db = await startEmbeddedPostgres({ dataDir, port, database: "outage" });
const upAt = Date.now();
phase = "after";
await new Promise((r) => setTimeout(r, 20_000));
stop = true;
await loop;
const alerts = (await (await fetch(`${server.baseUrl}/api/alerts`, { headers })).json()) as { alerts: { rule: string; summary: string; state: string }[] };
console.log(
  JSON.stringify(
    {
      outageSeconds: (upAt - downAt) / 1000,
      phases,
      alerts: alerts.alerts.filter((a) => a.rule === "database_unavailable").map((a) => ({ summary: a.summary, state: a.state })),
    },
    null,
    1,
  ),
);
await server.stop();
await db.stop();
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(0);
