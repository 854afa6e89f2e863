// `npm run bench`: every benchmark on the real data set, figures written to bench/results/.
// It is a benchmark, not a test: it reports numbers and the targets beside them, never fails on them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { createPool } from "../lib/server/platform/db/pool";
import { importPrices } from "../lib/server/domains/market/import-prices";
import { freePort, spawnServer } from "../scripts/spawn-server";
import { benchChartFps } from "./chart-fps";
import { benchEngineOverhead } from "./engine-overhead";
import { benchTechnicalAnalysisHttp } from "./http";
import { benchHttpCeilings } from "./http-ceilings";
import { benchGracefulShutdown } from "./shutdown";
import { benchDatabaseOutage } from "./outage";
import { benchIndicators } from "./indicators";
import { benchOperations } from "./operations";
import { benchRealtime } from "./realtime";
import { benchSamples } from "./samples";
import { benchSoak } from "./soak";
import { runStatsCalibration } from "./stats-calibration";
import { runSequentialBench } from "./sequential";
import { benchDataAccess } from "./data-access";
import { renderMarkdown } from "./report";
import { adminEnv, signInHeaders, waitForMarketClock } from "./session";

const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

async function main() {
  const results: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
  };

  log("engine overhead per routed call");
  results.engineOverhead = await benchEngineOverhead();

  log("statistics calibration (1,000 A/A and 1,000 10%-slowdown comparisons, 500 per side)");
  results.statsCalibration = runStatsCalibration({ runs: 1000, perSide: 500 });

  log("live analysis: 1,000 simulated two-hour canaries per scenario (A/A with drift, power)");
  results.sequential = runSequentialBench({ runs: 1000 });

  log("embedded Postgres + real data for the compute and ingestion benchmarks");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-bench-"));
  fs.chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), database: "bench" });
  try {
    await applyMigrations(pg.connectionString);
    const pool = createPool(pg.connectionString, 6);
    try {
      const imp = await importPrices(pool, path.resolve("data/sp500-daily-2015-2019.csv.gz"));
      results.import = { rows: imp.rowsRead, ms: imp.durationMs };
      log("indicators: compute, memory per bar, universe analysis, worker pool");
      results.indicators = await benchIndicators(pool);
      log("data access: Prisma Client vs typed raw queries over the same pool");
      results.dataAccess = await benchDataAccess(pool);
      log("samples: record() cost and sustained ingestion into Postgres");
      results.samples = await benchSamples(pool, { samples: 1_000_000 });
    } finally {
      await pool.end();
    }
  } finally {
    await pg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  log("real server (npm start) for HTTP, live transport and per-operation comparisons");
  const server = await spawnServer({
    logFile: path.resolve("bench/results/server.log"),
    // A slow clock keeps warm caches warm (a new bar invalidates them).
    env: { MARKET_TICK_SECONDS: "30", ...adminEnv() },
  });
  try {
    const headers = await signInHeaders(server.baseUrl);
    await waitForMarketClock(server.baseUrl, headers);
    log("per-operation baseline vs optimized (the product's own benchmark task)");
    results.operations = await benchOperations(server.baseUrl, headers);
    log("GET /api/technical-analysis over HTTP (autocannon)");
    results.http = await benchTechnicalAnalysisHttp(server.baseUrl, headers, 10);
    log("HTTP ceilings side by side: raw Node, bare route, cached and uncached technical analysis with token auth");
    results.httpCeilings = await benchHttpCeilings(server.baseUrl, headers);
    log("live transport: call → browser chart data, and 50 dashboard clients");
    results.realtime = await benchRealtime({ baseUrl: server.baseUrl, pid: server.pid, headers });
    log("operation page live charts in Chromium at 100 calls/s (fps, main-thread busy)");
    results.chartFps = await benchChartFps({ baseUrl: server.baseUrl, headers });
  } finally {
    await server.stop();
  }

  log("graceful shutdown at 50 req/s: requests cut, samples lost");
  results.shutdown = await benchGracefulShutdown({ rate: 50, seconds: 8 });

  log("database outage: Postgres stopped for 30 s under ~20 req/s of API reads");
  results.outage = await benchDatabaseOutage({ outageSeconds: 30 });

  log("soak: 3 instances behind a load balancer, 200 req/s + 50 live clients for 5 min, one SIGKILLed and restarted");
  results.soak = await benchSoak({ seconds: 300, ratePerSecond: 200, clients: 50, balancer: "nginx", log });

  results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
  fs.mkdirSync("bench/results", { recursive: true });
  fs.writeFileSync("bench/results/latest.json", `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  fs.writeFileSync("bench/results/latest.md", md);
  console.log(`\n${md}`);
  log("written bench/results/latest.json and latest.md");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
