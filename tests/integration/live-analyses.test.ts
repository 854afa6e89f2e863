import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { defineOperation } from "../../lib/optimizer/operation";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import { compareSamples } from "../../lib/optimizer/stats/compare";
import { createRng, standardNormal } from "../../lib/optimizer/stats/rng";
import { comparisonTimings, runStoredBenchmark } from "../../lib/server/domains/comparisons/comparisons";
import { listAnalyses, runLiveAnalyses } from "../../lib/server/domains/comparisons/live-analyses";
import { pgOptimizationStore } from "../../lib/server/domains/optimizations/pg-optimization-store";
import { createTestDatabase } from "../helpers/db";

const OP = "toy-service.work";
const MIN = 60_000;
const operator = { name: "tester@example.com", role: "operator" };

/**
 * Live analyses on a real Postgres: samples written as the flusher writes them, the job's code
 * path (`runLiveAnalyses`), one row per optimization per phase.
 */
describe("live analyses per phase", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const engine = new Engine({ sink: { record: () => undefined } });
  const op = engine.register(
    defineOperation({
      name: OP,
      service: "toy-service",
      title: "work",
      key: (i: { k: number }) => String(i.k),
      sideEffects: false,
      equivalent: (a: number, b: number) => (a === b ? { equal: true } : { equal: false, diff: `${a} vs ${b}` }),
      strategies: [replaceStrategy<{ k: number }, number>("memory", "same work", async (i) => i.k * 2)],
      baseline: async (i) => i.k * 2,
      benchmarkInputs: async () => (i: number) => ({ k: i }),
    }),
  );
  let seq = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await pgOptimizationStore(db.pool).sync(engine.operations());
  });
  afterAll(async () => db.drop());

  /** Writes `minutes` of 10 calls/s split 25/75 into the sample table, with a load drift on both arms. */
  async function traffic(opts: { from: number; minutes: number; strategy: string; slowdown: number; drift: number; seed: number }) {
    const rng = createRng(opts.seed);
    const rows: unknown[][] = [];
    const n = opts.minutes * 600;
    for (let i = 0; i < n; i++) {
      const at = opts.from + i * 100;
      const load = 1 + (opts.drift * i) / n;
      // Assignment is per request key, as the engine does it: a quarter of the keys.
      const key = Math.floor(rng() * 5_000);
      const optimized = key % 4 === 0;
      let d = Math.exp(Math.log(40) + 0.4 * standardNormal(rng)) * load;
      if (optimized) d *= opts.slowdown;
      rows.push([new Date(at), OP, optimized ? opts.strategy : "baseline", d, null, "ok", false, false, "it", key, seq++]);
    }
    for (let i = 0; i < rows.length; i += 2_000) {
      const chunk = rows.slice(i, i + 2_000);
      const values = chunk.map((_, j) => `(${Array.from({ length: 11 }, (_, k) => `$${j * 11 + k + 1}`).join(",")})`).join(",");
      await db.pool.query(
        `insert into sample (at, operation, variant, duration_ms, memory_bytes, outcome, cache_hit, shadow, instance, key_hash, seq) values ${values}`,
        chunk.flat(),
      );
    }
  }

  async function phaseStart(id: string): Promise<number> {
    const r = await db.pool.query<{ updated_at: Date; version: number }>("select updated_at, version from optimization where id = $1", [id]);
    return r.rows[0]!.updated_at.getTime();
  }

  it("an A/A canary under a load that drifts +50 % gets no verdict; a 2× slowdown is 'slower' with an interval above 1", async () => {
    const store = pgOptimizationStore(db.pool);
    const aa = `${OP}:identity`;
    await store.setState(aa, { state: "canary", percent: 25 }, operator);
    const start = await phaseStart(aa);
    await traffic({ from: start, minutes: 30, strategy: "identity", slowdown: 1, drift: 0.5, seed: 11 });
    // Looks every minute, as the job does: never a verdict.
    for (let m = 1; m <= 30; m++) {
      const [a] = (await runLiveAnalyses(db.pool, { now: start + m * MIN })).filter((x) => x.optimizationId === aa);
      expect(a?.verdict).toBe("none");
    }
    const [stored] = (await listAnalyses(db.pool, { optimizationId: aa, limit: 5 })).items;
    expect(stored).toMatchObject({ phase: expect.any(Number), state: "canary", percent: 25, verdict: "none" });
    expect(stored!.ratioLow!).toBeLessThan(1);
    expect(stored!.ratioHigh!).toBeGreaterThan(1);
    expect(stored!.nOptimized).toBeGreaterThan(3_000);
    expect(stored!.windowFrom).toBe(start);

    // Another optimization's phase: a fresh analysis row, and only this phase's samples count
    // (the A/A traffic above was written ahead of the clock; clear it so the split check sees one canary).
    await store.setState(aa, { state: "off" }, operator);
    await db.pool.query("delete from sample where operation = $1", [OP]);
    await store.setState(`${OP}:memory`, { state: "canary", percent: 25 }, operator);
    const start2 = await phaseStart(`${OP}:memory`);
    await traffic({ from: start2, minutes: 3, strategy: "memory", slowdown: 2, drift: 0, seed: 12 });
    const [slow] = (await runLiveAnalyses(db.pool, { now: start2 + 3 * MIN })).filter((x) => x.optimizationId === `${OP}:memory`);
    expect(slow?.verdict).toBe("slower");
    expect(slow!.ratioLow!).toBeGreaterThan(1);
    expect(slow!.ratio!).toBeGreaterThan(1.7);
    expect(slow!.ratio!).toBeLessThan(2.3);
    // The first verdict is final: a later look returns it unchanged (no disagreeing interval later).
    const [later] = (await runLiveAnalyses(db.pool, { now: start2 + 4 * MIN })).filter((x) => x.optimizationId === `${OP}:memory`);
    const frozen = (a: typeof slow) =>
      a && { verdict: a.verdict, verdictAt: a.verdictAt, ratio: a.ratio, ratioLow: a.ratioLow, ratioHigh: a.ratioHigh, nOptimized: a.nOptimized };
    expect(frozen(later)).toEqual(frozen(slow));
    expect(slow!.split).toMatchObject({ checked: true, expectedPercent: 25, mismatch: false });
  });

  it("stores a benchmark's per-call timings; recomputing from them gives the stored verdict and interval", async () => {
    const r = (await runStoredBenchmark(
      { pool: db.pool, engine },
      { operation: op.name, strategies: ["memory"], iterations: 40, warmup: 2 },
      () => undefined,
      crypto.randomUUID(),
    )) as {
      comparisonId: string;
    };
    const c = await comparisonTimings(db.pool, r.comparisonId);
    expect(c?.timings?.baseline).toHaveLength(40);
    expect(c?.timings?.optimized).toHaveLength(40);
    const again = compareSamples(c!.timings!.baseline, c!.timings!.optimized, { minSamples: 20 });
    expect(again.verdict).toBe(c!.verdict);
    expect(again.improvementPct).toBeCloseTo(c!.improvement_pct!, 9);
    expect(again.ci95!.low).toBeCloseTo(c!.ci_low_pct!, 9);
    expect(again.ci95!.high).toBeCloseTo(c!.ci_high_pct!, 9);
    expect(c!.method).toBe(again.method);
  });
});
