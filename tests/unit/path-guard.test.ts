// The server-level guard for API paths that are not valid percent-encoding
// (lib/server/platform/http/path-guard.ts), in front of a real HTTP server: Next 16 in production
// answers them with a plain-text 500 before any route handler runs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseMalformedApiPath } from "@/lib/server/platform/http/path-guard";

let server: http.Server;
let base = "";
let reached: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (!refuseMalformedApiPath(req, res)) return;
    reached.push(req.url ?? "");
    res.end("handler");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A GET with the path sent byte for byte (fetch would normalise it). */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.path = path;
    req.on("error", reject);
    req.end();
  });
}

describe("refuseMalformedApiPath", () => {
  it("answers 400 JSON naming the segment, before the handler", async () => {
    reached = [];
    for (const [path, index] of [
      ["/api/optimizations/%FF%FE", 3],
      ["/api/tasks/%", 3],
      ["/api/prices/%E0%A4%A", 3],
      ["/api/jobs/%FF/run", 3],
      ["/api/tasks/%ED%A0%80/cancel", 3],
    ] as const) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      const body = JSON.parse(r.body) as { error: { code: string; details: { path: string }[] } };
      expect(body.error.code).toBe("bad_request");
      expect(body.error.details[0]!.path).toBe(`path[${index}]`);
    }
    expect(reached).toEqual([]);
  });

  it("lets valid paths through, encoded ones included, and leaves the query and pages alone", async () => {
    reached = [];
    for (const path of ["/api/optimizations/a%25FF", "/api/prices/BRK.B", "/api/audit?actor=%FF", "/operations/%FF"]) {
      expect((await get(path)).status, path).toBe(200);
    }
    expect(reached).toHaveLength(4);
  });
});
