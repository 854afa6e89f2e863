import fs from "node:fs";
import { io, type Socket } from "socket.io-client";
import type { ServerEvents, ClientEvents } from "../lib/realtime/events";
import { percentile } from "../lib/optimizer/stats/quantile";

type AppSocket = Socket<ServerEvents, ClientEvents>;

function connect(baseUrl: string, auth: Record<string, string>, headers: Record<string, string>): Promise<AppSocket> {
  return new Promise((resolve, reject) => {
    const s: AppSocket = io(baseUrl, { transports: ["websocket"], auth, extraHeaders: headers, reconnection: false, forceNew: true });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

function cpuTicks(pid: number): number {
  // utime + stime of the server process, in clock ticks (Linux /proc).
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

export interface RealtimeBench {
  /** Call finished (response received) → its per-second aggregate received by a dashboard client. */
  sampleToBrowserMs: { n: number; p50: number; p95: number; max: number };
  clients50: { cpuPctIdle: number; cpuPctWith50: number; eventsPerClientPerSecond: number; durationS: number };
}

/**
 * Live transport figures: latency from a service call finishing to its sample being in a
 * connected client's chart data (the `metrics:second` aggregate that includes it), and the
 * server's CPU cost of 50 connected dashboard clients at a steady call rate.
 */
export async function benchRealtime(opts: {
  baseUrl: string;
  pid: number;
  auth?: Record<string, string>;
  headers?: Record<string, string>;
}): Promise<RealtimeBench> {
  const { baseUrl, pid } = opts;
  const auth = opts.auth ?? {};
  const headers = opts.headers ?? {};
  const url = (sym: string) => `${baseUrl}/api/technical-analysis/${sym}?points=0`;
  const op = "technical-indicators.calculate";

  // 1. latency: one client in the metrics room; calls spaced so each lands in its own second.
  const client = await connect(baseUrl, auth, headers);
  client.emit("room:join", "metrics");
  await new Promise((r) => setTimeout(r, 300));
  const pending: { finishedAt: number; second: number }[] = [];
  const latencies: number[] = [];
  client.on("metrics:second", (p) => {
    const now = Date.now();
    for (const a of p.aggregates) {
      if (a.operation !== op) continue;
      for (let i = pending.length - 1; i >= 0; i--) {
        if (pending[i]!.second === a.at) {
          latencies.push(now - pending[i]!.finishedAt);
          pending.splice(i, 1);
        }
      }
    }
  });
  for (let i = 0; i < 30; i++) {
    const res = await fetch(url(["AAPL", "MSFT", "IBM"][i % 3]!), { headers });
    await res.arrayBuffer();
    const finishedAt = Date.now();
    pending.push({ finishedAt, second: Math.floor(finishedAt / 1000) * 1000 });
    await new Promise((r) => setTimeout(r, 1100));
  }
  await new Promise((r) => setTimeout(r, 2500));
  client.close();

  // 2. server CPU over 20 s at ~10 calls/s, without and then with 50 clients in every room.
  const hz = 100; // USER_HZ on Linux
  const load = async (seconds: number) => {
    const end = Date.now() + seconds * 1000;
    const t0 = cpuTicks(pid);
    const w0 = Date.now();
    while (Date.now() < end) {
      await fetch(url("AAPL"), { headers }).then((r) => r.arrayBuffer());
      await new Promise((r) => setTimeout(r, 100));
    }
    return ((cpuTicks(pid) - t0) / hz / ((Date.now() - w0) / 1000)) * 100;
  };
  const durationS = 20;
  const cpuPctIdle = await load(durationS);
  const clients = await Promise.all(Array.from({ length: 50 }, () => connect(baseUrl, auth, headers)));
  let events = 0;
  for (const c of clients) {
    for (const room of ["market", "metrics", "optimizations", "tasks"] as const) c.emit("room:join", room);
    c.onAny(() => void events++);
  }
  await new Promise((r) => setTimeout(r, 500));
  events = 0;
  const cpuPctWith50 = await load(durationS);
  const eventsPerClientPerSecond = events / 50 / durationS;
  for (const c of clients) c.close();

  return {
    sampleToBrowserMs: {
      n: latencies.length,
      p50: latencies.length ? percentile(latencies, 50) : NaN,
      p95: latencies.length ? percentile(latencies, 95) : NaN,
      max: latencies.length ? Math.max(...latencies) : NaN,
    },
    clients50: { cpuPctIdle, cpuPctWith50, eventsPerClientPerSecond, durationS },
  };
}
