import http from "node:http";
import type { AddressInfo } from "node:net";
import { createAdapter } from "@socket.io/postgres-adapter";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socketBroadcaster } from "../../lib/server/platform/realtime/broadcaster";
import { createTestDatabase } from "../helpers/db";

/** Two instances on one database, each with its own Socket.IO server and browsers. */
describe("events reach the browsers of every instance (Socket.IO Postgres adapter)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const servers: { io: Server; http: http.Server; url: string }[] = [];
  const clients: Socket[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      const httpServer = http.createServer();
      const io = new Server(httpServer, { adapter: createAdapter(db.pool) });
      io.on("connection", (s) => void s.join("market"));
      await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
      servers.push({ io, http: httpServer, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` });
    }
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const s of servers) await new Promise<void>((resolve) => void s.io.close(() => resolve()));
    await db.drop();
  });

  async function browserOf(url: string): Promise<Socket> {
    const c = connect(url, { transports: ["websocket"], forceNew: true });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once("connect", () => resolve());
      c.once("connect_error", reject);
    });
    return c;
  }

  it("a tick published on instance A reaches a browser on instance B; a local event stays on its instance", async () => {
    const onA = await browserOf(servers[0]!.url);
    const onB = await browserOf(servers[1]!.url);
    // The adapter needs a moment to see the other node; publish until B's browser has a tick.
    const gotB: unknown[] = [];
    const gotA: unknown[] = [];
    onB.on("market:tick", (p: unknown) => gotB.push(p));
    onA.on("market:tick", (p: unknown) => gotA.push(p));
    const localOnB: unknown[] = [];
    onB.on("optimization:changed", (p: unknown) => localOnB.push(p));
    const a = socketBroadcaster(servers[0]!.io);
    const tick = { date: "2019-01-02", tick: 1, symbols: 0, advancers: 0, decliners: 0, prices: [] };
    await expect
      .poll(
        () => {
          a.publish("market:tick", tick, "market");
          return gotB.length;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBeGreaterThan(0);
    expect(gotB[0]).toEqual(tick);
    expect(gotA.length).toBeGreaterThan(0);
    // publishLocal: only instance A's browsers (each instance derives such events itself).
    a.publishLocal!(
      "optimization:changed",
      {
        id: "x:memory",
        operation: "x",
        strategy: "memory",
        state: "on",
        percent: 100,
        reason: null,
        version: 2,
        updatedAt: new Date().toISOString(),
        updatedBy: "t",
      },
      "market",
    );
    // A later cross-instance event proves B has processed everything published before it.
    const before = gotB.length;
    await expect
      .poll(
        () => {
          a.publish("market:tick", tick, "market");
          return gotB.length;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBeGreaterThan(before);
    expect(localOnB).toEqual([]);
  });
});
