import { processSlot } from "../../platform/process-slot";
import type pg from "pg";
import { env } from "../../../env";
import { createPool } from "../../platform/db/pool";
import { createAuthInstance, type AuthConfig, type PerfpilotAuth } from "./config";
import { resolveAuthSecret } from "./secret";

// No `import "server-only"` here: server.ts imports this module under plain Node, where the
// marker package throws (it is only empty under Next's react-server condition).

/** Options of `initAuth`; anything left out comes from lib/env.ts. */
export interface InitAuthOptions {
  /** The process's shared pool (preferred), or a connection string for a small pool of our own. */
  pool?: pg.Pool;
  connectionString?: string;
  /** Public URL, e.g. `http://localhost:3000`. Default: the first TRUSTED_ORIGINS entry, else http://localhost:PORT. */
  baseURL?: string;
  /** Cookie-signing key. Default: AUTH_SECRET, else generated once and kept in PERFPILOT_DATA_DIR. */
  secret?: string;
  trustedOrigins?: string[];
  sessionMaxAgeHours?: number;
  /** Where the first admin's one-time password file lives. Default: PERFPILOT_DATA_DIR. */
  dataDir?: string;
}

interface AuthSlot {
  config: AuthConfig;
  dataDir: string;
  ownsPool: boolean;
  instance: PerfpilotAuth | null;
}

const SLOT = processSlot<AuthSlot>("auth");

/** The public URL used when none is given: the first trusted origin (a TLS proxy's URL) or localhost. */
export function defaultBaseURL(): string {
  return env.TRUSTED_ORIGINS[0] ?? `http://localhost:${env.PORT}`;
}

/**
 * Configures sign-in for this process. Call once at boot (server.ts) before serving requests;
 * calling it again replaces the configuration (tests). The better-auth instance itself is
 * built lazily on first use.
 */
export function initAuth(opts: InitAuthOptions = {}): void {
  const previous = SLOT.get();
  if (previous?.ownsPool) void previous.config.pool.end().catch(() => undefined);
  let pool = opts.pool;
  let ownsPool = false;
  if (!pool) {
    if (!opts.connectionString) throw new Error("initAuth needs a pool or a connectionString");
    pool = createPool(opts.connectionString, 4);
    ownsPool = true;
  }
  const dataDir = opts.dataDir ?? env.PERFPILOT_DATA_DIR;
  const config: AuthConfig = {
    pool,
    baseURL: (opts.baseURL ?? defaultBaseURL()).replace(/\/+$/, ""),
    secret: opts.secret ?? resolveAuthSecret({ configured: env.AUTH_SECRET, dataDir }),
    trustedOrigins: opts.trustedOrigins ?? env.TRUSTED_ORIGINS,
    sessionMaxAgeHours: opts.sessionMaxAgeHours ?? env.SESSION_MAX_AGE_HOURS,
  };
  SLOT.set({ config, dataDir, ownsPool, instance: null });
}

function slot(): AuthSlot {
  const s = SLOT.get();
  if (!s) throw new Error("auth is not initialised: server.ts must call initAuth() at boot");
  return s;
}

/** The better-auth instance (built on first use). */
export function getAuth(): PerfpilotAuth {
  const s = slot();
  s.instance ??= createAuthInstance(s.config);
  return s.instance;
}

/** The settings auth was initialised with (pool, public URL, trusted origins). */
export function authConfig(): Readonly<AuthConfig> {
  return slot().config;
}

/** The data dir auth was initialised with (the first admin's one-time password file lives there). */
export function authDataDir(): string {
  return slot().dataDir;
}

/** Origins trusted for cookie-authenticated writes besides the request's own host: the public URL and TRUSTED_ORIGINS. */
export function trustedOrigins(): string[] {
  const cfg = slot().config;
  return [new URL(cfg.baseURL).origin, ...cfg.trustedOrigins];
}

/** Releases the pool auth created for itself (when it was given a connection string). */
export async function closeAuth(): Promise<void> {
  const s = SLOT.get();
  SLOT.set(undefined);
  if (s?.ownsPool) await s.config.pool.end();
}
