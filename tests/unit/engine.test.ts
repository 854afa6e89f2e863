import { describe, expect, it, vi } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { GuardEvaluator, type LiveSamples } from "../../lib/optimizer/guards";
import { MemoryOptimizationStore } from "../../lib/optimizer/memory-optimization-store";
import { defineOperation, type StrategyImplementation } from "../../lib/optimizer/operation";
import { cacheStrategy, estimateBytes } from "../../lib/optimizer/strategies/cache";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import type { EngineEvent, SampleInput } from "../../lib/optimizer/types";

const system = { name: "test", role: "operator" };

function setup(memory: StrategyImplementation<{ key: string; x: number }, number>, extra: { sideEffects?: boolean; idempotent?: boolean } = {}) {
  const samples: SampleInput[] = [];
  const events: EngineEvent[] = [];
  const flags = new MemoryOptimizationStore();
  const engine = new Engine({ sink: { record: (s) => samples.push(s) }, emit: (e) => events.push(e), random: () => 0 });
  const op = engine.register(
    defineOperation({
      name: "demo.square",
      service: "demo",
      title: "square",
      key: (i: { key: string; x: number }) => i.key,
      sideEffects: false,
      baseline: async (i: { key: string; x: number }) => i.x * i.x,
      equivalent: (a: number, b: number) => (a === b ? { equal: true } : { equal: false, diff: `baseline ${a} ≠ optimized ${b}` }),
      strategies: [memory],
      shadowSampleRate: 1,
      timeoutMs: 50,
      ...extra,
    }),
  );
  flags.add(op.name, "memory");
  const sync = async () => {
    const s = await flags.load();
    engine.applyStates(s.optimizations, s.switches);
  };
  return { engine, op, flags, samples, events, sync };
}

const fastSquare = replaceStrategy<{ key: string; x: number }, number>("memory", "fast", async (i) => i.x ** 2);

describe("engine call path", () => {
  it("runs the baseline while the optimization is off, and records a sample", async () => {
    const { engine, op, samples, sync } = setup(fastSquare);
    await sync();
    expect(await engine.call(op, { key: "a", x: 3 })).toBe(9);
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ operation: "demo.square", variant: "baseline", outcome: "ok", shadow: false });
  });

  it("is sticky: the same key gets the same variant on every call and after a restart", async () => {
    const a = setup(fastSquare);
    await a.flags.setState("demo.square:memory", { state: "canary", percent: 50 }, system);
    await a.sync();
    const keys = Array.from({ length: 200 }, (_, i) => `sym-${i}`);
    const first = keys.map((k) => a.engine.plan(a.op, k).variant);
    expect(keys.map((k) => a.engine.plan(a.op, k).variant)).toEqual(first);
    // A second engine ("another instance" / "after restart") with the same state assigns identically.
    const b = setup(fastSquare);
    await b.flags.setState("demo.square:memory", { state: "canary", percent: 50 }, system);
    await b.sync();
    expect(keys.map((k) => b.engine.plan(b.op, k).variant)).toEqual(first);
    const optimized = first.filter((v) => v === "memory").length;
    expect(optimized).toBeGreaterThan(70);
    expect(optimized).toBeLessThan(130);
  });

  it("raising the canary percentage only adds keys", async () => {
    const { engine, op, flags, sync } = setup(fastSquare);
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    await flags.setState("demo.square:memory", { state: "canary", percent: 10 }, system);
    await sync();
    const at10 = new Set(keys.filter((k) => engine.plan(op, k).variant === "memory"));
    await flags.setState("demo.square:memory", { state: "canary", percent: 40 }, system);
    await sync();
    const at40 = new Set(keys.filter((k) => engine.plan(op, k).variant === "memory"));
    for (const k of at10) expect(at40.has(k)).toBe(true);
    expect(at40.size).toBeGreaterThan(at10.size);
  });

  it("respects the master switch above the optimization", async () => {
    const { engine, op, flags, sync } = setup(fastSquare);
    await flags.setState("demo.square:memory", { state: "on" }, system);
    flags.switches.memory_optimization = false;
    await sync();
    expect(engine.plan(op, "a").variant).toBe("baseline");
  });

  it("falls back to the baseline when the optimized variant throws, and counts the failure", async () => {
    const broken = replaceStrategy<{ key: string; x: number }, number>("memory", "broken", async () => {
      throw new Error("boom");
    });
    const { engine, op, flags, samples, events, sync } = setup(broken);
    await flags.setState("demo.square:memory", { state: "on" }, system);
    await sync();
    expect(await engine.call(op, { key: "a", x: 4 })).toBe(16);
    expect(samples.map((s) => [s.variant, s.outcome])).toEqual([
      ["memory", "fallback"],
      ["baseline", "ok"],
    ]);
    expect(events.some((e) => e.type === "variant.failed")).toBe(true);
    expect(engine.takeCounters("demo.square:memory")).toMatchObject({ calls: 1, failures: 1 });
  });

  it("falls back to the baseline when the optimized variant exceeds its timeout", async () => {
    // The variant never settles; fake timers fire the operation's 50 ms timeout without real waiting.
    const hung = replaceStrategy<{ key: string; x: number }, number>("memory", "hung", () => new Promise<number>(() => undefined));
    const { engine, op, flags, samples, sync } = setup(hung);
    await flags.setState("demo.square:memory", { state: "on" }, system);
    await sync();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let settled = false;
      const call = engine.call(op, { key: "a", x: 5 }).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(49);
      expect(settled, "the caller must wait for the variant until its timeout").toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled, "the caller must get the baseline's answer as soon as the timeout fires").toBe(true);
      expect(await call).toBe(25);
    } finally {
      vi.useRealTimers();
    }
    expect(samples[0]).toMatchObject({ variant: "memory", outcome: "timeout" });
  });

  it("propagates a baseline error to the caller (there is nothing to fall back to)", async () => {
    const { engine, flags, sync } = setup(fastSquare);
    const failing = engine.register(
      defineOperation({
        name: "demo.fail",
        service: "demo",
        title: "f",
        key: () => "k",
        sideEffects: false,
        baseline: async () => {
          throw new Error("baseline down");
        },
      }),
    );
    await sync();
    await expect(engine.call(failing, {})).rejects.toThrow("baseline down");
    void flags;
  });

  it("in shadow mode returns the baseline result, compares, and reports a readable mismatch", async () => {
    const wrong = replaceStrategy<{ key: string; x: number }, number>("memory", "off by one", async (i) => i.x * i.x + (i.x === 7 ? 1 : 0));
    const { engine, op, flags, samples, events, sync } = setup(wrong);
    await flags.setState("demo.square:memory", { state: "shadow" }, system);
    await sync();
    expect(await engine.call(op, { key: "ok", x: 3 })).toBe(9);
    expect(await engine.call(op, { key: "bad", x: 7 })).toBe(49);
    const mismatches = events.filter((e) => e.type === "shadow.mismatch");
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]).toMatchObject({ mismatch: { operation: "demo.square", variant: "memory", inputKey: "bad", diff: "baseline 49 ≠ optimized 50" } });
    // Paired samples: one baseline and one shadow run per call.
    expect(samples.filter((s) => s.shadow).length).toBe(2);
    expect(samples.filter((s) => !s.shadow && s.variant === "baseline").length).toBe(2);
    expect(engine.takeCounters("demo.square:memory")).toMatchObject({ shadowRuns: 2, mismatches: 1 });
  });

  it("never shadows an operation with side effects that is not idempotent", async () => {
    const { engine, op, flags, samples, sync } = setup(fastSquare, { sideEffects: true, idempotent: false });
    await flags.setState("demo.square:memory", { state: "shadow" }, system);
    await sync();
    await engine.call(op, { key: "a", x: 2 });
    expect(samples.filter((s) => s.shadow)).toHaveLength(0);
  });
});

describe("guards", () => {
  const noSamples: LiveSamples = { runs: () => [] };

  it("rolls back on an error burst and stores the evidence", async () => {
    let fail = false;
    const flaky = replaceStrategy<{ key: string; x: number }, number>("memory", "flaky", async (i) => {
      if (fail) throw new Error("injected");
      return i.x * i.x;
    });
    const { engine, op, flags, sync } = setup(flaky);
    await flags.setState("demo.square:memory", { state: "on" }, system);
    await sync();
    const guard = new GuardEvaluator({ engine, store: flags, samples: noSamples });
    for (let i = 0; i < 30; i++) await engine.call(op, { key: `k${i}`, x: i });
    expect(await guard.evaluate()).toEqual([]);
    fail = true;
    for (let i = 0; i < 30; i++) expect(await engine.call(op, { key: `k${i}`, x: i })).toBe(i * i);
    const rolled = await guard.evaluate();
    expect(rolled).toHaveLength(1);
    const st = flags.states.get("demo.square:memory")!;
    expect(st.state).toBe("rolled_back");
    expect(st.reason).toMatch(/^error_rate/);
    const entry = flags.audit.at(-1)!;
    expect(entry.actor.name).toBe("guard");
    expect(entry.evidence).toMatchObject({ rule: "error_rate", sampleSizes: { optimized: 60 }, observed: { failures: 30, runs: 60 } });
    expect((entry.evidence as { test: { name: string } }).test.name).toMatch(/always-valid/);
  });

  it("does not trip below the minimum sample", async () => {
    const broken = replaceStrategy<{ key: string; x: number }, number>("memory", "b", async () => {
      throw new Error("x");
    });
    const { engine, op, flags, sync } = setup(broken);
    await flags.setState("demo.square:memory", { state: "on" }, system);
    await sync();
    const guard = new GuardEvaluator({ engine, store: flags, samples: noSamples });
    for (let i = 0; i < 5; i++) await engine.call(op, { key: `k${i}`, x: i });
    expect(await guard.evaluate()).toEqual([]);
  });

  it("rolls back on a credible latency regression over the phase's closed time blocks, with the evidence", async () => {
    const { engine, flags, sync } = setup(fastSquare);
    await flags.setState("demo.square:memory", { state: "canary", percent: 50 }, system);
    await sync();
    const start = Date.parse(flags.states.get("demo.square:memory")!.updatedAt);
    // 4 calls a second, alternating arms; the optimized arm takes 40 % longer.
    const samples: LiveSamples = {
      runs: (_op, _strategy, _shadow, since, until) => {
        const out = [];
        for (let t = Math.ceil(since / 250) * 250; t < until; t += 250) {
          const optimized = t >= start && (t / 250) % 2 === 1;
          const jitter = ((t / 250) % 7) * 0.1;
          out.push({ at: t, durationMs: (optimized ? 14 : 10) + jitter, ok: true, optimized, memoryBytes: NaN });
        }
        return out;
      },
    };
    let now = start + 45_000;
    const guard = new GuardEvaluator({ engine, store: flags, samples, wallNow: () => now });
    expect(await guard.evaluate()).toEqual([]); // one closed block: too early for any action
    now = start + 120_000;
    const rolled = await guard.evaluate();
    expect(rolled[0]?.evidence).toMatchObject({ rule: "latency_regression", sampleSizes: { baseline: 240, optimized: 240 } });
    expect(rolled[0]!.evidence.test!.pValue).toBeLessThan(guard.alphaPerRule);
    expect(rolled[0]!.evidence.window.from).toBe(new Date(start).toISOString());
  });

  it("shows what it watches, its thresholds and the current values before it acts", async () => {
    const { engine, flags, sync } = setup(fastSquare);
    await flags.setState("demo.square:memory", { state: "canary", percent: 10 }, system);
    await sync();
    const guard = new GuardEvaluator({ engine, store: flags, samples: noSamples });
    const st = engine.state("demo.square:memory")!;
    const status = guard.status(st);
    expect(status.phase).toBe(st.version);
    expect(status.rules.map((r) => r.rule)).toEqual(["error_rate", "mismatch_rate", "latency_regression", "memory_regression"]);
    expect(status.rules[0]).toMatchObject({ limit: 0.02, minSamples: 20, samples: 0 });
    expect(status.alphaPerRule).toBeCloseTo(0.01 / 16, 12);
  });
});

describe("cache strategy", () => {
  it("computes concurrent misses once, counts hits, and invalidates", async () => {
    let computed = 0;
    const cache = cacheStrategy<{ key: string; x: number }, { v: number }>({ key: (i) => i.key, ttlMs: 60_000, max: 2, maxBytes: 1_000_000 });
    const impl = cache.wrap(async (i) => {
      computed++;
      await new Promise((r) => setTimeout(r, 10));
      return { v: i.x };
    });
    const cx = () => ({ key: "", shadow: false, cacheHit: false, progress: () => undefined });
    const [a, b] = await Promise.all([impl({ key: "a", x: 1 }, cx()), impl({ key: "a", x: 1 }, cx())]);
    expect(a).toBe(b);
    expect(computed).toBe(1);
    const hitCx = cx();
    await impl({ key: "a", x: 1 }, hitCx);
    expect(hitCx.cacheHit).toBe(true);
    await impl({ key: "b", x: 2 }, cx());
    await impl({ key: "c", x: 3 }, cx());
    expect(cache.stats()).toMatchObject({ misses: 3, hits: 1, coalesced: 1, evictions: 1, size: 2 });
    expect(cache.invalidate((k) => k === "c")).toBe(1);
    await impl({ key: "c", x: 3 }, cx());
    expect(computed).toBe(4);
  });

  it("does not cache failures", async () => {
    let calls = 0;
    const cache = cacheStrategy<{ key: string }, { v: number }>({ key: (i) => i.key, ttlMs: 60_000, max: 10, maxBytes: 1_000_000 });
    const impl = cache.wrap(async () => {
      calls++;
      if (calls === 1) throw new Error("first fails");
      return { v: 1 };
    });
    const cx = { key: "", shadow: false, cacheHit: false, progress: () => undefined };
    await expect(impl({ key: "a" }, cx)).rejects.toThrow("first fails");
    await expect(impl({ key: "a" }, cx)).resolves.toEqual({ v: 1 });
  });

  it("bounds the bytes it holds, not only the entries (large values evict older ones; one too big is not kept)", async () => {
    // 1,000 numbers ≈ 8 KB each by the estimate; 20 KB hold two of them.
    const cache = cacheStrategy<{ key: string; n: number }, { series: number[] }>({ key: (i) => i.key, ttlMs: 60_000, max: 1_000, maxBytes: 20_000 });
    const impl = cache.wrap(async (i) => ({ series: Array.from({ length: i.n }, (_, j) => j + 0.5) }));
    const cx = () => ({ key: "", shadow: false, cacheHit: false, progress: () => undefined });
    for (const key of ["a", "b", "c", "d"]) await impl({ key, n: 1_000 }, cx());
    expect(cache.stats().size).toBe(2);
    expect(cache.stats().bytes).toBeLessThanOrEqual(20_000);
    expect(cache.stats().bytes).toBeGreaterThan(16_000);
    expect(cache.peek({ key: "d", n: 1_000 })).toBeDefined();
    expect(cache.peek({ key: "a", n: 1_000 })).toBeUndefined();
    // Larger than the whole bound: answered, not kept, and nothing else is pushed out for it.
    const huge = await impl({ key: "huge", n: 10_000 }, cx());
    expect(huge.series).toHaveLength(10_000);
    expect(cache.peek({ key: "huge", n: 10_000 })).toBeUndefined();
    expect(cache.stats().size).toBe(2);
  });

  it("estimates bytes within a small factor of the JSON size for indicator-like series", () => {
    const points = Array.from({ length: 500 }, (_, i) => ({ date: `2019-01-${String(i % 28).padStart(2, "0")}`, sma: i * 1.5, rsi: 50.25 }));
    const est = estimateBytes({ symbol: "AAPL", points });
    const jsonBytes = JSON.stringify({ symbol: "AAPL", points }).length;
    expect(est / jsonBytes).toBeGreaterThan(0.5);
    expect(est / jsonBytes).toBeLessThan(6);
  });
});
