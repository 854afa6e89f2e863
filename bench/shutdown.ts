import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../lib/server/platform/db/migrate";
import { freePort, spawnServer } from "../scripts/spawn-server";
import { adminEnv, signInHeaders, waitForMarketClock } from "./session";

export interface ShutdownBench {
  ratePerSecond: number;
  /** Requests started before SIGTERM. */
  sentBeforeStop: number;
  /** Of those: answered 200. */
  answered: number;
  /** Of those: cut (a reset or hang-up after the connection was accepted) or answered 5xx. */
  cut: number;
  /** Requests started after SIGTERM and refused at connect (the server no longer accepts: expected). */
  refusedAfterStop: number;
  /** Samples of the operation in Postgres after the shutdown, and the calls answered 200. */
  samplesWritten: number;
  samplesLost: number;
  /** SIGTERM → process exit. */
  shutdownMs: number;
}

const OP = "technical-indicators.calculate";
const SYMBOLS = ["AAPL", "MSFT", "IBM", "GE", "KO", "PEP", "XOM", "JPM"];

type Outcome = { kind: "status"; status: number } | { kind: "error"; code: string };

/** One GET on its own connection (no keep-alive): a refused connect and a cut request are told apart. */
function get(url: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ kind: "status", status: res.statusCode ?? 0 }));
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ kind: "error", code: err.code ?? err.message }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ kind: "error", code: err.code ?? err.message }));
  });
}

/**
 * Graceful shutdown under load: the real server on a database of its own (DATABASE_URL, so the
 * samples can be counted after it exits), every optimization off, GET /api/technical-analysis at
 * `rate` requests/s on fresh connections; SIGTERM half-way. Every request the server accepted
 * must be answered, and every call it answered must have its sample in Postgres.
 */
export async function benchGracefulShutdown(opts: { rate?: number; seconds?: number } = {}): Promise<ShutdownBench> {
  const rate = opts.rate ?? 50;
  const seconds = opts.seconds ?? 8;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-shutdown-"));
  fs.chmodSync(tmp, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), database: "shutdown" });
  try {
    await applyMigrations(db.connectionString);
    const server = await spawnServer({
      logFile: path.resolve("bench/results/shutdown-server.log"),
      env: { DATABASE_URL: db.connectionString, MARKET_TICK_SECONDS: "30", ...adminEnv() },
    });
    try {
      const headers = await signInHeaders(server.baseUrl);
      await waitForMarketClock(server.baseUrl, headers);
      const pool = new pg.Pool({ connectionString: db.connectionString, max: 2 });
      try {
        const startedAt = new Date();
        const exited = new Promise<number>((resolve) => server.child.once("exit", () => resolve(Date.now())));
        let stopAt = 0;
        const outcomes: Promise<{ before: boolean; outcome: Outcome }>[] = [];
        const total = rate * seconds;
        for (let i = 0; i < total; i++) {
          if (i === total / 2) {
            stopAt = Date.now();
            server.child.kill("SIGTERM");
          }
          const before = stopAt === 0;
          const url = `${server.baseUrl}/api/technical-analysis/${SYMBOLS[i % SYMBOLS.length]}?points=0`;
          outcomes.push(get(url, headers).then((outcome) => ({ before, outcome })));
          await new Promise((r) => setTimeout(r, 1000 / rate));
        }
        const all = await Promise.all(outcomes);
        const exitAt = await exited;
        const sent = all.filter((o) => o.before);
        const answered = sent.filter((o) => o.outcome.kind === "status" && o.outcome.status === 200).length;
        const cut = sent.filter(
          (o) => (o.outcome.kind === "error" && o.outcome.code !== "ECONNREFUSED") || (o.outcome.kind === "status" && o.outcome.status >= 500),
        ).length;
        const after = all.filter((o) => !o.before);
        const refusedAfterStop = after.filter((o) => o.outcome.kind === "error" && o.outcome.code === "ECONNREFUSED").length;
        const answeredAfter = after.filter((o) => o.outcome.kind === "status" && o.outcome.status === 200).length;
        const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from sample where operation = $1 and not shadow and at >= $2`, [
          OP,
          startedAt,
        ]);
        const samplesWritten = rows[0]!.n;
        return {
          ratePerSecond: rate,
          sentBeforeStop: sent.length,
          answered,
          cut,
          refusedAfterStop,
          samplesWritten,
          // Calls answered before or (drained) after SIGTERM whose sample never reached Postgres.
          samplesLost: Math.max(0, answered + answeredAfter - samplesWritten),
          shutdownMs: exitAt - stopAt,
        };
      } finally {
        await pool.end();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await db.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
