import crypto from "node:crypto";
import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { processSlot } from "../../platform/process-slot";
import { authConfig } from "./instance";

/** The limits of `createSignInLimiter`; every count is of failed password checks in one window. */
export interface SignInLimits {
  /** Per client address, whatever the e-mail (sign-ins and password changes together). */
  perAddress: number;
  /** Per client address and e-mail. */
  perAddressAndEmail: number;
  /** Failed password changes per user (the current password is what is being guessed). */
  perUserPasswordChange: number;
  windowSeconds: number;
  /** Per account, from any address: a growing wait before each attempt, never a refusal. */
  delay: DelaySchedule;
}

/** After `freeFailures` failures each attempt waits `baseMs`, doubling per failure, up to `maxMs`. */
export interface DelaySchedule {
  freeFailures: number;
  baseMs: number;
  maxMs: number;
}

// A hard per-account lock is a denial of service anyone can aim at anyone (10 addresses × 5
// wrong passwords locked the admin out for 15 minutes): accounts get a capped delay instead,
// and hard limits apply only to the address the attempts come from.
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAddress: 20,
  perAddressAndEmail: 5,
  perUserPasswordChange: 5,
  windowSeconds: 15 * 60,
  delay: { freeFailures: 5, baseMs: 250, maxMs: 3_000 },
};

/** Table of the Postgres store (prisma/schema.prisma `RateLimit`, created by a migration). */
export const RATE_LIMIT_TABLE = "rate_limit";

/** Wait before an attempt on an account that has failed `failures` times in the window. */
export function progressiveDelayMs(failures: number, d: DelaySchedule): number {
  if (failures < d.freeFailures) return 0;
  return Math.min(d.maxMs, d.baseMs * 2 ** Math.min(failures - d.freeFailures, 30));
}

/** How a reserved attempt ended: a wrong password counts; a success or a rejected request does not. */
export type AttemptOutcome = "success" | "failure" | "not_attempted";

/** Which limit refused an attempt. */
export type LimitedBy = "address" | "address_and_email" | "user";

export type Reservation =
  | { allowed: true; /** Wait this long before checking the password. */ delayMs: number; settle(outcome: AttemptOutcome): Promise<void> }
  | { allowed: false; retryAfterSeconds: number; limitedBy: LimitedBy };

/** Limits on password checks: sign-in and password change. */
export interface SignInLimiter {
  /**
   * Reserves one sign-in attempt before the password is checked, so concurrent guesses cannot
   * all slip through between a check and a count; `settle` refunds it unless it was a failure.
   */
  reserveSignIn(ip: string, email: string): Promise<Reservation>;
  /** The same for `/change-password`, by address and by signed-in user. */
  reservePasswordChange(ip: string, userId: string): Promise<Reservation>;
}

function retryAfter(rej: unknown): number {
  if (rej instanceof RateLimiterRes) return Math.max(1, Math.ceil(rej.msBeforeNext / 1000));
  throw rej;
}

/** A key part that is short and holds no e-mail address: the table is not a list of who signs in. */
function digest(value: string): string {
  return crypto.createHash("sha256").update(value).digest("base64url");
}

/** Addresses stay readable (an operator looks up who is limited); anything odd is hashed to fit the key column. */
function addressKey(ip: string): string {
  return /^[0-9a-fA-F.:]{1,45}$/.test(ip) ? ip : digest(ip);
}

/**
 * A limiter with the given limits. With `pool`, counts live in Postgres (rate-limiter-flexible's
 * store, table `rate_limit`) so every instance sees the same counts; each keeps an in-memory
 * insurance limiter that takes over while the database cannot be reached, so a database outage
 * relaxes nothing. Without `pool`, in memory only (tests).
 */
export function createSignInLimiter(opts: { pool?: pg.Pool; limits?: Partial<SignInLimits> } = {}): SignInLimiter {
  const limits = { ...DEFAULT_SIGN_IN_LIMITS, ...opts.limits };
  const duration = limits.windowSeconds;
  const make = (keyPrefix: string, points: number, clearExpired = false): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!opts.pool) return memory;
    return new RateLimiterPostgres({
      storeClient: opts.pool,
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      // Created by a Prisma migration, not by the library at run time.
      tableCreated: true,
      keyPrefix,
      points,
      duration,
      // One limiter sweeps the shared table (rows expired over an hour ago, every 5 minutes).
      clearExpiredByTimeout: clearExpired,
      insuranceLimiter: memory,
    });
  };
  const byAddress = make("pw-ip", limits.perAddress);
  const byAddressAndEmail = make("signin-ip-email", limits.perAddressAndEmail);
  // A counter, never a refusal (no limit it could reach): its count only sizes the delay.
  const accountFailures = make("signin-account", 2 ** 31 - 1, true);
  const byUser = make("pw-change-user", limits.perUserPasswordChange);

  /** Consumes one point of each limiter in order; on a refusal, refunds the ones already taken. */
  async function consumeAll(steps: { limiter: RateLimiterAbstract; key: string; limitedBy: LimitedBy }[]): Promise<Reservation | null> {
    for (let i = 0; i < steps.length; i++) {
      try {
        await steps[i]!.limiter.consume(steps[i]!.key);
      } catch (rej) {
        const seconds = retryAfter(rej);
        for (const done of steps.slice(0, i)) await done.limiter.reward(done.key);
        return { allowed: false, retryAfterSeconds: seconds, limitedBy: steps[i]!.limitedBy };
      }
    }
    return null;
  }

  return {
    async reserveSignIn(ip, rawEmail) {
      const account = digest(rawEmail.trim().toLowerCase());
      const address = addressKey(ip);
      const pair = `${address}|${account}`;
      const refused = await consumeAll([
        { limiter: byAddress, key: address, limitedBy: "address" },
        { limiter: byAddressAndEmail, key: pair, limitedBy: "address_and_email" },
      ]);
      if (refused) return refused;
      const failures = (await accountFailures.get(account))?.consumedPoints ?? 0;
      return {
        allowed: true,
        delayMs: progressiveDelayMs(failures, limits.delay),
        async settle(outcome) {
          if (outcome === "failure") {
            await accountFailures.penalty(account);
            return;
          }
          await byAddress.reward(address);
          if (outcome === "success") {
            await byAddressAndEmail.delete(pair);
            await accountFailures.delete(account);
          } else {
            await byAddressAndEmail.reward(pair);
          }
        },
      };
    },

    async reservePasswordChange(ip, userId) {
      const address = addressKey(ip);
      const user = digest(userId);
      const refused = await consumeAll([
        { limiter: byAddress, key: address, limitedBy: "address" },
        { limiter: byUser, key: user, limitedBy: "user" },
      ]);
      if (refused) return refused;
      return {
        allowed: true,
        delayMs: 0,
        async settle(outcome) {
          if (outcome === "failure") return;
          await byAddress.reward(address);
          await byUser.reward(user);
        },
      };
    },
  };
}

// One limiter per process, shared by every copy of this module (Next loads route modules
// separately); rebuilt when auth is initialised with another pool.
const SLOT = processSlot<{ limiter: SignInLimiter; pool: pg.Pool | null }>("signInLimiter");

/** The process's limiter: counts in the app's Postgres (see `createSignInLimiter`). */
export function signInLimiter(): SignInLimiter {
  const current = SLOT.get();
  const pool = authConfig().pool;
  if (current && (current.pool === null || current.pool === pool)) return current.limiter;
  const limiter = createSignInLimiter({ pool });
  SLOT.set({ limiter, pool });
  return limiter;
}

/** Replaces the process's limiter (tests); `undefined` goes back to the Postgres-backed default. */
export function setSignInLimiter(limiter: SignInLimiter | undefined): void {
  SLOT.set(limiter ? { limiter, pool: null } : undefined);
}
