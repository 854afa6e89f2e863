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
import { createSignInLimiter, progressiveDelayMs } from "../../lib/server/domains/auth/sign-in-limiter";
import { createHashLimiter } from "../../lib/server/domains/auth/password-hashing";
import { CLIENT_IP_HEADER, clientAddress, clientIp, stampClientAddress, trustedProxies } from "../../lib/server/domains/auth/client-ip";
import { AppError } from "../../lib/errors";
import { loadEnv } from "../../lib/env";
import { mayStartWork } from "../../lib/server/domains/auth/authorize";
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
  const limits = { windowSeconds: 900, delay: { freeFailures: 3, baseMs: 100, maxMs: 1000 } };

  it("blocks the 6th failure per address + e-mail until the window ends", async () => {
    const limiter = createSignInLimiter({ limits });
    for (let i = 0; i < 5; i++) {
      const r = await limiter.reserveSignIn("1.2.3.4", "A@x.io");
      expect(r.allowed).toBe(true);
      if (r.allowed) await r.settle("failure");
    }
    const blocked = await limiter.reserveSignIn("1.2.3.4", "a@x.io");
    expect(blocked).toMatchObject({ allowed: false, limitedBy: "address_and_email" });
    if (!blocked.allowed) expect(blocked.retryAfterSeconds).toBeGreaterThan(890);
    expect((await limiter.reserveSignIn("1.2.3.5", "a@x.io")).allowed).toBe(true);
    expect((await limiter.reserveSignIn("1.2.3.4", "b@x.io")).allowed).toBe(true);
  });

  it("limits one address whatever the e-mail", async () => {
    const limiter = createSignInLimiter({ limits: { ...limits, perAddress: 20 } });
    for (let i = 0; i < 20; i++) {
      const r = await limiter.reserveSignIn("1.2.3.4", `user${i}@x.io`);
      expect(r.allowed, `attempt ${i + 1}`).toBe(true);
      if (r.allowed) await r.settle("failure");
    }
    expect(await limiter.reserveSignIn("1.2.3.4", "someone-else@x.io")).toMatchObject({ allowed: false, limitedBy: "address" });
    expect((await limiter.reserveSignIn("1.2.3.5", "someone-else@x.io")).allowed).toBe(true);
  });

  it("refunds successes and requests that never checked a password", async () => {
    const limiter = createSignInLimiter({ limits: { ...limits, perAddress: 2, perAddressAndEmail: 2 } });
    for (let i = 0; i < 5; i++) {
      const r = await limiter.reserveSignIn("ip", "a@x.io");
      expect(r.allowed).toBe(true);
      if (r.allowed) await r.settle(i % 2 === 0 ? "success" : "not_attempted");
    }
  });

  it("slows an account down from any address instead of locking it", async () => {
    const limiter = createSignInLimiter({ limits });
    const delays: number[] = [];
    // 10 addresses × 5 wrong passwords: what locked the admin out for 15 minutes before.
    for (let a = 0; a < 10; a++) {
      for (let i = 0; i < 5; i++) {
        const r = await limiter.reserveSignIn(`10.0.0.${a}`, "admin@x.io");
        expect(r.allowed, `address ${a}, attempt ${i + 1}`).toBe(true);
        if (!r.allowed) return;
        delays.push(r.delayMs);
        await r.settle("failure");
      }
    }
    expect(delays.slice(0, 6)).toEqual([0, 0, 0, 100, 200, 400]);
    expect(Math.max(...delays)).toBe(1000);
    // The owner, from an address of their own: allowed, after the capped delay; success resets it.
    const owner = await limiter.reserveSignIn("192.168.1.7", "admin@x.io");
    expect(owner).toMatchObject({ allowed: true, delayMs: 1000 });
    if (owner.allowed) await owner.settle("success");
    expect(await limiter.reserveSignIn("192.168.1.7", "admin@x.io")).toMatchObject({ allowed: true, delayMs: 0 });
  });

  it("computes the delay schedule", () => {
    const d = { freeFailures: 5, baseMs: 250, maxMs: 3000 };
    expect([0, 4, 5, 6, 7, 8, 9, 50, 10_000].map((n) => progressiveDelayMs(n, d))).toEqual([0, 0, 250, 500, 1000, 2000, 3000, 3000, 3000]);
  });

  it("limits password changes per user and per address", async () => {
    const limiter = createSignInLimiter({ limits: { ...limits, perUserPasswordChange: 3, perAddress: 5 } });
    for (let i = 0; i < 3; i++) {
      const r = await limiter.reservePasswordChange(`10.1.0.${i}`, "user-1");
      if (r.allowed) await r.settle("failure");
    }
    expect(await limiter.reservePasswordChange("10.1.0.9", "user-1")).toMatchObject({ allowed: false, limitedBy: "user" });
    // Failed sign-ins and failed password changes share the address's budget.
    for (let i = 0; i < 5; i++) {
      const r = await limiter.reserveSignIn("10.2.0.1", `u${i}@x.io`);
      if (r.allowed) await r.settle("failure");
    }
    expect(await limiter.reservePasswordChange("10.2.0.1", "user-2")).toMatchObject({ allowed: false, limitedBy: "address" });
  });
});

describe("password hashing cap", () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it("runs at most `concurrency` hashes at once, then refuses waiters after maxWaitMs with a 429", async () => {
    const limiter = createHashLimiter({ concurrency: 2, maxWaitMs: 50, maxQueue: 10 });
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const hash = async () => {
      running++;
      peak = Math.max(peak, running);
      await gate.promise;
      running--;
      return "h";
    };
    const first = [limiter.run(hash), limiter.run(hash)];
    const waiting = limiter.run(hash);
    expect(limiter.load()).toEqual({ active: 2, waiting: 1 });
    const refused = await waiting.then(
      () => null,
      (e: unknown) => e,
    );
    expect(AppError.is(refused) && refused.code).toBe("rate_limited");
    expect(AppError.is(refused) && refused.details).toEqual({ retryAfterSeconds: 2 });
    gate.resolve();
    expect(await Promise.all(first)).toEqual(["h", "h"]);
    expect(peak).toBe(2);
    // The abandoned waiter never hashed when its slot came.
    await new Promise((r) => setTimeout(r, 10));
    expect(limiter.load()).toEqual({ active: 0, waiting: 0 });
  });

  it("refuses at once when the queue is full", async () => {
    const limiter = createHashLimiter({ concurrency: 1, maxWaitMs: 5000, maxQueue: 1 });
    const gate = deferred();
    const running = limiter.run(() => gate.promise);
    const queued = limiter.run(async () => "queued");
    const t0 = performance.now();
    await expect(limiter.run(async () => "x")).rejects.toMatchObject({ code: "rate_limited" });
    expect(performance.now() - t0).toBeLessThan(50);
    gate.resolve();
    await running;
    expect(await queued).toBe("queued");
  });

  it("passes a hash's own error through", async () => {
    const limiter = createHashLimiter({ concurrency: 1 });
    await expect(limiter.run(() => Promise.reject(new Error("bad hash")))).rejects.toThrow("bad hash");
  });
});

describe("client address", () => {
  const proxies = trustedProxies(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

  it("is the TCP peer unless the peer is a trusted proxy", () => {
    expect(clientAddress("203.0.113.9", "1.1.1.1", proxies)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", null, proxies)).toBe("203.0.113.9");
    expect(clientAddress(undefined, "1.1.1.1", proxies)).toBe("unknown");
    // Nothing trusted: X-Forwarded-For is never read.
    expect(clientAddress("127.0.0.1", "1.1.1.1", trustedProxies([]))).toBe("127.0.0.1");
  });

  it("behind trusted proxies, is the first untrusted hop from the right", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.4", proxies)).toBe("198.51.100.4");
    expect(clientAddress("::ffff:127.0.0.1", "198.51.100.4", proxies)).toBe("198.51.100.4");
    // The client wrote "6.6.6.6" itself; the proxies appended what they saw.
    expect(clientAddress("10.1.2.3", "6.6.6.6, 198.51.100.4, 10.9.9.9", proxies)).toBe("198.51.100.4");
    expect(clientAddress("fd00::1", "[2001:db8::7]:443", proxies)).toBe("2001:db8::7");
    expect(clientAddress("127.0.0.1", "198.51.100.4:5555", proxies)).toBe("198.51.100.4");
    // Only proxies in the chain: the leftmost one they name.
    expect(clientAddress("127.0.0.1", "10.0.0.5, 10.0.0.6", proxies)).toBe("10.0.0.5");
    // Garbage where a proxy would have written an address: the last address a proxy vouched for.
    expect(clientAddress("127.0.0.1", "not-an-ip", proxies)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "", proxies)).toBe("127.0.0.1");
  });

  it("stamps it over whatever header the client sent", () => {
    const req = {
      headers: { "x-forwarded-for": "6.6.6.6", [CLIENT_IP_HEADER]: "7.7.7.7" } as Record<string, string | string[] | undefined>,
      socket: { remoteAddress: "203.0.113.1" },
    };
    stampClientAddress(req, proxies);
    expect(clientIp(req.headers)).toBe("203.0.113.1");
    // An unstamped request (no server in front) has no address to trust.
    expect(clientIp({ "x-forwarded-for": "6.6.6.6" })).toBe("local");
  });
});

describe("TRUSTED_PROXIES", () => {
  it("accepts addresses and CIDR ranges and names a bad entry", () => {
    expect(loadEnv({ TRUSTED_PROXIES: " 127.0.0.1 , 10.0.0.0/8,::1,fd00::/8 " }).TRUSTED_PROXIES).toEqual(["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]);
    for (const bad of ["10.0.0.0/33", "localhost", "10.0.0.0/8/1", "::1/129"]) {
      expect(() => loadEnv({ TRUSTED_PROXIES: bad }), bad).toThrow(/TRUSTED_PROXIES: not an IP address or CIDR range/);
    }
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

describe("work a request may start (queued tasks)", () => {
  const person = { name: "a@x", role: "viewer" as const, origin: "1.2.3.4", via: "session" as const, userId: "u", email: "a@x", tokenId: null };
  const token = { ...person, via: "token" as const, tokenId: "t" };
  it("never lets a cookie GET from another site, or one that does not say where it comes from, queue work", () => {
    expect(mayStartWork({ method: "GET", headers: { "sec-fetch-site": "cross-site" } }, person)).toBe(false);
    expect(mayStartWork({ method: "GET", headers: { "sec-fetch-site": "same-site" } }, person)).toBe(false);
    expect(mayStartWork({ method: "GET", headers: {} }, person)).toBe(false);
  });
  it("lets the app's own pages, the address bar, writes and tokens queue work", () => {
    expect(mayStartWork({ method: "GET", headers: { "sec-fetch-site": "same-origin" } }, person)).toBe(true);
    expect(mayStartWork({ method: "GET", headers: { "sec-fetch-site": "none" } }, person)).toBe(true);
    expect(mayStartWork({ method: "POST", headers: { "sec-fetch-site": "cross-site" } }, person)).toBe(true);
    expect(mayStartWork({ method: "GET", headers: {} }, token)).toBe(true);
  });
});
