import { describe, expect, it } from "vitest";
import { chartRangeParams, parseChartRange, rangeBounds, usesSamples } from "./chart-range";
import { FrameBuilder } from "./chart-series";
import type { MetricPoint } from "./metric-points";
import { assignVariantStyles } from "./variant-style";

const pt = (t: number, variant: string, p95: number | null, memBytes: number | null = null): MetricPoint => ({
  t,
  variant,
  count: 1,
  p50: p95,
  p95,
  rate: 1,
  memBytes,
});

describe("chart frames", () => {
  it("lays per-second points into aligned columns with nulls for empty seconds", () => {
    const f = new FrameBuilder().build(
      [pt(10_000, "baseline", 5), pt(12_000, "memory", 3), pt(12_000, "baseline", 7)],
      ["baseline", "memory"],
      10_000,
      13_000,
      1000,
      500,
    );
    expect(Array.from(f.x)).toEqual([10, 11, 12, 13]);
    expect(f.y.p95).toEqual([
      [5, null, 7, null],
      [null, null, 3, null],
    ]);
    expect(f.nonNull.p95).toEqual([2, 1]);
    expect(f.nonNull.memBytes).toEqual([0, 0]);
  });

  it("reuses its columns for the next frame of the same length and clears them", () => {
    const b = new FrameBuilder();
    const first = b.build([pt(0, "baseline", 1)], ["baseline"], 0, 2000, 1000, 500);
    const col = first.y.p95[0];
    const second = b.build([pt(2000, "baseline", 9)], ["baseline"], 0, 2000, 1000, 500);
    expect(second.y.p95[0]).toBe(col);
    expect(second.y.p95[0]).toEqual([null, null, 9]);
  });

  it("merges buckets beyond the pixel width and keeps each merged slot's lowest and highest value", () => {
    // 24 h of minutes on a 100 px plot: 1,441 buckets → slots of 29 buckets, two x positions each.
    const day = 86_400_000;
    const points = [pt(0, "baseline", 10), pt(60_000, "baseline", 500), pt(120_000, "baseline", 20)];
    const f = new FrameBuilder().build(points, ["baseline"], 0, day, 60_000, 100);
    expect(f.merged).toBe(29);
    expect(f.x.length).toBe(2 * Math.ceil(1441 / 29));
    expect(f.y.p95[0]!.slice(0, 2)).toEqual([10, 500]);
    expect(f.x.length).toBeLessThanOrEqual(100);
  });

  it("leaves out points outside the range and variants not listed", () => {
    const f = new FrameBuilder().build([pt(-1000, "baseline", 1), pt(5000, "baseline", 1), pt(0, "other", 1)], ["baseline"], 0, 2000, 1000, 500);
    expect(f.nonNull.p95).toEqual([0]);
  });
});

describe("chart range in the URL", () => {
  it("round-trips presets and custom ranges, keeping other params", () => {
    const custom = { kind: "custom" as const, from: Date.UTC(2026, 10, 30, 8), to: Date.UTC(2026, 10, 30, 9) };
    const qs = chartRangeParams(custom, new URLSearchParams("tab=x"));
    expect(qs.get("tab")).toBe("x");
    expect(parseChartRange(qs)).toEqual(custom);
    expect(parseChartRange(chartRangeParams({ kind: "24h" }, qs))).toEqual({ kind: "24h" });
    expect(chartRangeParams({ kind: "live" }, qs).has("range")).toBe(false);
  });

  it("falls back to live for malformed, inverted or overlong custom ranges", () => {
    expect(parseChartRange(new URLSearchParams("range=custom&from=x&to=y"))).toEqual({ kind: "live" });
    expect(parseChartRange(new URLSearchParams("range=custom&from=2026-11-30T09:00:00Z&to=2026-11-30T08:00:00Z"))).toEqual({ kind: "live" });
    expect(parseChartRange(new URLSearchParams("range=custom&from=2026-01-01T00:00:00Z&to=2026-11-30T00:00:00Z"))).toEqual({ kind: "live" });
    expect(parseChartRange(new URLSearchParams("range=week"))).toEqual({ kind: "live" });
  });

  it("draws short custom ranges from samples and long ones from rollups", () => {
    expect(usesSamples({ kind: "custom", from: 0, to: 10 * 60_000 })).toBe(true);
    expect(usesSamples({ kind: "custom", from: 0, to: 60 * 60_000 })).toBe(false);
    expect(usesSamples({ kind: "1h" })).toBe(false);
    expect(rangeBounds({ kind: "1h" }, 7_200_000)).toEqual({ from: 3_600_000, to: 7_200_000 });
  });
});

describe("variant colours on one page", () => {
  it("gives every variant its own colour, the baseline grey and dashed, and keeps colours as variants appear", () => {
    const first = assignVariantStyles(["baseline", "memory", "memory+cache"]);
    expect(first.get("baseline")!.dash).toBeDefined();
    expect(first.get("memory")!.color).not.toBe(first.get("memory+cache")!.color);
    const next = assignVariantStyles(["baseline", "cache", "memory", "memory+cache", "a", "b", "c"], first);
    for (const v of ["memory", "memory+cache"]) expect(next.get(v)).toBe(first.get(v));
    const colours = [...next].filter(([v]) => v !== "baseline").map(([, s]) => s.color);
    expect(new Set(colours).size).toBe(colours.length);
  });

  it("stays distinct beyond the palette by changing the dash", () => {
    const many = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const m = assignVariantStyles(many);
    const looks = [...m.values()].map((s) => `${s.color}|${s.dash ?? ""}`);
    expect(new Set(looks).size).toBe(looks.length);
  });
});
