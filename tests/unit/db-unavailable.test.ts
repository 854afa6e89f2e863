import net from "node:net";
import { NextRequest } from "next/server";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../lib/server/platform/db/unavailable";
import { createPool } from "../../lib/server/platform/db/pool";
import { route } from "../../lib/server/platform/http/route";

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("a database outage is a 503, never a 500", () => {
  it("classifies real connection failures as unavailable and query errors as not", async () => {
    const pool = createPool(`postgres://u:p@127.0.0.1:${await closedPort()}/db`, 1);
    const refused = await pool.query("select 1").catch((e: unknown) => e);
    await pool.end();
    expect(isDatabaseUnavailable(refused)).toBe(true);
    const shutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    expect(isDatabaseUnavailable(shutdown)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "x"'), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(new pg.DatabaseError("unique violation", 0, "error"))).toBe(false);
  });

  it("a route whose query cannot reach the database answers 503 unavailable with Retry-After", async () => {
    const pool = createPool(`postgres://u:p@127.0.0.1:${await closedPort()}/db`, 1);
    const handler = route({ access: "public" }, async () => {
      await pool.query("select 1");
      return new Response("unreachable");
    });
    const res = await handler(new NextRequest("http://localhost/api/probe"), { params: Promise.resolve({}) });
    await pool.end();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toMatchObject({ error: { code: "unavailable" } });
  });
});
