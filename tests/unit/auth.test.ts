import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { generateToken, hashToken } from "../../lib/server/domains/auth/api-tokens";
import { securityHeaders } from "../../lib/server/domains/auth/headers";
import { safeNextPath } from "../../lib/server/domains/auth/next-path";
import { isAllowedOrigin, requestOrigin } from "../../lib/server/domains/auth/origins";
import { hasRole, isRole, lowerRole } from "../../lib/server/domains/auth/roles";
import { resolveAuthSecret } from "../../lib/server/domains/auth/secret";
import { createSignInLimiter } from "../../lib/server/domains/auth/sign-in-limiter";
import { ROUTE_ACCESS, json, route } from "../../lib/server/platform/http/route";

describe("roles", () => {
  it("orders viewer < operator < admin and knows nothing else", () => {
    expect(hasRole("admin", "operator")).toBe(true);
    expect(hasRole("operator", "operator")).toBe(true);
    expect(hasRole("viewer", "operator")).toBe(false);
    expect(hasRole("user", "viewer")).toBe(false);
    expect(hasRole(null, "viewer")).toBe(false);
    expect(isRole("Admin")).toBe(false);
    expect(lowerRole("admin", "viewer")).toBe("viewer");
    expect(lowerRole("operator", "admin")).toBe("operator");
  });
});

describe("origin check (CSRF)", () => {
  const trusted = ["https://perfpilot.example.com"];
  const h = (o: Record<string, string>) => new Headers(o);

  it("accepts the request's own host and trusted origins", () => {
    expect(isAllowedOrigin(h({ host: "localhost:3000", origin: "http://localhost:3000" }), trusted)).toBe(true);
    expect(isAllowedOrigin(h({ host: "10.0.0.5:3000", origin: "http://10.0.0.5:3000" }), trusted)).toBe(true);
    expect(isAllowedOrigin(h({ host: "internal:3000", origin: "https://perfpilot.example.com" }), trusted)).toBe(true);
    // Referer stands in when Origin is missing.
    expect(isAllowedOrigin(h({ host: "localhost:3000", referer: "http://localhost:3000/market?x=1" }), trusted)).toBe(true);
  });

  it("refuses foreign, opaque and missing origins", () => {
    expect(isAllowedOrigin(h({ host: "localhost:3000", origin: "http://evil.example" }), trusted)).toBe(false);
    expect(isAllowedOrigin(h({ host: "localhost:3000", origin: "http://localhost:3001" }), trusted)).toBe(false);
    expect(isAllowedOrigin(h({ host: "localhost:3000", origin: "null" }), trusted)).toBe(false);
    expect(isAllowedOrigin(h({ host: "localhost:3000" }), trusted)).toBe(false);
    expect(isAllowedOrigin(h({ host: "localhost:3000", origin: "http://localhost:3000.evil.example" }), trusted)).toBe(false);
    expect(requestOrigin({ origin: "javascript:alert(1)" })).toBeNull();
  });
});

describe("sign-in redirect target", () => {
  it("keeps same-site paths and drops everything that could leave the site", () => {
    expect(safeNextPath("/market?symbol=AAPL")).toBe("/market?symbol=AAPL");
    expect(safeNextPath(undefined)).toBe("/");
    for (const evil of ["https://evil.example", "//evil.example", "/\\evil.example", "/\t/evil.example", "evil", "javascript:alert(1)"]) {
      expect(safeNextPath(evil), evil).toBe("/");
    }
  });
});

describe("API token format", () => {
  it("is pp_ + 256 random bits, stored as its SHA-256", () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.token).toMatch(/^pp_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(crypto.createHash("sha256").update(a.token).digest("hex"));
    expect(hashToken(a.token)).toBe(a.hash);
    expect(a.prefix).toBe(a.token.slice(0, 11));
  });
});

describe("security headers", () => {
  const get = (opts: Parameters<typeof securityHeaders>[0], key: string) => securityHeaders(opts).find((x) => x.key === key)?.value;
  it("forbid framing, sniffing and foreign scripts; HSTS only over https; eval only in dev", () => {
    const csp = get({}, "Content-Security-Policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(get({ dev: true }, "Content-Security-Policy")).toContain("'unsafe-eval'");
    expect(get({}, "X-Content-Type-Options")).toBe("nosniff");
    expect(get({}, "Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(get({}, "Strict-Transport-Security")).toBeUndefined();
    expect(get({ https: true }, "Strict-Transport-Security")).toMatch(/max-age=\d+/);
  });
});

describe("sign-in limiter", () => {
  it("blocks the 6th failure per address + e-mail until the window ends", async () => {
    const limiter = createSignInLimiter({ windowSeconds: 900 });
    for (let i = 0; i < 5; i++) {
      const r = await limiter.reserve("1.2.3.4", "A@x.io");
      expect(r.allowed).toBe(true);
      if (r.allowed) await r.settle("failure");
    }
    const blocked = await limiter.reserve("1.2.3.4", "a@x.io");
    expect(blocked).toMatchObject({ allowed: false });
    if (!blocked.allowed) expect(blocked.retryAfterSeconds).toBeGreaterThan(890);
    expect((await limiter.reserve("1.2.3.5", "a@x.io")).allowed).toBe(true);
    expect((await limiter.reserve("1.2.3.4", "b@x.io")).allowed).toBe(true);
  });

  it("refunds successes and requests that never checked a password", async () => {
    const limiter = createSignInLimiter({ attempts: 2 });
    for (let i = 0; i < 5; i++) {
      const r = await limiter.reserve("ip", "a@x.io");
      expect(r.allowed).toBe(true);
      if (r.allowed) await r.settle(i % 2 === 0 ? "success" : "not_attempted");
    }
  });

  it("caps one e-mail across addresses", async () => {
    const limiter = createSignInLimiter({ attempts: 5, perEmailAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      const r = await limiter.reserve(`10.0.0.${i}`, "a@x.io");
      if (r.allowed) await r.settle("failure");
    }
    expect((await limiter.reserve("10.0.0.9", "a@x.io")).allowed).toBe(false);
  });
});

describe("auth secret", () => {
  it("uses AUTH_SECRET, else generates one once and keeps it private in the data dir", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-secret-"));
    try {
      expect(resolveAuthSecret({ configured: "c".repeat(40), dataDir: dir })).toBe("c".repeat(40));
      expect(fs.existsSync(path.join(dir, "auth-secret"))).toBe(false);
      const first = resolveAuthSecret({ dataDir: dir });
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fs.statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
      expect(resolveAuthSecret({ dataDir: dir })).toBe(first);
      fs.writeFileSync(path.join(dir, "auth-secret"), "short");
      expect(() => resolveAuthSecret({ dataDir: dir })).toThrow(/no usable secret/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("route() access marker", () => {
  it("marks handlers with their declared access, non-enumerably", () => {
    const declared = route({ access: "operator" }, async () => json({}));
    const open = route({ access: "public" }, async () => json({}));
    expect(declared[ROUTE_ACCESS]).toBe("operator");
    expect(open[ROUTE_ACCESS]).toBe("public");
    expect(Object.keys(declared)).toEqual([]);
    expect(() => route({ access: "root" as never }, async () => json({}))).toThrow(/unknown access/);
  });
});
