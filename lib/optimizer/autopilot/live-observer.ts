import { FLAG_SHADOW, type LiveWindow } from "../recorder";
import type { Strategy } from "../types";
import type { RolloutObservations, RolloutObserver, RolloutSample } from "./types";

/**
 * A rollout observer over the recorder's live window (this process's recent samples): enough for
 * a single instance and for tests; several instances should observe through the database.
 * `mismatches` counts shadow mismatches of the operation in the window (from the engine's events).
 */
export function liveRolloutObserver(live: LiveWindow, mismatches: (operation: string, fromMs: number, toMs: number) => number): RolloutObserver {
  return {
    async observe(operation: string, strategy: Strategy, fromMs: number, toMs: number): Promise<RolloutObservations> {
      const samples: RolloutSample[] = [];
      let callsBefore = 0;
      let shadowRuns = 0;
      let shadowFailures = 0;
      for (const ring of live.rings()) {
        if (ring.operation !== operation) continue;
        const before = ring.slice(fromMs - 300_000, fromMs);
        for (let i = 0; i < before.length; i++) if ((before.flags[i]! & FLAG_SHADOW) === 0) callsBefore++;
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
          samples.push({ at: s.at[i]!, durationMs: s.durationMs[i]!, ok, optimized: !isBase, memoryBytes: s.memoryBytes[i]! });
        }
      }
      samples.sort((a, b) => a.at - b.at);
      return { samples, callsBefore, shadowRuns, shadowFailures, mismatches: mismatches(operation, fromMs, toMs) };
    },
  };
}
