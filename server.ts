// Perfpilot: one process hosting Next.js (dashboard + API), Socket.IO, pg-boss workers and the
// scheduler, on a real PostgreSQL (embedded unless DATABASE_URL is set).
import http from "node:http";
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import next from "next";
import { PgBoss } from "pg-boss";
import { Server as SocketServer } from "socket.io";
import { createAdapter } from "@socket.io/postgres-adapter";
import { defineJobs } from "./jobs/definitions";
import { startScheduler, type Scheduler } from "./jobs/scheduler";
import { routeJobsThroughEngine } from "./jobs/route-through-engine";
import { env } from "./lib/env";
import { logger } from "./lib/log";
import { startDatabase } from "./lib/server/platform/boot/database";
import { ensurePortFree, listenFailed, StartFailure } from "./lib/server/platform/start-failure";
import { importOnStart } from "./lib/server/platform/boot/import-on-start";
import { buildStaleReason, runNextBuild } from "./lib/server/platform/boot/next-build";
import { createPool } from "./lib/server/platform/db/pool";
import { attachSocketHandlers } from "./lib/server/platform/realtime/socket-handlers";
import { socketBroadcaster } from "./lib/server/platform/realtime/broadcaster";
import { setRuntime } from "./lib/server/platform/runtime";
import { registerOperations } from "./lib/operations/registry";
import { marketView, pgOperationDeps } from "./lib/server/domains/market/operation-deps";
import { createIndicatorPool } from "./lib/server/platform/workers/indicator-pool";
import { startEngineHost } from "./lib/server/domains/optimizations/engine-host";
import { runStoredBenchmark, type BenchmarkRequest } from "./lib/server/domains/comparisons/comparisons";
import { createTaskService } from "./lib/server/platform/queue/tasks";
import { BOSS_OPTIONS } from "./lib/server/platform/queue/boss-options";
import { initAuth } from "./lib/server/domains/auth/instance";
import { ensureAdmin } from "./lib/server/domains/auth/ensure-admin";
import { stampClientAddress } from "./lib/server/domains/auth/client-ip";
import { bodyLimitFor, limitRequestBody } from "./lib/server/platform/http/body-limit";
import { refuseMalformedApiPath } from "./lib/server/platform/http/path-guard";
import { startSocketAccessControl } from "./lib/server/domains/auth/socket";
import { createFaultRegistry } from "./lib/server/domains/faults/faults";
import { getMetricsRegistry } from "./lib/server/domains/prometheus/metrics-registry";
import { startMonitoring } from "./lib/server/domains/monitor/start-monitoring";
import { setMonitoring } from "./lib/server/domains/monitor/monitoring-runtime";

const log = logger.child({ component: "server" });
// Next's telemetry would try the network; this product runs on offline machines too.
process.env.NEXT_TELEMETRY_DISABLED = "1";
const startedAt = Date.now();
const instanceId = `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
const dev = env.NODE_ENV === "development";

// Shutdown order: stop accepting and let in-flight requests finish (bounded) → stop cron → drain
// the queue → flush samples (after the last request recorded its own) → stop worker pools → close
// sockets → close pools → stop embedded Postgres (if this instance started it).
const SHUTDOWN_ORDER = ["http", "scheduler", "queue", "engine", "services", "sockets", "pools", "database"] as const;
/** How long in-flight requests may take to finish once the server stops accepting. */
const DRAIN_MS = 10_000;
type Phase = (typeof SHUTDOWN_ORDER)[number];
const shutdownSteps: { name: Phase; run: () => Promise<void> }[] = [];
let shuttingDown = false;

async function shutdown(signal: string, code = 0): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, "shutting down");
  const ordered = [...shutdownSteps].sort((a, b) => SHUTDOWN_ORDER.indexOf(a.name) - SHUTDOWN_ORDER.indexOf(b.name));
  for (const step of ordered) {
    try {
      await step.run();
      log.debug({ step: step.name }, "stopped");
    } catch (err) {
      log.error({ step: step.name, err }, "shutdown step failed");
    }
  }
  log.info("bye");
  process.exit(code);
}

process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));

async function main(): Promise<void> {
  // A taken port fails now, not after the import and the build.
  await ensurePortFree(env.PORT, env.HOST, (err) => listenFailed(err, env.PORT, env.HOST));
  const db = await startDatabase(log);
  shutdownSteps.push({ name: "database", run: () => db.stop() });

  const pool = createPool(db.connectionString, 16);
  shutdownSteps.push({ name: "pools", run: () => pool.end() });
  initAuth({ pool });

  await importOnStart(pool, path.resolve(env.PRICE_DATA_FILE), log);

  if (!dev && !env.SKIP_NEXT_BUILD) {
    const reason = buildStaleReason();
    if (reason) {
      log.info({ reason }, "building the dashboard (next build)");
      await runNextBuild();
    }
  }
  const app = next({ dev, dir: process.cwd(), hostname: "localhost", port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  // Requests being answered now: shutdown waits for them (websockets would keep server.close() open).
  let inFlight = 0;
  const httpServer = http.createServer((req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
    // The peer address as seen by this server, for the sign-in rate limiter and the audit log.
    stampClientAddress(req);
    // Bodies are capped while they stream, for every route including better-auth's (a chunked
    // body has no Content-Length to trust).
    if (!limitRequestBody(req, res, bodyLimitFor(req.url))) return;
    // Next answers a plain 500 for an API path that is not valid percent-encoding: refuse it here.
    if (!refuseMalformedApiPath(req, res)) return;
    void handle(req, res);
  });
  // The Postgres adapter carries every event to the browsers of every instance (LISTEN/NOTIFY,
  // large payloads through the socket_io_attachments table) over the one pool.
  const io = new SocketServer(httpServer, {
    serveClient: false,
    adapter: createAdapter(pool, { errorHandler: (err) => log.warn({ err }, "socket.io adapter error") }),
  });
  // Socket.IO answers its handshakes before the request listener above: stamp the peer address first.
  httpServer.prependListener("request", (req: http.IncomingMessage) => stampClientAddress(req));
  httpServer.prependListener("upgrade", (req: http.IncomingMessage) => stampClientAddress(req));
  const socketAccess = await startSocketAccessControl(io, { connectionString: db.connectionString });
  shutdownSteps.push({ name: "sockets", run: () => socketAccess.stop() });
  shutdownSteps.push({
    name: "http",
    run: () =>
      new Promise<void>((resolve) => {
        // No new connections; idle keep-alive ones close now, busy ones once their response is sent.
        httpServer.close();
        httpServer.closeIdleConnections();
        const started = Date.now();
        const poll = setInterval(() => {
          if (inFlight > 0 && Date.now() - started < DRAIN_MS) return;
          clearInterval(poll);
          if (inFlight > 0) log.warn({ inFlight, afterMs: DRAIN_MS }, "requests still running at shutdown: closing their connections");
          httpServer.closeAllConnections();
          resolve();
        }, 20);
      }),
  });
  shutdownSteps.push({ name: "sockets", run: () => new Promise<void>((resolve) => void io.close(() => resolve())) });
  attachSocketHandlers(io, logger.child({ component: "socket" }));
  const broadcaster = socketBroadcaster(io);

  const boss = new PgBoss({ connectionString: db.connectionString, ...BOSS_OPTIONS });
  boss.on("error", (err) => log.error({ err }, "pg-boss error"));
  await boss.start();
  shutdownSteps.push({ name: "queue", run: () => boss.stop({ graceful: true, timeout: 10_000 }) });

  const faults = createFaultRegistry(pool, { enabled: env.PERFPILOT_FAULT_INJECTION });
  const metrics = getMetricsRegistry();
  const engineHost = await startEngineHost({
    pool,
    connectionString: db.connectionString,
    broadcaster,
    instanceId,
    log: logger.child({ component: "engine" }),
    faults: faults.lookup,
    metrics,
  });
  shutdownSteps.push({ name: "engine", run: () => engineHost.stop() });
  const workers = createIndicatorPool({ threads: 2 });
  shutdownSteps.push({ name: "services", run: () => workers.close() });
  const operationDeps = pgOperationDeps({ pool, broadcaster, workers });
  const operations = registerOperations(engineHost.engine, operationDeps);
  await engineHost.ready();
  const monitoring = await startMonitoring({
    pool,
    broadcaster,
    engine: engineHost.engine,
    store: engineHost.store,
    recorder: engineHost.recorder,
    faults,
    metrics,
    instanceId,
    flusher: engineHost.flusher,
    log: logger.child({ component: "monitoring" }),
  });
  setMonitoring(monitoring);
  shutdownSteps.push({ name: "engine", run: async () => monitoring.stop() });

  const tasks = createTaskService({ pool, boss, engine: engineHost.engine, broadcaster, log: logger.child({ component: "tasks" }) });
  tasks.handle("benchmark.run", (input, progress, taskId) =>
    runStoredBenchmark({ pool, engine: engineHost.engine }, input as BenchmarkRequest, progress, taskId),
  );
  await tasks.start();

  let scheduler: Scheduler | null = null;
  if (env.SCHEDULER_ENABLED) {
    const jobs = routeJobsThroughEngine(
      defineJobs(
        { operations, clock: operationDeps.clock, pool, monitoring, invalidateCaches: () => engineHost.engine.invalidateKept() },
        { tickSeconds: env.MARKET_TICK_SECONDS, startDate: env.MARKET_START_DATE, moveAlertPct: env.PRICE_MOVE_ALERT_PCT },
      ),
      engineHost.engine,
    );
    await engineHost.store.sync(engineHost.engine.operations());
    scheduler = startScheduler(jobs, { pool, log: logger.child({ component: "scheduler" }), instanceId, broadcaster });
    shutdownSteps.push({ name: "scheduler", run: () => scheduler!.stop() });
  }

  setRuntime({
    instanceId,
    startedAt: new Date(startedAt),
    pool,
    engine: engineHost.engine,
    recorder: engineHost.recorder,
    guard: engineHost.guard,
    operations,
    market: marketView(operationDeps),
    optimizationStore: engineHost.store,
    tasks,
    socketClients: () => io.engine.clientsCount,
    scheduler: {
      running: scheduler !== null,
      nextRuns: () => scheduler?.nextRuns() ?? {},
      runNow: (name) => (scheduler ? scheduler.runNow(name) : Promise.reject(new Error("scheduler disabled"))),
    },
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", (err) => reject(listenFailed(err, env.PORT, env.HOST) ?? err));
    httpServer.listen(env.PORT, env.HOST, () => resolve());
  });
  // The first admin's password is printed once, last, so it stays on screen.
  await ensureAdmin({ log: logger.child({ component: "auth" }) });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  log.info({ port, instanceId, database: db.description, readyMs: Date.now() - startedAt }, "ready");
  console.log(`\nPerfpilot is ready on http://localhost:${port} (started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; database ${db.description})\n`);
}

main().catch((err: unknown) => {
  // A failure a person can fix is its one paragraph (cause and fix), without a stack.
  if (err instanceof StartFailure) log.fatal({ reason: err.reason }, "start-up failed");
  else log.fatal({ err }, "start-up failed");
  console.error(`\nPerfpilot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown("startup-failure", 1);
});
