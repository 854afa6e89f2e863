import net from "node:net";
import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads `process.env`. Everything else imports `env` from here, so a bad
 * value fails at start-up with the variable's name instead of deep inside a request.
 */
const boolish = z.enum(["1", "0", "true", "false", "yes", "no"]).transform((v) => v === "1" || v === "true" || v === "yes");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** When set, use this Postgres and start no embedded server. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder for embedded Postgres data, logs and lock files. */
  PERFPILOT_DATA_DIR: z
    .string()
    .default(".data")
    .refine(
      (dir) => !/^\/(proc|sys)(\/|$)/.test(path.resolve(dir)),
      "is inside /proc or /sys, which hold no files of ours: choose a folder on disk (default .data)",
    ),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** The price data set imported on first start. */
  PRICE_DATA_FILE: z.string().default("data/sp500-daily-2015-2019.csv.gz"),
  /** Seconds between two market-clock ticks (one trading day per tick); a divisor of 60. */
  MARKET_TICK_SECONDS: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1 && n <= 30 && 60 % n === 0, "must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)")
    .default(3),
  /** First replayed trading day when the clock has no stored position. */
  MARKET_START_DATE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default("2016-01-04"),
  /** Price monitor: absolute daily move (percent) that raises a price alert. */
  PRICE_MOVE_ALERT_PCT: z.coerce.number().positive().max(100).default(5),
  NEWS_INVESTING_URL: z.string().url().default("https://www.investing.com/rss/news_25.rss"),
  NEWS_YAHOO_URL: z.string().url().default("https://finance.yahoo.com/news/rssindex"),
  NEWS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Disable the scheduler (tests, or an API-only instance). */
  SCHEDULER_ENABLED: boolish.default(true),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Skip `next build` on start (tests that serve only the API). */
  SKIP_NEXT_BUILD: boolish.default(false),
  /** Allow fault injection (latency/errors/memory into a variant, for demos and drills). Off unless set to 1. */
  PERFPILOT_FAULT_INJECTION: boolish.default(false),
  /** E-mail of the admin account created on the first start (when there are no users). */
  ADMIN_EMAIL: z.email().default("admin@perfpilot.local"),
  /**
   * Password of that first admin. Unset → a random one, written once to a 0600 file in
   * PERFPILOT_DATA_DIR (its path is printed) and to be changed at the first sign-in.
   */
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
  /**
   * Key that signs session cookies. Unset → generated once and kept in PERFPILOT_DATA_DIR.
   * Several instances on one database must share it (set it explicitly there).
   */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional(),
  /** Sessions end this many hours after sign-in. */
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  /**
   * Comma-separated origins (scheme://host[:port]) allowed to send cookie-authenticated writes,
   * besides the page's own host. The first one is the public URL behind a TLS proxy: when it is
   * https, session cookies get the Secure flag.
   */
  TRUSTED_ORIGINS: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const part of v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)) {
        let url: URL;
        try {
          url = new URL(part);
        } catch {
          ctx.addIssue({ code: "custom", message: `not a URL: ${part}` });
          return z.NEVER;
        }
        if (url.protocol !== "http:" && url.protocol !== "https:") {
          ctx.addIssue({ code: "custom", message: `not an http(s) origin: ${part}` });
          return z.NEVER;
        }
        origins.push(url.origin);
      }
      return origins;
    }),
  /**
   * Comma-separated addresses or CIDR ranges (IPv4 or IPv6) of reverse proxies in front of this
   * server. Only a request whose TCP peer is one of them has its client address taken from
   * `X-Forwarded-For`; every other request is judged by its peer address, whatever it claims.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const entries = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const entry of entries) {
        const [address = "", prefix, extra] = entry.split("/");
        const family = net.isIP(address);
        const bits = family === 4 ? 32 : 128;
        const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
        if (family === 0 || !validPrefix || extra !== undefined) {
          ctx.addIssue({ code: "custom", message: `not an IP address or CIDR range: ${entry} (e.g. 127.0.0.1,10.0.0.0/8)` });
          return z.NEVER;
        }
      }
      return entries;
    }),
});

export type Env = z.infer<typeof EnvSchema>;

/** The environment, validated; an empty variable counts as unset. Throws naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * Read while modules load, before any entry point can catch: a bad variable is a start failure a
 * person fixes, so it is said in a few lines (which, and what is wrong) without a stack, and the
 * process ends.
 */
function envOrExit(): Env {
  try {
    return loadEnv(process.env);
  } catch (err) {
    process.stderr.write(`\nPerfpilot could not start: ${(err as Error).message}\nFix or unset these variables (README, "Configuration").\n\n`);
    process.exit(1);
  }
}

export const env: Env = envOrExit();
