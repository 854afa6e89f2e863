// The server-level body cap (lib/server/platform/http/body-limit.ts) against a real HTTP server:
// a chunked body with no Content-Length is cut off while it streams, answered 413, and never
// buffered whole.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimitFor, BODY_LIMITS, limitRequestBody } from "@/lib/server/platform/http/body-limit";

const CAP = BODY_LIMITS.api;
let server: http.Server;
let port = 0;
let handlerCalls = 0;
let bytesSeenByHandler = 0;

// The handler stands for Next: it reads the whole body and echoes its size.
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (!limitRequestBody(req, res, bodyLimitFor(req.url))) return;
    handlerCalls++;
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
      bytesSeenByHandler += c.length;
    });
    req.on("end", () => {
      if (!res.headersSent) res.end(JSON.stringify({ bytes: n }));
    });
    req.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Sends `total` bytes in 64 KB chunks with chunked transfer encoding; resolves with the status and body. */
function sendChunked(path: string, total: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", ...headers } });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, sent }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, body, sent }));
    });
    req.on("error", (err) => (sent > 0 ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("limitRequestBody", () => {
  it("passes a body under the cap through untouched", async () => {
    const body = JSON.stringify({ a: "x".repeat(10_000) });
    const r = await fetch(`http://127.0.0.1:${port}/api/x`, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ bytes: Buffer.byteLength(body) });
  });

  it("refuses a declared Content-Length over the cap before the handler runs", async () => {
    const before = handlerCalls;
    const r = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/api/auth/sign-in/email", method: "POST", headers: { "content-length": String(CAP + 1) } });
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.write("{");
    });
    expect(r).toBe(413);
    expect(handlerCalls).toBe(before);
  });

  it("answers a 10 MB chunked body (no Content-Length) with 413, reading little of it, RSS flat", async () => {
    const seenBefore = bytesSeenByHandler;
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const r = await sendChunked("/api/auth/sign-in/email", 10 * 1024 * 1024);
    const rssAfter = process.memoryUsage().rss;
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: "payload_too_large" } });
    // The handler saw at most the cap: the rest was never handed on.
    expect(bytesSeenByHandler - seenBefore).toBeLessThanOrEqual(CAP);
    // Client and server share this process: 10 MB buffered anywhere would show here.
    expect(rssAfter - rssBefore).toBeLessThan(8 * 1024 * 1024);
  });

  it("keeps serving after refusing", async () => {
    const r = await fetch(`http://127.0.0.1:${port}/api/x`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(r.status).toBe(200);
  });

  it("gives pages a larger cap than the API", () => {
    expect(bodyLimitFor("/api/auth/sign-in/email")).toBe(BODY_LIMITS.api);
    expect(bodyLimitFor("/operations/x")).toBe(BODY_LIMITS.other);
  });
});
