import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { defineOperation } from "../../lib/optimizer/operation";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import { OPTIMIZATIONS_CHANNEL, pgOptimizationStore } from "../../lib/server/domains/optimizations/pg-optimization-store";
import { listenToChannel } from "../../lib/server/platform/db/listener";
import { createTestDatabase } from "../helpers/db";

const operator = { name: "alice@example.com", role: "operator", origin: "127.0.0.1" };
const quietLog = { warn: () => undefined };

function makeEngine() {
  const engine = new Engine({ sink: { record: () => undefined } });
  const op = engine.register(
    defineOperation({
      name: "demo.double",
      service: "demo",
      title: "double",
      key: (i: { key: string }) => i.key,
      sideEffects: false,
      baseline: async () => 2,
      strategies: [replaceStrategy<{ key: string }, number>("memory", "fast", async () => 2)],
    }),
  );
  return { engine, op };
}

describe("optimization states in Postgres", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("persists a change with an audit event, and reaches another instance within 2 s", async () => {
    const a = makeEngine();
    const b = makeEngine();
    const flags = pgOptimizationStore(db.pool);
    await flags.sync(a.engine.operations());
    const load = async (e: Engine) => {
      const s = await flags.load();
      e.applyStates(s.optimizations, s.switches);
    };
    await load(b.engine);
    let notified = 0;
    const reload = () => void load(b.engine).then(() => notified++);
    const listener = await listenToChannel({ connectionString: db.url, channel: OPTIMIZATIONS_CHANNEL, onNotify: reload, onReconnect: reload, log: quietLog });
    try {
      const t0 = Date.now();
      await flags.setState("demo.double:memory", { state: "canary", percent: 30, reason: "try it" }, operator);
      await expect.poll(() => b.engine.state("demo.double:memory")?.state, { timeout: 2_000, interval: 20 }).toBe("canary");
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(b.engine.state("demo.double:memory")?.percent).toBe(30);
      // Same split on the other instance: roughly 30% of keys, identical per key.
      await load(a.engine);
      const keys = Array.from({ length: 2000 }, (_, i) => `k${i}`);
      const va = keys.map((k) => a.engine.plan(a.op, k).variant);
      expect(keys.map((k) => b.engine.plan(b.op, k).variant)).toEqual(va);
      const share = va.filter((v) => v === "memory").length / keys.length;
      expect(share).toBeGreaterThan(0.26);
      expect(share).toBeLessThan(0.34);
    } finally {
      await listener.stop();
    }
    const audit = (await db.pool.query("select * from audit_event where subject_id = 'demo.double:memory'")).rows;
    expect(audit).toEqual([
      expect.objectContaining({
        actor: "alice@example.com",
        actor_role: "operator",
        action: "optimization.set_state",
        before: { state: "off", percent: 0 },
        after: { state: "canary", percent: 30 },
        reason: "try it",
        origin: "127.0.0.1",
      }),
    ]);
    expect(notified).toBeGreaterThan(0);
  });

  it("refuses invalid changes and changes nothing", async () => {
    const flags = pgOptimizationStore(db.pool);
    await expect(flags.setState("demo.double:memory", { state: "canary", percent: 100 }, operator)).rejects.toThrow(/strictly between 0 and 100/);
    await expect(flags.setState("demo.double:memory", { state: "rolled_back" }, operator)).rejects.toThrow(/needs a reason/);
    await expect(flags.setState("nope.nope:memory", { state: "on" }, operator)).rejects.toThrow(/unknown optimization/);
    const st = (await db.pool.query("select state, percent from optimization where id = 'demo.double:memory'")).rows[0];
    expect(st).toEqual({ state: "canary", percent: 30 });
  });

  it("rolls back with the reason and evidence in the audit log", async () => {
    const flags = pgOptimizationStore(db.pool);
    const evidence = { rule: "error_rate", observed: { failures: 9, runs: 30 } };
    const after = await flags.setState(
      "demo.double:memory",
      { state: "rolled_back", reason: "error_rate: 9 of 30 failed" },
      { name: "guard", role: "system" },
      evidence,
    );
    expect(after).toMatchObject({ state: "rolled_back", percent: 0, reason: "error_rate: 9 of 30 failed", updatedBy: "guard" });
    const row = (await db.pool.query("select evidence, action from audit_event where actor = 'guard'")).rows[0];
    expect(row).toEqual({ action: "optimization.rollback", evidence });
  });
});
