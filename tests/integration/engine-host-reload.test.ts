import pino from "pino";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineOperation } from "../../lib/optimizer/operation";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import type { OptimizationPayload } from "../../lib/realtime/events";
import { startEngineHost, type EngineHost } from "../../lib/server/domains/optimizations/engine-host";
import { createTestDatabase } from "../helpers/db";
import { waitFor } from "../helpers/wait";

const OP = "toy-service.square-all";
const actor = { name: "test@perfpilot.local", role: "admin" };

/**
 * Optimization changes reach this instance's engine and its browsers through NOTIFY → reload:
 * every kind of optimization (a queue one too), and a change announced while a reload is already
 * running (that reload read the table before the change).
 */
describe("the engine host applies and announces every optimization change", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: EngineHost;
  const changed: OptimizationPayload[] = [];
  /** While set, a read of the optimization table returns its rows only once the gate opens. */
  let gate: Promise<void> | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The host reads states through this pool: hold one read after its snapshot, as a slow
    // connection would, to let a second change commit and announce itself meanwhile.
    const query = db.pool.query.bind(db.pool) as (...args: unknown[]) => Promise<unknown>;
    (db.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      const rows = await query(...args);
      if (gate && typeof args[0] === "string" && args[0].startsWith("select * from optimization order by")) await gate;
      return rows;
    };
    host = await startEngineHost({
      pool: db.pool as pg.Pool,
      connectionString: db.url,
      broadcaster: {
        publish: () => undefined,
        publishLocal: (event, payload) => void (event === "optimization:changed" && changed.push(payload as OptimizationPayload)),
      },
      instanceId: "test-instance",
      log: pino({ level: "silent" }),
    });
    host.engine.register(
      defineOperation({
        name: OP,
        service: "toy-service",
        title: "Squares of a list of numbers",
        key: (i: { xs: number[] }) => i.xs.join(","),
        sideEffects: false,
        equivalent: (a: number[], b: number[]) => (a.join() === b.join() ? { equal: true } : { equal: false, diff: `${a.join()} vs ${b.join()}` }),
        strategies: [replaceStrategy<{ xs: number[] }, number[]>("memory", "One typed array", async (i) => [...Float64Array.from(i.xs, (x) => x * x)])],
        queueable: true,
        baseline: async (i) => i.xs.map((x) => x * x),
      }),
    );
    await host.ready();
  });
  afterAll(async () => {
    await host?.stop();
    await db.drop();
  });

  it("announces a queue optimization's change to this instance's browsers", async () => {
    await host.store.setState(`${OP}:queue`, { state: "on" }, actor);
    const event = await waitFor(() => changed.find((p) => p.id === `${OP}:queue` && p.state === "on"), {
      timeoutMs: 5_000,
      message: "optimization:changed for the queue optimization",
    });
    expect(host.engine.state(`${OP}:queue`)?.version).toBe(event.version);
  });

  it("applies a change announced while a reload was already running", async () => {
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    await host.store.setState(`${OP}:memory`, { state: "shadow" }, actor);
    // The first change's reload has read the table and waits at the gate…
    await new Promise((r) => setTimeout(r, 500));
    gate = null;
    // … while the second change commits and its notice arrives (it may be folded into that reload).
    await host.store.setState(`${OP}:queue`, { state: "off" }, actor);
    await new Promise((r) => setTimeout(r, 500));
    open();
    await waitFor(() => host.engine.state(`${OP}:queue`)?.state === "off", { timeoutMs: 5_000, message: "the engine to apply queue = off" });
    await waitFor(() => changed.find((p) => p.id === `${OP}:queue` && p.state === "off"), { timeoutMs: 5_000, message: "optimization:changed queue off" });
    expect(host.engine.state(`${OP}:memory`)?.state).toBe("shadow");
  });
});
