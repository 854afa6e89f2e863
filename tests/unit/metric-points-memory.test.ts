import { describe, expect, it } from "vitest";
import { pivot, pointsFromRollups, pointsFromSamples } from "../../lib/client/metric-points";
import type { Rollup, Sample } from "../../lib/client/api-types";

const sample = (at: string, memoryBytes: number | null) => ({ at, variant: "baseline", durationMs: 1, memoryBytes }) as unknown as Sample;

describe("memory points of the charts", () => {
  it("never draws a negative memory figure (a heap difference stored before the allocation meter)", () => {
    const t = "2026-12-01T10:00:00.000Z";
    const points = pointsFromSamples([sample(t, -5_000_000), sample(t, 3_000_000), sample(t, null), sample("2026-12-01T10:00:01.000Z", -1)]);
    // Second 1: the mean of the one valid figure (3 MB), not (−5 + 3) / 2; second 2: nothing measured.
    expect(points.map((p) => p.memBytes)).toEqual([3_000_000, null]);
    const rollups = [{ minute: t, variant: "baseline", count: 10, p50Ms: 1, p95Ms: 2, memoryMeanBytes: -42 * 1048576 }] as unknown as Rollup[];
    expect(pointsFromRollups(rollups)[0]!.memBytes).toBeNull();
    expect(pivot(pointsFromRollups(rollups), "memBytes")).toEqual([]);
  });
});
