import { inspect } from "node:util";
import { vi } from "vitest";

export interface WaitOptions {
  /** Gives up after this long; a test should never need the whole of it. Default 5 s. */
  timeoutMs?: number;
  /** Time between checks. Default 20 ms. */
  intervalMs?: number;
  /** What was awaited, in words: the failure reads "timed out after N ms waiting for <message>". */
  message: string;
}

/**
 * Polls `condition` until it returns a truthy value and resolves with that value, instead of
 * sleeping a fixed time and hoping. An exception from `condition` fails at once (a broken query
 * is not "not yet"); a timeout fails with `message` and the last value seen.
 *
 * To assert on the polled value itself, `expect.poll(fn, { timeout, interval, message })` with a
 * matcher does the same and shows the last value in its diff.
 *
 * Built on `vi.waitUntil`, which checks on real timers even under `vi.useFakeTimers()` and then
 * advances the fake clock by `intervalMs` per check: under fake timers, prefer advancing time
 * yourself.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let last: T | undefined;
  let checks = 0;
  try {
    return (await vi.waitUntil(
      async () => {
        checks++;
        last = await condition();
        return last;
      },
      { timeout: timeoutMs, interval: opts.intervalMs ?? 20 },
    )) as NonNullable<T>;
  } catch (err) {
    // vi.waitUntil rejects with its own bare message on timeout; anything else came from `condition`.
    if (err instanceof Error && /^Timed out in waitUntil/.test(err.message)) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.message} (${checks} checks, last value: ${inspect(last, { depth: 3 })})`, {
        cause: err,
      });
    }
    throw err;
  }
}
