import type { AxisInterval } from "./ratio-axis";

/** Where a ratio interval lies against no change (ratio 1). */
type Side = "faster" | "slower" | "either";

function sideOf(iv: { low: number; high: number }): Side {
  return iv.high < 1 ? "faster" : iv.low > 1 ? "slower" : "either";
}

/**
 * How the live analysis and the latest benchmark compare. `contradict`: their intervals do not
 * overlap and say different things (faster against slower, or a clear change against none
 * detectable); `differ`: they do not overlap but say the same thing with different sizes (a
 * benchmark −94% against live −98% is no contradiction: its inputs are not the production
 * traffic, so its size is not live traffic's). Null when they overlap or one has no interval.
 */
export function agreement(live: AxisInterval, bench: AxisInterval | null): "contradict" | "differ" | null {
  if (!bench || live.low === null || live.high === null || bench.low === null || bench.high === null) return null;
  const a = { low: live.low, high: live.high };
  const b = { low: bench.low, high: bench.high };
  if (a.low <= b.high && b.low <= a.high) return null;
  return sideOf(a) === sideOf(b) ? "differ" : "contradict";
}
