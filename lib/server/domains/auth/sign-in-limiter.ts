import { processSlot } from "../../platform/process-slot";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** Failed sign-ins allowed per address and e-mail in one window, then 429 until it ends. */
export const SIGN_IN_ATTEMPTS = 5;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
// Per e-mail across all addresses: bounds guessing by someone rotating addresses (or spoofing
// X-Forwarded-For where server.ts does not stamp the peer address), high enough that one
// person mistyping cannot lock an account.
const PER_EMAIL_ATTEMPTS = 50;

/** How a reserved attempt ended: a wrong password counts; a success or a rejected request does not. */
export type AttemptOutcome = "success" | "failure" | "not_attempted";

export type Reservation = { allowed: true; settle(outcome: AttemptOutcome): Promise<void> } | { allowed: false; retryAfterSeconds: number };

/** Rate limiting of failed sign-ins, keyed by client address + e-mail (in memory, per process). */
export interface SignInLimiter {
  /**
   * Reserves one attempt before the password is checked, so concurrent guesses cannot all
   * slip through between a check and a count; `settle` refunds it unless it was a failure.
   */
  reserve(ip: string, email: string): Promise<Reservation>;
}

function retryAfter(rej: unknown): number {
  if (rej instanceof RateLimiterRes) return Math.max(1, Math.ceil(rej.msBeforeNext / 1000));
  throw rej;
}

/** A limiter with the given limits (tests use small windows). */
export function createSignInLimiter(opts: { attempts?: number; windowSeconds?: number; perEmailAttempts?: number } = {}): SignInLimiter {
  const duration = opts.windowSeconds ?? SIGN_IN_WINDOW_SECONDS;
  const byAddress = new RateLimiterMemory({ keyPrefix: "signin-ip-email", points: opts.attempts ?? SIGN_IN_ATTEMPTS, duration });
  const byEmail = new RateLimiterMemory({ keyPrefix: "signin-email", points: opts.perEmailAttempts ?? PER_EMAIL_ATTEMPTS, duration });
  return {
    async reserve(ip, rawEmail) {
      const email = rawEmail.trim().toLowerCase();
      const key = `${ip}|${email}`;
      try {
        await byAddress.consume(key);
      } catch (rej) {
        return { allowed: false, retryAfterSeconds: retryAfter(rej) };
      }
      try {
        await byEmail.consume(email);
      } catch (rej) {
        await byAddress.reward(key);
        return { allowed: false, retryAfterSeconds: retryAfter(rej) };
      }
      return {
        allowed: true,
        async settle(outcome) {
          if (outcome === "failure") return;
          await byEmail.reward(email);
          if (outcome === "success") await byAddress.delete(key);
          else await byAddress.reward(key);
        },
      };
    },
  };
}

// One limiter per process, shared by every copy of this module (Next loads route modules separately).
const SLOT = processSlot<SignInLimiter>("signInLimiter");

/** The process's sign-in limiter. */
export function signInLimiter(): SignInLimiter {
  return SLOT.getOrCreate(createSignInLimiter);
}

/** Replaces the process's limiter (tests). */
export function setSignInLimiter(limiter: SignInLimiter | undefined): void {
  SLOT.set(limiter);
}
