import { setTimeout as delay } from "node:timers/promises";
import type { NewsSourceConfig } from "./sources";

/** Upper bound on a feed body; real feeds are 20–500 kB, so 5 MB only stops abuse or misconfiguration. */
export const DEFAULT_MAX_FEED_BYTES = 5 * 1024 * 1024;

export type FeedFetchErrorKind = "timeout" | "network" | "http_status" | "too_large" | "redirect";

/** Redirects followed before giving up (browsers allow 20; feeds need one or two). */
export const MAX_REDIRECTS = 5;

/** Raised by {@link fetchFeed} once retries are exhausted (or immediately for non-retryable failures). */
export class FeedFetchError extends Error {
  override readonly name = "FeedFetchError";
  readonly kind: FeedFetchErrorKind;
  /** HTTP status, only for kind `http_status`. */
  readonly status?: number;
  /** Number of HTTP attempts made, including the first one. */
  readonly attempts: number;

  constructor(init: { kind: FeedFetchErrorKind; message: string; attempts: number; status?: number; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.attempts = init.attempts;
    if (init.status !== undefined) this.status = init.status;
  }
}

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface FetchFeedOptions {
  fetchImpl?: typeof fetch;
  /** Waits between retries; inject a no-op in tests so they don't wait real seconds. */
  sleep?: SleepFn;
  /** Validators from the previous successful fetch; when given, sent as If-None-Match / If-Modified-Since. */
  conditional?: { etag?: string | null; lastModified?: string | null };
  /** Caller cancellation (e.g. shutdown). An abort is re-thrown as-is, not turned into a FeedFetchError. */
  signal?: AbortSignal;
  /** Source of randomness for the jitter, in [0, 1). Injectable for deterministic tests. */
  random?: () => number;
  /** Wall clock in ms, only used to interpret a Retry-After HTTP-date. */
  nowMs?: () => number;
  maxBytes?: number;
}

export type FetchFeedResult =
  { status: "ok"; body: string; etag?: string; lastModified?: string; attempts: number } | { status: "not_modified"; attempts: number };

/** One failed attempt, before we decide whether to retry it. */
interface AttemptFailure {
  kind: FeedFetchErrorKind;
  message: string;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

type AttemptResult =
  { done: true; result: Omit<Extract<FetchFeedResult, { status: "ok" }>, "attempts"> | { status: "not_modified" } } | { done: false; failure: AttemptFailure };

const defaultSleep: SleepFn = (ms, signal) => delay(ms, undefined, { signal });

/**
 * Downloads one feed with a per-attempt timeout, a size cap, and retries with exponential
 * backoff + full jitter for network errors, timeouts, 408/429 and 5xx (other 4xx fail at once).
 * Returns the body, or `not_modified` when a conditional request got a 304.
 * Throws {@link FeedFetchError} when giving up; re-throws the caller's abort reason if `signal` fires.
 */
export async function fetchFeed(source: NewsSourceConfig, options: FetchFeedOptions = {}): Promise<FetchFeedResult> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const outcome = await attemptOnce(source, options);
    if (outcome.done) return { ...outcome.result, attempts: attempt };

    const { failure } = outcome;
    if (!failure.retryable || attempt > source.maxRetries) {
      throw new FeedFetchError({
        kind: failure.kind,
        message: `${source.name}: ${failure.message} (after ${attempt} attempt${attempt === 1 ? "" : "s"})`,
        attempts: attempt,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        cause: failure.cause,
      });
    }
    // The server's Retry-After wins over our own schedule, but is capped so a hostile or
    // buggy header ("Retry-After: 86400") cannot stall the crawler for a day.
    const waitMs =
      failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, source.backoffMaxMs)
        : backoffDelayMs(attempt, source.backoffBaseMs, source.backoffMaxMs, random);
    await sleep(waitMs, options.signal);
  }
}

/**
 * Full-jitter exponential backoff (AWS architecture blog): a uniform delay in
 * [0, min(max, base·2^(retry-1))). Jitter spreads out retries from many clients hitting one feed.
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Parses Retry-After as delta-seconds or HTTP-date; undefined when absent or unparsable. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

async function attemptOnce(source: NewsSourceConfig, options: FetchFeedOptions): Promise<AttemptResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FEED_BYTES;
  // A fresh timeout per attempt; it also covers reading the body, since undici ties the
  // body stream to the request signal (a server that stalls mid-body times out too).
  const timeoutSignal = AbortSignal.timeout(source.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeoutSignal]) : timeoutSignal;

  const headers: Record<string, string> = {
    "user-agent": source.userAgent,
    accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
  };
  if (options.conditional?.etag) headers["if-none-match"] = options.conditional.etag;
  if (options.conditional?.lastModified) headers["if-modified-since"] = options.conditional.lastModified;

  // Redirects are followed here, not by fetch: a loop or a redirect to another scheme is then a
  // definite, non-retryable failure with its own message, instead of a "fetch failed" retried 4 times.
  let response: Response;
  let url = source.url;
  const seen = new Set<string>([url]);
  for (let hop = 0; ; hop++) {
    try {
      response = await fetchImpl(url, { headers, signal, redirect: "manual" });
    } catch (err) {
      return { done: false, failure: classifyThrown(err, source, timeoutSignal, options.signal) };
    }
    const location = response.status >= 300 && response.status < 400 && response.status !== 304 ? response.headers.get("location") : null;
    if (location === null) break;
    await discardBody(response);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { done: false, failure: { kind: "redirect", retryable: false, message: `${source.url} redirects to an invalid URL (${location.slice(0, 200)})` } };
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      return { done: false, failure: { kind: "redirect", retryable: false, message: `${source.url} redirects to a non-http address (${next.protocol})` } };
    }
    if (seen.has(next.href))
      return { done: false, failure: { kind: "redirect", retryable: false, message: `${source.url} redirects in a loop (back to ${next.href})` } };
    if (hop + 1 >= MAX_REDIRECTS)
      return { done: false, failure: { kind: "redirect", retryable: false, message: `${source.url} redirects more than ${MAX_REDIRECTS} times` } };
    seen.add(next.href);
    url = next.href;
  }

  if (response.status === 304) {
    await discardBody(response);
    return { done: true, result: { status: "not_modified" } };
  }
  if (!response.ok) {
    await discardBody(response);
    const status = response.status;
    return {
      done: false,
      failure: {
        kind: "http_status",
        status,
        message: `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""} from ${source.url}`,
        // 408/429/5xx are transient by definition; other 4xx (404, 403...) will not fix themselves.
        retryable: status === 408 || status === 429 || status >= 500,
        retryAfterMs: parseRetryAfterMs(response.headers.get("retry-after"), (options.nowMs ?? Date.now)()),
      },
    };
  }

  let bytes: Uint8Array | "too_large";
  try {
    bytes = await readCapped(response, maxBytes);
  } catch (err) {
    return { done: false, failure: classifyThrown(err, source, timeoutSignal, options.signal) };
  }
  if (bytes === "too_large") {
    return {
      done: false,
      // Not retried: the same URL will serve the same oversized document again.
      failure: { kind: "too_large", retryable: false, message: `feed body exceeds ${maxBytes} bytes from ${source.url}` },
    };
  }

  const etag = response.headers.get("etag");
  const lastModified = response.headers.get("last-modified");
  return {
    done: true,
    result: {
      status: "ok",
      body: decodeBody(bytes, response.headers.get("content-type")),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    },
  };
}

function classifyThrown(err: unknown, source: NewsSourceConfig, timeoutSignal: AbortSignal, callerSignal: AbortSignal | undefined): AttemptFailure {
  // A caller abort means "stop", not "this source is broken": propagate it untouched.
  if (callerSignal?.aborted) throw callerSignal.reason;
  if (timeoutSignal.aborted) {
    return { kind: "timeout", retryable: true, message: `timed out after ${source.timeoutMs} ms fetching ${source.url}`, cause: err };
  }
  return { kind: "network", retryable: true, message: `network error fetching ${source.url}: ${describeError(err)}`, cause: err };
}

/** undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${err.message} (${code ? `${code}: ` : ""}${cause.message})`;
  }
  return err.message;
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | "too_large"> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discardBody(response);
    return "too_large";
  }
  if (!response.body) return new Uint8Array(0);
  // Stream with a running count: Content-Length can be absent or lie, and with gzip the
  // decompressed size is what hits memory.
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return "too_large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

async function discardBody(response: Response): Promise<void> {
  // Releases the connection back to the pool instead of leaving it half-read.
  await response.body?.cancel().catch(() => undefined);
}

/** Decodes with the charset from Content-Type, else the XML declaration, else UTF-8 (the XML default). */
function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const head = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1] ?? /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ?? "utf-8";
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // Unknown label: UTF-8 with replacement characters beats failing the whole feed.
    return new TextDecoder("utf-8").decode(bytes);
  }
}
