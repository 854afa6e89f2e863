import os from "node:os";
import pLimit from "p-limit";
import { AppError } from "../../../errors";
import { processSlot } from "../../platform/process-slot";

/** Limits of `createHashLimiter`. */
export interface HashLimits {
  /** Password hashes (scrypt) computed at once. */
  concurrency: number;
  /** How long a request may wait for a free slot before it is refused (429 + Retry-After). */
  maxWaitMs: number;
  /** Requests allowed to wait at once; beyond that they are refused without waiting. */
  maxQueue: number;
}

// better-auth's scrypt (N=16384, r=16) takes 75–125 ms and 32 MB per hash here; 8 at once took
// 370 ms on 2 CPUs: parallelism beyond the cores adds latency and memory, not throughput. A flood
// of sign-ins (each costs a hash, even for an unknown e-mail) must not take the event loop's
// thread pool, or the memory, from everything else.
const DEFAULT_LIMITS: HashLimits = {
  concurrency: Math.max(1, Math.min(os.availableParallelism(), 4)),
  maxWaitMs: 3_000,
  maxQueue: 64,
};

/** Seconds a refused caller is told to wait (Retry-After): a queue drains in a few seconds at most. */
export const HASH_BUSY_RETRY_SECONDS = 2;

function busy(): AppError {
  return new AppError("rate_limited", "too many sign-ins at once: try again in a few seconds", { retryAfterSeconds: HASH_BUSY_RETRY_SECONDS });
}

/** A global cap on concurrent password hashing; `run` rejects with AppError `rate_limited` when busy. */
export interface HashLimiter {
  run<T>(hash: () => Promise<T>): Promise<T>;
  /** Hashes running now and callers waiting. */
  load(): { active: number; waiting: number };
}

export function createHashLimiter(limits: Partial<HashLimits> = {}): HashLimiter {
  const { concurrency, maxWaitMs, maxQueue } = { ...DEFAULT_LIMITS, ...limits };
  const limit = pLimit(concurrency);
  return {
    run<T>(hash: () => Promise<T>): Promise<T> {
      if (limit.activeCount >= concurrency && limit.pendingCount >= maxQueue) return Promise.reject(busy());
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        const timer = setTimeout(() => {
          // Given up on: when the slot comes, the queued task returns at once without hashing.
          settled = true;
          reject(busy());
        }, maxWaitMs);
        void limit(async () => {
          if (settled) return;
          clearTimeout(timer);
          settled = true;
          try {
            resolve(await hash());
          } catch (err) {
            reject(err as Error);
          }
        });
      });
    },
    load: () => ({ active: limit.activeCount, waiting: limit.pendingCount }),
  };
}

// One cap per process, whichever copy of this module (server.ts's or a route bundle's) asks.
const SLOT = processSlot<HashLimiter>("passwordHashLimiter");

/** The process's password-hashing cap. */
export function passwordHashLimiter(): HashLimiter {
  return SLOT.getOrCreate(() => createHashLimiter());
}

/** Replaces the process's cap (tests). */
export function setPasswordHashLimiter(limiter: HashLimiter | undefined): void {
  SLOT.set(limiter);
}
