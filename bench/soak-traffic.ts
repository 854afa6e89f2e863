// The soak's traffic: an open-loop mix of API calls at a fixed rate, and dashboard-like Socket.IO
// clients that record when each event reached them.
import { io, type Socket } from "socket.io-client";
import { UPSTREAM_HEADER } from "./balancer";

export type RequestKind = "analysis" | "signals" | "market" | "optimizations" | "tasks" | "report" | "silence" | "optimization-change";

/** One request as the client saw it; times are ms since the epoch. */
export interface RequestRecord {
  kind: RequestKind;
  sentAt: number;
  endAt: number;
  /** HTTP status, or 0 when no response arrived (connection error, timeout). */
  status: number;
  error: string | null;
  /** The instances the balancer tried, last = the one that answered ("127.0.0.1:port"). */
  hops: string[];
  /** Served from the cache optimization's kept results (no engine call, so no sample). */
  cacheHit: boolean;
  /** POST /api/reports answered 202: the task's id. */
  taskId: string | null;
  /** PATCH of an optimization: the version it produced. */
  version: number | null;
}

/** Shares of the request rate; the writes are a few per second at 200 req/s. */
const MIX: [RequestKind, number][] = [
  ["analysis", 0.4],
  ["signals", 0.15],
  ["market", 0.1],
  ["optimizations", 0.15],
  ["tasks", 0.1925],
  ["report", 0.0025],
  ["silence", 0.005],
];

/** The optimization toggled every `changeEverySeconds` (harmless: a shadow run of the report's batched read). */
export const TOGGLED_OPTIMIZATION = "reports.build:memory";

function pickKind(): RequestKind {
  let x = Math.random();
  for (const [kind, share] of MIX) {
    if ((x -= share) < 0) return kind;
  }
  return "analysis";
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

function requestOf(kind: RequestKind, symbols: readonly string[], toggle: { state: "shadow" | "off" }): { method: string; path: string; body?: unknown } {
  switch (kind) {
    case "analysis":
      return { method: "GET", path: `/api/technical-analysis/${pick(symbols)}?points=0` };
    case "signals":
      return { method: "GET", path: "/api/signals?limit=20" };
    case "market":
      return { method: "GET", path: "/api/market" };
    case "optimizations":
      return { method: "GET", path: "/api/optimizations" };
    case "tasks":
      return { method: "GET", path: "/api/tasks?limit=20" };
    case "report":
      // Three random symbols: a new input each time, so no submit is folded into a running task.
      return { method: "POST", path: "/api/reports", body: { symbols: [pick(symbols), pick(symbols), pick(symbols)] } };
    case "silence":
      return { method: "POST", path: "/api/silences", body: { operation: "news-crawlers.crawl-yahoo", durationMinutes: 1, comment: "soak" } };
    case "optimization-change":
      return { method: "PATCH", path: `/api/optimizations/${TOGGLED_OPTIMIZATION}`, body: { state: toggle.state } };
  }
}

export interface Traffic {
  records: RequestRecord[];
  /** Requests not started because `maxInFlight` were already waiting (the system fell behind). */
  notSent: number;
  /** Stops sending and resolves once every request in flight has ended. */
  stop(): Promise<void>;
}

/**
 * Sends `rate` requests per second on a fixed schedule whatever the response times (open loop: a
 * slow system gets the same arrivals, and waits count in the latencies), plus an optimization
 * change every `changeEverySeconds`. Bearer-token authenticated, through `baseUrl`.
 */
export function startTraffic(opts: {
  baseUrl: string;
  token: string;
  rate: number;
  symbols: readonly string[];
  changeEverySeconds?: number;
  maxInFlight?: number;
  timeoutMs?: number;
}): Traffic {
  const records: RequestRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = opts.maxInFlight ?? 1_000;
  const toggle: { state: "shadow" | "off" } = { state: "shadow" };
  let notSent = 0;
  let stopped = false;

  function send(kind: RequestKind): void {
    // The operator's change goes out whatever the backlog: its delivery is measured.
    if (inFlight.size >= maxInFlight && kind !== "optimization-change") {
      notSent++;
      return;
    }
    const { method, path, body } = requestOf(kind, opts.symbols, toggle);
    const sentAt = Date.now();
    const p = (async () => {
      const rec: RequestRecord = { kind, sentAt, endAt: 0, status: 0, error: null, hops: [], cacheHit: false, taskId: null, version: null };
      try {
        const res = await fetch(`${opts.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${opts.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
        });
        const text = await res.text();
        rec.status = res.status;
        rec.hops = (res.headers.get(UPSTREAM_HEADER) ?? "")
          .split(",")
          .map((h) => h.trim())
          .filter(Boolean);
        rec.cacheHit = res.headers.get("x-perfpilot-cache") === "hit";
        if (kind === "report" && res.status === 202) rec.taskId = (JSON.parse(text) as { taskId: string }).taskId;
        if (kind === "optimization-change" && res.status === 200) rec.version = (JSON.parse(text) as { version: number }).version;
        if (res.status >= 500) rec.error = text.slice(0, 300);
      } catch (err) {
        rec.error = err instanceof Error ? `${err.name}: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ""}` : String(err);
      }
      rec.endAt = Date.now();
      records.push(rec);
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  const interval = 1000 / opts.rate;
  let due = performance.now();
  const tick = () => {
    if (stopped) return;
    const now = performance.now();
    while (due <= now) {
      send(pickKind());
      due += interval;
    }
    setTimeout(tick, Math.max(1, due - performance.now()));
  };
  tick();
  const changes = setInterval(
    () => {
      send("optimization-change");
      toggle.state = toggle.state === "shadow" ? "off" : "shadow";
    },
    (opts.changeEverySeconds ?? 10) * 1000,
  );

  return {
    records,
    get notSent() {
      return notSent;
    },
    async stop() {
      stopped = true;
      clearInterval(changes);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** What one client saw: the first arrival of each event (by key) and its connection history. */
export interface ClientLog {
  arrivals: Map<string, number>;
  connectedAt: number[];
  disconnectedAt: number[];
}

/** The identity of an event, the same on every client: a tick, a job slot, a task state, an optimization version. */
function eventKey(event: string, p: Record<string, unknown>): string | null {
  switch (event) {
    case "market:tick":
      return `market:tick ${String(p.tick)}`;
    case "job:finished":
      return `job:finished ${String(p.job)} ${String(p.slot)}`;
    case "task:updated":
      return `task:updated ${String(p.taskId)} ${String(p.state)}`;
    case "optimization:changed":
      return `optimization:changed ${String(p.id)} ${String(p.version)}`;
    case "alert:changed":
    case "alert:notify":
      return `${event} ${String(p.id)} ${String(p.state)} ${String(p.acknowledgedAt)}`;
    default:
      return null;
  }
}

export const CLIENT_ROOMS = ["market", "tasks", "optimizations", "alerts"] as const;

/**
 * `count` dashboard-like clients through the balancer: WebSocket, token auth, the dashboard's
 * rooms joined again after every reconnect (a client of a killed instance reconnects to another).
 */
export async function connectClients(opts: { baseUrl: string; token: string; count: number }): Promise<{ logs: ClientLog[]; close(): void }> {
  const sockets: Socket[] = [];
  const logs: ClientLog[] = [];
  await Promise.all(
    Array.from({ length: opts.count }, async () => {
      const log: ClientLog = { arrivals: new Map(), connectedAt: [], disconnectedAt: [] };
      const socket = io(opts.baseUrl, {
        transports: ["websocket"],
        auth: { token: opts.token },
        forceNew: true,
        reconnectionDelay: 250,
        reconnectionDelayMax: 1_000,
      });
      socket.on("connect", () => {
        log.connectedAt.push(Date.now());
        for (const room of CLIENT_ROOMS) socket.emit("room:join", room);
      });
      socket.on("disconnect", () => log.disconnectedAt.push(Date.now()));
      socket.onAny((event: string, payload: unknown) => {
        const key = payload && typeof payload === "object" ? eventKey(event, payload as Record<string, unknown>) : null;
        if (key !== null && !log.arrivals.has(key)) log.arrivals.set(key, Date.now());
      });
      sockets.push(socket);
      logs.push(log);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
    }),
  );
  return { logs, close: () => sockets.forEach((s) => s.close()) };
}
