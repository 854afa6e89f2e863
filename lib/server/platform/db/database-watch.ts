/**
 * Watches whether this process reaches its database: a `select 1` every ~2 s with a short
 * timeout; up or down and since when; listeners told on each transition (the banner, the outage
 * alert, /metrics, /api/ping read it).
 *
 * Decisions:
 * - Its own connection, made with the pool's settings, not a pool client: under load the pool
 *   can be at its max, and a ping queued behind requests for a free client would read as an
 *   outage while the database answers. One connection more per instance.
 * - Down after `failuresToDown` consecutive failed pings (2: one lost connection, e.g. a
 *   terminated backend, reconnects at the next ping and is no outage), since the first of them.
 *   Up at the first good ping. Any failure counts: `select 1` cannot fail for its own sake.
 * - Pings never overlap (the next is scheduled after the previous ends) and nothing escapes
 *   the timer: a listener that throws is logged and the others still hear.
 */
import pg from "pg";
import type { DatabaseStatusPayload } from "../../../realtime/events";
import { processSlot } from "../process-slot";

export interface DatabaseState {
  up: boolean;
  /** When the current state began (ms since the epoch): an outage's first failed ping, or the good ping that ended it. */
  since: number;
  /** Outages seen since the watch started. */
  outages: number;
  /** Why the latest ping failed (null after a good one). */
  lastError: string | null;
  /** When the latest ping started (null before the first). */
  lastCheckAt: number | null;
}

/** An outage that is over: from its first failed ping to the good ping that ended it. */
export interface Outage {
  from: number;
  to: number;
}

/** Told on every transition; `ended` is the outage a transition to up closes. */
export type DatabaseListener = (state: DatabaseState, ended: Outage | null) => void;

export interface DatabaseWatch {
  state(): DatabaseState;
  /** Adds a listener; returns its removal. */
  onChange(listener: DatabaseListener): () => void;
  /** Pings now (or joins the ping in flight) and resolves with the state after it. */
  check(): Promise<DatabaseState>;
  /** Stops the pings and closes the connection; idempotent. */
  stop(): Promise<void>;
}

export interface DatabaseWatchLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DatabaseWatchOptions {
  /** The pool whose database is watched: its connection settings are used for the watch's own connection. */
  pool: pg.Pool;
  intervalMs?: number;
  /** Bound on connecting and on the query, each. */
  timeoutMs?: number;
  failuresToDown?: number;
  now?: () => number;
  log?: DatabaseWatchLog;
}

const silent: DatabaseWatchLog = { info: () => undefined, error: () => undefined };

function clientConfig(pool: pg.Pool, timeoutMs: number): pg.ClientConfig {
  const o = pool.options;
  return {
    connectionString: o.connectionString,
    host: o.host,
    port: o.port,
    user: o.user,
    database: o.database,
    // pg-pool keeps the password as a non-enumerable property: copy it by name.
    password: o.password,
    ssl: o.ssl,
    options: o.options,
    application_name: "perfpilot-database-watch",
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  };
}

/** Starts watching; the first ping runs at once (await `check()` for its result). */
export function startDatabaseWatch(opts: DatabaseWatchOptions): DatabaseWatch {
  const intervalMs = opts.intervalMs ?? 2_000;
  const timeoutMs = opts.timeoutMs ?? 1_500;
  const failuresToDown = opts.failuresToDown ?? 2;
  if (!(intervalMs > 0) || !(timeoutMs > 0) || !(Number.isInteger(failuresToDown) && failuresToDown >= 1))
    throw new RangeError("startDatabaseWatch: intervalMs and timeoutMs must be > 0, failuresToDown an integer ≥ 1");
  const now = opts.now ?? Date.now;
  const log = opts.log ?? silent;
  const config = clientConfig(opts.pool, timeoutMs);
  const listeners = new Set<DatabaseListener>();
  // Assumed up at start: the process has just connected to start; the first ping confirms it.
  let s: DatabaseState = { up: true, since: now(), outages: 0, lastError: null, lastCheckAt: null };
  let failures = 0;
  let firstFailureAt = 0;
  let client: pg.Client | null = null;
  let inFlight: Promise<DatabaseState> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const drop = () => {
    const c = client;
    client = null;
    // Not awaited: a connection to a host that stopped answering may take long to close.
    c?.end().catch(() => undefined);
  };

  async function ping(): Promise<void> {
    if (!client) {
      const c = new pg.Client(config);
      // A connection lost between pings surfaces as the next ping's failure.
      c.on("error", () => undefined);
      client = c;
      await c.connect();
    }
    await client.query("select 1");
  }

  const tell = (ended: Outage | null) => {
    for (const l of listeners) {
      try {
        l({ ...s }, ended);
      } catch (err) {
        log.error({ err }, "a database state listener failed");
      }
    }
  };

  async function run(): Promise<DatabaseState> {
    const at = now();
    s = { ...s, lastCheckAt: at };
    try {
      await ping();
    } catch (err) {
      drop();
      if (stopped) return { ...s };
      failures++;
      if (failures === 1) firstFailureAt = at;
      s = { ...s, lastError: err instanceof Error ? err.message : String(err) };
      if (s.up && failures >= failuresToDown) {
        s = { ...s, up: false, since: firstFailureAt, outages: s.outages + 1 };
        log.error({ since: new Date(firstFailureAt).toISOString(), err: s.lastError }, "database unavailable");
        tell(null);
      }
      return { ...s };
    }
    failures = 0;
    if (!s.up) {
      const ended: Outage = { from: s.since, to: at };
      s = { ...s, up: true, since: at, lastError: null };
      log.info({ from: new Date(ended.from).toISOString(), seconds: (ended.to - ended.from) / 1000 }, "database available again");
      tell(ended);
    } else s = { ...s, lastError: null };
    return { ...s };
  }

  const check = (): Promise<DatabaseState> => {
    if (stopped) return Promise.resolve({ ...s });
    inFlight ??= run().finally(() => (inFlight = null));
    return inFlight;
  };

  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => void check().finally(loop), intervalMs);
    // The watch alone must not keep the process alive; shutdown calls stop().
    timer.unref();
  };
  void check().finally(loop);

  return {
    state: () => ({ ...s }),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    check,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      listeners.clear();
      await inFlight?.catch(() => undefined);
      drop();
    },
  };
}

/** The wire form of a state (the `system:database` event, `/api/ping`). */
export function databaseStatus(s: Pick<DatabaseState, "up" | "since">): DatabaseStatusPayload {
  return s.up ? { database: "up", downSince: null } : { database: "down", downSince: new Date(s.since).toISOString() };
}

const SLOT = processSlot<DatabaseWatch>("database-watch");

/** Makes this process's watch readable by route handlers (`/api/ping`, `/metrics`); undefined clears it. */
export function setProcessDatabaseWatch(watch: DatabaseWatch | undefined): void {
  SLOT.set(watch);
}

/** This process's database watch, if started. */
export function processDatabaseWatch(): DatabaseWatch | undefined {
  return SLOT.get();
}
