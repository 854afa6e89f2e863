/**
 * computeIndicatorsCompactInto reuses one scratch across symbols (the universe scans): its sets
 * must be bit-identical to fresh computeIndicatorsCompact ones, whatever was computed before —
 * longer and shorter series, other parameters — so no value of an earlier symbol leaks through.
 */
import { describe, expect, it } from "vitest";
import { computeIndicatorsCompact, computeIndicatorsCompactInto, createIndicatorScratch } from "../../lib/market/indicators/compact";
import { DEFAULT_INDICATOR_PARAMS, parseIndicatorParams } from "../../lib/market/indicators/params";
import { indicatorSetsEquivalent } from "../../lib/market/indicators/result";
import type { BarColumns } from "../../lib/market/types";

function walk(n: number, seed: number): BarColumns {
  let s = seed >>> 0 || 1;
  let p = 100;
  const close = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    p *= 1 + ((s >>> 0) / 2 ** 32 - 0.5) * 0.04;
    close[i] = p;
    high[i] = p * 1.01;
    low[i] = p * 0.985;
  }
  return { symbol: `W${seed}`, length: n, day: new Int32Array(n), open: close, high, low, close, volume: close };
}

describe("computeIndicatorsCompactInto", () => {
  it("gives the same sets, bit for bit, as fresh arrays, across lengths and parameters", () => {
    const other = parseIndicatorParams({ sma: [5, 30], ema: [9], rsi: 7, bollinger: { period: 10, k: 2.5 }, stochastic: { k: 5, d: 5 } });
    const scratch = createIndicatorScratch();
    const cases: [number, typeof DEFAULT_INDICATOR_PARAMS][] = [
      [1300, DEFAULT_INDICATOR_PARAMS],
      [40, DEFAULT_INDICATOR_PARAMS],
      [0, DEFAULT_INDICATOR_PARAMS],
      [1, other],
      [900, other],
      [250, DEFAULT_INDICATOR_PARAMS],
      [2000, DEFAULT_INDICATOR_PARAMS],
    ];
    for (const [k, [n, params]] of cases.entries()) {
      const cols = walk(n, k + 7);
      const into = computeIndicatorsCompactInto(cols, params, scratch);
      expect(into.rsi.length).toBe(n);
      expect(indicatorSetsEquivalent(computeIndicatorsCompact(cols, params), into, { relTol: 0, absTol: 0 }), `n=${n}`).toEqual({ equal: true });
    }
  });
});
