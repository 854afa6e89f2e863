import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { batchSample, FLAG_SHADOW, LiveWindow, OUTCOMES, OVERFLOW_NAME, perSecondAggregates, SampleRecorder } from "../../lib/optimizer/recorder";
import type { Outcome, SampleInput } from "../../lib/optimizer/types";

const T0 = Date.UTC(2024, 5, 3, 14, 30, 0);

function sample(i: number, over: Partial<SampleInput> = {}): SampleInput {
  return {
    at: T0 + i,
    operation: `op${i % 3}`,
    variant: i % 2 ? "cache" : "baseline",
    durationMs: i + 0.25,
    memoryBytes: i % 4 === 0 ? null : i * 100,
    outcome: OUTCOMES[i % 4]!,
    cacheHit: i % 5 === 0,
    shadow: i % 7 === 0,
    keyHash: i * 2_654_435_761,
    ...over,
  };
}

describe("SampleRecorder ring buffer", () => {
  it("drains in recording order with every field intact and monotonically increasing seq", () => {
    const r = new SampleRecorder({ capacity: 16 });
    const input = Array.from({ length: 10 }, (_, i) => sample(i));
    input.forEach((s) => r.record(s));
    expect(r.peekCount).toBe(10);
    const b = r.drain(4);
    expect(b.length).toBe(4);
    expect(r.peekCount).toBe(6);
    const rest = r.drain(100);
    expect(rest.length).toBe(6);
    const out = [...Array.from({ length: 4 }, (_, i) => batchSample(b, i)), ...Array.from({ length: 6 }, (_, i) => batchSample(rest, i))];
    out.forEach((o, i) => {
      const { seq, ...fields } = o;
      expect(seq).toBe(i);
      // keyHash is stored as int32, as the column is.
      expect(fields).toEqual({ ...input[i], keyHash: input[i]!.keyHash | 0 });
    });
    expect(r.drain(5).length).toBe(0);
    expect(r.stats()).toMatchObject({ buffered: 0, recorded: 10, dropped: 0, drained: 10 });
  });

  it("wraps around the end of the ring across interleaved record/drain", () => {
    const r = new SampleRecorder({ capacity: 5, liveWindow: false });
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 7; round++) {
      for (let k = 0; k < 3; k++) r.record(sample(next++));
      const b = r.drain(round % 2 ? 2 : 4); // at most 4 of 5 slots used: no drops, positions wrap
      for (let i = 0; i < b.length; i++) seen.push(b.seq[i]!);
    }
    const b = r.drain();
    for (let i = 0; i < b.length; i++) seen.push(b.seq[i]!);
    expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(r.stats().dropped).toBe(0);
  });

  it("drain() takes at most what is buffered, whatever max is", () => {
    const r = new SampleRecorder({ capacity: 8 });
    for (let i = 0; i < 5; i++) r.record(sample(i));
    expect(r.drain(0).length).toBe(0);
    expect(r.drain(Number.NaN).length).toBe(0);
    expect(r.drain(-3).length).toBe(0);
    expect(r.drain(1.9).length).toBe(1);
    expect(r.drain(Infinity).length).toBe(4);
  });

  it("when full overwrites the oldest samples and counts them as dropped", () => {
    const r = new SampleRecorder({ capacity: 4 });
    for (let i = 0; i < 11; i++) r.record(sample(i));
    expect(r.stats()).toMatchObject({ buffered: 4, recorded: 11, dropped: 7 });
    const b = r.drain();
    expect(Array.from(b.seq)).toEqual([7, 8, 9, 10]);
    expect(Array.from(b.durationMs)).toEqual([7.25, 8.25, 9.25, 10.25]);
  });

  it("interns operation and variant names into stable small ids, with a cap", () => {
    const r = new SampleRecorder({ capacity: 64, maxNames: 3 });
    for (const op of ["a", "b", "a", "c", "a", "d", "e"]) r.record(sample(1, { operation: op, variant: "v" }));
    const b = r.drain();
    expect(Array.from(b.operationId)).toEqual([0, 1, 0, 2, 0, 3, 3]);
    expect(b.operations).toEqual(["a", "b", "c", OVERFLOW_NAME]);
    expect(b.variants).toEqual(["v"]);
  });

  it("rejects invalid samples without throwing and keeps seq dense", () => {
    const r = new SampleRecorder({ capacity: 8 });
    r.record(sample(0, { at: NaN }));
    r.record(sample(1, { durationMs: -1 }));
    r.record(sample(2, { durationMs: Infinity }));
    r.record(null as unknown as SampleInput);
    r.record(sample(3));
    expect(r.stats()).toMatchObject({ recorded: 1, rejected: 4, buffered: 1 });
    expect(r.drain().seq[0]).toBe(0);
  });

  it("does not allocate per record in steady state (no GC during 3M records)", () => {
    // In a fresh process: JIT feedback from the other tests here (polymorphic inputs, the
    // exception path) would not be representative of the engine's single call site.
    const script = `
      const { SampleRecorder } = await import(${JSON.stringify(path.resolve("lib/optimizer/recorder.ts"))});
      const T0 = ${T0};
      const outcomes = ["ok", "error", "fallback", "timeout"];
      // Preallocated inputs of one shape (as the engine builds them) with mixed operations,
      // variants, outcomes, null and non-null memory and seconds: the loop itself allocates nothing.
      const inputs = Array.from({ length: 4096 }, (_, i) => ({
        at: T0 + i * 0.37, operation: "op" + (i % 3), variant: i % 2 ? "cache" : "baseline", durationMs: i + 0.25,
        memoryBytes: i % 4 === 0 ? null : i * 100.5, outcome: outcomes[i % 4], cacheHit: i % 5 === 0, shadow: i % 7 === 0, keyHash: i * 7,
      }));
      const r = new SampleRecorder({ capacity: 1024 });
      for (let i = 0; i < 200000; i++) r.record(inputs[i & 4095]); // warm up: JIT, interning, live rings
      const gcs = [];
      const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => gcs.push(e.startTime)));
      obs.observe({ entryTypes: ["gc"] });
      const t0 = performance.now();
      for (let i = 0; i < 3000000; i++) r.record(inputs[i & 4095]);
      const t1 = performance.now();
      await new Promise((res) => setTimeout(res, 50)); // gc entries are delivered asynchronously
      obs.disconnect();
      console.log(JSON.stringify({ gcs: gcs.filter((t) => t >= t0 && t <= t1).length, recorded: r.stats().recorded }));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    const res = JSON.parse(out.trim().split("\n").pop()!) as { gcs: number; recorded: number };
    // Even 16 bytes per record would be 48 MB of garbage: several young-generation collections
    // (measured: 49 when double arguments were boxed on a non-inlined call).
    expect(res).toEqual({ gcs: 0, recorded: 3_200_000 });
  });
});

describe("LiveWindow", () => {
  it("keeps the last N per (operation, variant) in order, filtered by time", () => {
    const r = new SampleRecorder({ capacity: 8, liveWindow: 5 });
    for (let i = 0; i < 12; i++) r.record(sample(i, { operation: "op", variant: i % 2 ? "cache" : "baseline", durationMs: i }));
    expect(Array.from(r.recentDurations("op", "baseline", 0))).toEqual([2, 4, 6, 8, 10]);
    expect(Array.from(r.recentDurations("op", "cache", T0 + 6))).toEqual([7, 9, 11]);
    expect(r.recentDurations("op", "nope", 0).length).toBe(0);
    expect(r.recentDurations("other", "cache", 0).length).toBe(0);
    // The ring buffer dropping samples does not affect the live window (and vice versa).
    expect(r.stats().dropped).toBe(4);
  });

  it("recent() carries outcome, memory and flags", () => {
    const w = new LiveWindow(10);
    w.record(sample(0, { operation: "o", variant: "v", outcome: "timeout", memoryBytes: null, shadow: true }));
    w.record(sample(1, { operation: "o", variant: "v", outcome: "ok", memoryBytes: 5 }));
    const s = w.recent("o", "v", 0);
    expect(Array.from(s.outcome)).toEqual([3, 0]);
    expect(Number.isNaN(s.memoryBytes[0]!)).toBe(true);
    expect(s.memoryBytes[1]).toBe(5);
    expect(s.flags[0]! & FLAG_SHADOW).toBe(FLAG_SHADOW);
  });

  it("stops creating rings beyond maxPairs", () => {
    const w = new LiveWindow(4, 2);
    for (const op of ["a", "b", "c"]) w.record(sample(0, { operation: op, variant: "v" }));
    expect([...w.rings()].map((r) => r.operation)).toEqual(["a", "b"]);
  });
});

describe("perSecondAggregates", () => {
  it("reports the last completed second per operation and variant, exact counts even past the ring size", () => {
    const w = new LiveWindow(100);
    const sec = T0 + 5_000; // a second boundary
    const rec = (at: number, durationMs: number, outcome: Outcome, memoryBytes: number | null, variant = "baseline") =>
      w.record({ at, operation: "quote", variant, durationMs, memoryBytes, outcome, cacheHit: false, shadow: false, keyHash: 0 });
    rec(sec - 10, 999, "ok", null); // previous second: excluded
    // 150 calls in the second [sec, sec+1000): durations 1..150; 5 errors, 3 fallbacks/timeouts.
    for (let i = 1; i <= 150; i++) {
      const outcome: Outcome = i <= 5 ? "error" : i <= 7 ? "fallback" : i === 8 ? "timeout" : "ok";
      rec(sec + Math.floor((i - 1) * 6.5), i, outcome, i % 2 ? 1000 : null);
    }
    rec(sec + 400, 7, "ok", 10, "cache");
    rec(sec + 1_000, 5_000, "ok", null); // the current (incomplete) second: excluded
    const agg = perSecondAggregates(w, sec + 1_500);
    const base = agg.find((a) => a.variant === "baseline")!;
    expect(base).toMatchObject({ operation: "quote", second: sec, count: 150, errors: 5, fallbacks: 3, memoryMeanBytes: 1000 });
    // The ring holds the last 100 samples: 99 of that second (durations 52..150) remain for percentiles.
    expect(base.latencySamples).toBe(99);
    // Nearest-rank: p50 = rank ⌈0.5·99⌉ = 50 → 101; p95 = rank ⌈0.95·99⌉ = 95 → 146.
    expect(base.p50Ms).toBe(101);
    expect(base.p95Ms).toBe(146);
    const cache = agg.find((a) => a.variant === "cache")!;
    expect(cache).toMatchObject({ count: 1, p50Ms: 7, p95Ms: 7, memoryMeanBytes: 10 });
    expect(agg).toHaveLength(2);
    // Two seconds later nothing is reported for that second.
    expect(perSecondAggregates(w, sec + 3_500)).toEqual([]);
  });

  it("works from a SampleRecorder and counts late samples into the previous second", () => {
    const r = new SampleRecorder({ capacity: 16 });
    const sec = T0 + 10_000;
    const s = (at: number, d: number) => ({ ...sample(0), operation: "x", variant: "v", at, durationMs: d, outcome: "ok" as const, memoryBytes: null });
    r.record(s(sec + 100, 1));
    r.record(s(sec + 1_001, 2)); // rolls over to the next second
    r.record(s(sec + 999, 3)); // ends a few ms late: still counted in its own second
    const [a] = r.perSecondAggregates(sec + 1_200);
    // Durations 1 and 3: the nearest-rank median of two values is the lower one.
    expect(a).toMatchObject({ count: 2, latencySamples: 2, p50Ms: 1, memoryMeanBytes: null });
  });
});
