/**
 * Which origins may send cookie-authenticated writes (the CSRF rule shared by `authorize`,
 * better-auth's own sign-in/sign-out endpoints and Socket.IO handshakes).
 *
 * A browser attaches cookies to cross-site requests, but it always says where a write comes
 * from (`Origin`, or at least `Referer`) and a page cannot forge those headers. So a write is
 * accepted when its origin is the app itself or one listed in TRUSTED_ORIGINS.
 *
 * "The app itself" is judged against the request's `Host` header, not a configured URL, so
 * zero-setup works on http://localhost, 127.0.0.1 or a LAN name without configuration. This
 * is safe: a cross-site page cannot choose the Host its victim's browser sends, and a DNS
 * rebinding page that makes Host match gets no cookie (cookies are kept per host).
 */

/** Header access common to `Headers` (fetch) and Node's `IncomingHttpHeaders`. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** Reads one header from either kind of header bag (first value when repeated). */
export function header(h: HeaderSource, name: string): string | null {
  if (typeof (h as Headers).get === "function") return (h as Headers).get(name);
  const v = (h as Record<string, string | string[] | undefined>)[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** The origin a request says it comes from: `Origin`, else the origin of `Referer`; null when neither is usable. */
export function requestOrigin(h: HeaderSource): string | null {
  const origin = header(h, "origin");
  if (origin && origin !== "null") return safeOrigin(origin);
  const referer = header(h, "referer");
  return referer ? safeOrigin(referer) : null;
}

function safeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * True when the request's declared origin is the app's own host or a trusted origin.
 * A write with neither `Origin` nor `Referer` is refused: every browser sends one of them on
 * a cross-site write, so only a non-browser client could omit both, and those use tokens.
 */
export function isAllowedOrigin(h: HeaderSource, trusted: readonly string[]): boolean {
  const origin = requestOrigin(h);
  if (!origin) return false;
  if (trusted.includes(origin)) return true;
  const host = header(h, "host");
  return host !== null && new URL(origin).host === host.toLowerCase();
}

/** The request's own origin when it matches its Host header (for better-auth's trustedOrigins). */
export function sameHostOrigin(h: HeaderSource): string | null {
  const origin = requestOrigin(h);
  const host = header(h, "host");
  if (!origin || !host) return null;
  return new URL(origin).host === host.toLowerCase() ? origin : null;
}
