import { describe, expect, it } from "vitest";
import { agreement } from "../../components/operation/result/agreement";
import type { AxisInterval } from "../../components/operation/result/ratio-axis";

const iv = (kind: AxisInterval["kind"], low: number, high: number): AxisInterval => ({ kind, label: kind, ratio: (low + high) / 2, low, high });

describe("result card: live analysis against the latest benchmark", () => {
  it("two faster results of different sizes differ, they do not contradict (the walk's −94.5% benchmark against −98.1% live)", () => {
    expect(agreement(iv("live", 0.018, 0.021), iv("benchmark", 0.049, 0.064))).toBe("differ");
  });

  it("faster against slower, and a clear change against none detectable, contradict", () => {
    expect(agreement(iv("live", 1.05, 1.2), iv("benchmark", 0.5, 0.6))).toBe("contradict");
    expect(agreement(iv("live", 0.97, 1.03), iv("benchmark", 0.5, 0.6))).toBe("contradict");
  });

  it("says nothing when the intervals overlap or one is missing", () => {
    expect(agreement(iv("live", 0.5, 0.9), iv("benchmark", 0.8, 0.95))).toBeNull();
    expect(agreement(iv("live", 0.5, 0.9), null)).toBeNull();
    expect(agreement({ kind: "live", label: "live", ratio: null, low: null, high: null }, iv("benchmark", 0.8, 0.95))).toBeNull();
  });
});
