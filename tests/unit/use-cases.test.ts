import { describe, expect, it } from "vitest";
import { analysePhase, phaseInformationTarget, type AnalysedPhase } from "../../lib/optimizer/analysis/live-analysis";
import { benchmarkProblem } from "../../lib/optimizer/benchmark";
import { defineOperation } from "../../lib/optimizer/operation";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import { createRng, standardNormal } from "../../lib/optimizer/stats/rng";

// The use-cases that moved into lib/optimizer behind ports, tested without Postgres.

describe("benchmark validation", () => {
  const reader = defineOperation({
    name: "toy.read",
    service: "toy",
    title: "read",
    key: () => "k",
    sideEffects: false,
    strategies: [replaceStrategy<unknown, number>("memory", "m", async () => 1)],
    baseline: async () => 1,
  });
  const writer = defineOperation({ name: "toy.write", service: "toy", title: "write", key: () => "k", sideEffects: true, baseline: async () => 1 });

  it("accepts a strategy the operation has, and says why otherwise", () => {
    expect(benchmarkProblem(reader, reader.name, ["memory"])).toBeNull();
    expect(benchmarkProblem(reader, reader.name, ["identity"])).toBeNull();
    expect(benchmarkProblem(undefined, "toy.nope", ["memory"])).toMatchObject({ code: "not_found" });
    expect(benchmarkProblem(writer, writer.name, ["identity"])).toMatchObject({ code: "conflict" });
    expect(benchmarkProblem(reader, reader.name, ["async", "memory"])).toMatchObject({ code: "validation_failed", message: expect.stringContaining("async") });
  });
});

describe("live analysis of a phase", () => {
  const start = 1_800_000_000_000;
  const phase: AnalysedPhase = {
    optimizationId: "toy.read:memory",
    operation: "toy.read",
    strategy: "memory",
    state: "canary",
    percent: 25,
    phase: 3,
    startedAt: start,
  };
  const samples = (minutes: number, slowdown: number, seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: minutes * 600 }, (_, i) => {
      const optimized = rng() < 0.25;
      return { at: start + i * 100, durationMs: Math.exp(3 + 0.4 * standardNormal(rng)) * (optimized ? slowdown : 1), ok: true, optimized };
    });
  };

  it("tunes the boundary from the traffic before the phase and keeps it; only closed blocks count", () => {
    const a = analysePhase(phase, samples(5, 1, 1), start + 5 * 60_000 + 10_000, { previous: null, callsInFiveMinutesBefore: 3_000 });
    expect(a.informationTarget).toBeCloseTo(phaseInformationTarget(phase, 3_000), 9);
    expect(a.blocks).toBe(10);
    expect(a.windowTo).toBe(start + 5 * 60_000);
    const later = analysePhase(phase, samples(6, 1, 1), start + 6 * 60_000, { previous: a, callsInFiveMinutesBefore: 0 });
    expect(later.informationTarget).toBe(a.informationTarget);
  });

  it("issues a verdict once and keeps it as it was (estimate and interval included)", () => {
    const first = analysePhase(phase, samples(3, 1.5, 2), start + 3 * 60_000, { previous: null, callsInFiveMinutesBefore: 3_000 });
    expect(first.verdict).toBe("slower");
    expect(first.ratioLow!).toBeGreaterThan(1);
    const again = analysePhase(phase, samples(10, 1, 3), start + 10 * 60_000, { previous: first, callsInFiveMinutesBefore: 3_000 });
    expect(again).toBe(first);
  });
});
