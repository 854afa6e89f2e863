// Imported by next.config (outside Next's server bundle), so no `server-only` and no env access:
// everything it needs comes in as arguments.

/** Options of `securityHeaders`. */
export interface SecurityHeaderOptions {
  /** Next dev mode: React Refresh evaluates code (`'unsafe-eval'`) and talks over a dev WebSocket. */
  dev?: boolean;
  /** Served over https (directly or behind a TLS proxy): adds HSTS. Never set it for plain http. */
  https?: boolean;
}

/**
 * Security headers for every response (next.config `headers()`: `[{ source: "/:path*", headers: securityHeaders() }]`).
 *
 * CSP: scripts and styles from our origin; `'unsafe-inline'` because Next's App Router inlines
 * its bootstrap/flight scripts and recharts and React set inline styles (nonces would make
 * every page dynamic); `connect-src 'self'` covers same-origin fetch and, in CSP Level 3,
 * same-origin WebSockets (Socket.IO). `frame-ancestors 'none'` forbids framing (clickjacking),
 * as `X-Frame-Options: DENY` does for older browsers.
 */
export function securityHeaders(opts: SecurityHeaderOptions = {}): { key: string; value: string }[] {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    // Full URLs stay on our origin; other sites see only the origin (and nothing over http from https).
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
  if (opts.https) headers.push({ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" });
  return headers;
}
