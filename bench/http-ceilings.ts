import { spawn } from "node:child_process";
import autocannon from "autocannon";
import { freePort } from "../scripts/spawn-server";

/** One load run's figures. */
export interface CeilingRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** A target measured in several interleaved rounds; `rps` is the median of the rounds. */
export interface CeilingRow extends CeilingRun {
  name: string;
  what: string;
  bodyBytes: number;
  rounds: number[];
}

export interface HttpCeilingsResult {
  connections: number;
  secondsPerRound: number;
  rows: CeilingRow[];
  /** Cached technical analysis with token auth ÷ bare route of the same server (target ≥ 0.8). */
  cachedVsBare: number;
  /** Bare route of the product's server ÷ raw Node http with the same body size class. */
  bareVsRaw: number;
}

const CONNECTIONS = 10;
const SECONDS = 5;
const ROUNDS = 3;

/**
 * A plain `node:http` server in its own process answering every request with `body`: the ceiling
 * of the machine and of Node itself, with nothing of ours or of Next in the way.
 */
async function startRawNode(body: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const script = `
    const http = require("node:http");
    const body = Buffer.from(process.env.BODY);
    http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length, "cache-control": "no-store" });
      res.end(body);
    }).listen(${port}, "127.0.0.1", () => process.stdout.write("ready\\n"));`;
  const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, BODY: body }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`raw node server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill("SIGTERM") };
}

async function load(url: string, headers: Record<string, string>): Promise<CeilingRun> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function setStates(baseUrl: string, headers: Record<string, string>, states: Record<string, "on" | "off">): Promise<void> {
  for (const [id, state] of Object.entries(states)) {
    const res = await fetch(`${baseUrl}/api/optimizations/${encodeURIComponent(id)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", origin: baseUrl, ...headers },
      body: JSON.stringify({ state }),
    });
    if (!res.ok && res.status !== 409) throw new Error(`PATCH ${id} → ${res.status} ${await res.text()}`);
  }
  // Every instance applies a change after its NOTIFY (~1 s at most).
  await new Promise((r) => setTimeout(r, 1500));
}

interface Target {
  name: string;
  what: string;
  url: string;
  headers: Record<string, string>;
  bodyBytes: number;
}

/** Runs the targets in interleaved rounds (A B C A B C …), so drift on a shared machine hits all alike. */
async function interleaved(targets: Target[]): Promise<CeilingRow[]> {
  for (const t of targets) await autocannon({ url: t.url, connections: 4, amount: 500, headers: t.headers }); // warm-up
  const runs = new Map<string, CeilingRun[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) for (const t of targets) runs.get(t.name)!.push(await load(t.url, t.headers));
  return targets.map((t) => {
    const rs = runs.get(t.name)!;
    const mid = rs.find((r) => r.rps === median(rs.map((x) => x.rps)))!;
    return {
      name: t.name,
      what: t.what,
      bodyBytes: t.bodyBytes,
      rounds: rs.map((r) => Math.round(r.rps)),
      ...mid,
      non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
      errors: rs.reduce((n, r) => n + r.errors, 0),
    };
  });
}

async function bodyOf(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, text: await res.text() };
}

/**
 * The HTTP ceilings side by side, in one run: raw Node `http`, a bare route of the product's
 * server (`GET /api/ping`, public), and `GET /api/technical-analysis/AAPL` with bearer-token
 * auth — cached (cache + memory on, warm) and uncached (every optimization off; memory alone).
 */
export async function benchHttpCeilings(baseUrl: string, sessionHeaders: Record<string, string>): Promise<HttpCeilingsResult> {
  const created = await fetch(`${baseUrl}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl, ...sessionHeaders },
    body: JSON.stringify({ name: "bench http ceilings", role: "viewer", expiresInDays: 1 }),
  });
  if (!created.ok) throw new Error(`token: ${created.status} ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };
  const bearer = { authorization: `Bearer ${token}` };
  const ta = `${baseUrl}/api/technical-analysis/AAPL`;
  const ping = `${baseUrl}/api/ping`;
  const cacheId = "technical-indicators.calculate:cache";
  const memoryId = "technical-indicators.calculate:memory";

  await setStates(baseUrl, sessionHeaders, { [memoryId]: "on", [cacheId]: "on" });
  await bodyOf(ta, bearer);
  const warm = await bodyOf(ta, bearer);
  if (warm.status !== 200) throw new Error(`cached technical analysis: ${warm.status} ${warm.text.slice(0, 200)}`);
  const pingBody = await bodyOf(ping, {});
  const small = JSON.stringify({ filler: "x".repeat(2000) });
  const rawSmall = await startRawNode(small);
  const rawSame = await startRawNode(warm.text);
  try {
    const cachedRows = await interleaved([
      { name: "raw Node http, 2 KB", what: "node:http in its own process, constant 2 KB JSON", url: rawSmall.url, headers: {}, bodyBytes: small.length },
      {
        name: "raw Node http, same body",
        what: "node:http, the cached technical-analysis body as a constant",
        url: rawSame.url,
        headers: {},
        bodyBytes: warm.text.length,
      },
      { name: "bare route", what: "GET /api/ping of the product's server (public, route wrapper)", url: ping, headers: {}, bodyBytes: pingBody.text.length },
      {
        name: "technical analysis, cached",
        what: "GET /api/technical-analysis/AAPL, bearer token, cache + memory on, warm",
        url: ta,
        headers: bearer,
        bodyBytes: warm.text.length,
      },
    ]);
    await setStates(baseUrl, sessionHeaders, { [cacheId]: "off", [memoryId]: "off" });
    const baseline = await bodyOf(ta, bearer);
    await setStates(baseUrl, sessionHeaders, { [memoryId]: "on" });
    const uncachedRows = await interleaved([
      { name: "bare route (again)", what: "GET /api/ping, beside the uncached runs", url: ping, headers: {}, bodyBytes: pingBody.text.length },
      {
        name: "technical analysis, uncached (memory)",
        what: "bearer token, memory variant on, cache off: computed from the column store per request",
        url: ta,
        headers: bearer,
        bodyBytes: baseline.text.length,
      },
    ]);
    await setStates(baseUrl, sessionHeaders, { [memoryId]: "off" });
    const baselineRows = await interleaved([
      {
        name: "technical analysis, uncached (baseline)",
        what: "bearer token, every optimization off: reads history from Postgres per request",
        url: ta,
        headers: bearer,
        bodyBytes: baseline.text.length,
      },
    ]);
    const rows = [...cachedRows, ...uncachedRows, ...baselineRows];
    const rps = (name: string) => rows.find((r) => r.name === name)!.rps;
    return {
      connections: CONNECTIONS,
      secondsPerRound: SECONDS,
      rows,
      cachedVsBare: rps("technical analysis, cached") / rps("bare route"),
      bareVsRaw: rps("bare route") / rps("raw Node http, 2 KB"),
    };
  } finally {
    rawSmall.stop();
    rawSame.stop();
  }
}
