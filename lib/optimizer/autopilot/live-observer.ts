import { FLAG_SHADOW, type LiveWindow } from "../recorder";
import type { Strategy } from "../types";
import type { RolloutObservations, RolloutObserver } from "./types";

/**
 * A rollout observer over the recorder's live window (this process's recent samples): enough for
 * a single instance and for tests; several instances should observe through the database.
 * `mismatches` counts shadow mismatches of the operation in the window (from the engine's events).
 */
export function liveRolloutObserver(live: LiveWindow, mismatches: (operation: string, fromMs: number, toMs: number) => number): RolloutObserver {
  return {
    async observe(operation: string, strategy: Strategy, fromMs: number, toMs: number): Promise<RolloutObservations> {
      const base: number[] = [];
      const opt: number[] = [];
      const baseMem: number[] = [];
      const optMem: number[] = [];
      let shadowRuns = 0;
      let shadowFailures = 0;
      for (const ring of live.rings()) {
        if (ring.operation !== operation) continue;
        const isBase = ring.variant === "baseline";
        if (!isBase && !ring.variant.split("+").includes(strategy)) continue;
        const s = ring.slice(fromMs, toMs);
        for (let i = 0; i < s.length; i++) {
          const ok = s.outcome[i] === 0;
          if ((s.flags[i]! & FLAG_SHADOW) !== 0) {
            shadowRuns++;
            if (!ok) shadowFailures++;
            continue;
          }
          if (!ok) continue;
          (isBase ? base : opt).push(s.durationMs[i]!);
          const m = s.memoryBytes[i]!;
          if (m === m) (isBase ? baseMem : optMem).push(m);
        }
      }
      return {
        baseline: Float64Array.from(base),
        optimized: Float64Array.from(opt),
        baselineMemory: Float64Array.from(baseMem),
        optimizedMemory: Float64Array.from(optMem),
        shadowRuns,
        shadowFailures,
        mismatches: mismatches(operation, fromMs, toMs),
      };
    },
  };
}
