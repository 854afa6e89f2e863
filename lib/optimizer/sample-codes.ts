/** Compact codes of a sample's outcome and flags, shared by the ring buffer and the live window. */
import type { Outcome } from "./types";

/** Outcome codes stored in the ring (index = code). */
export const OUTCOMES: readonly Outcome[] = ["ok", "error", "fallback", "timeout"];
/** Bit in `flags`: the call was served from cache. */
export const FLAG_CACHE_HIT = 1;
/** Bit in `flags`: a shadow run (measured for comparison, result not returned). */
export const FLAG_SHADOW = 2;

/** Maps an outcome string to its code; anything unknown counts as an error (the conservative reading). */
export function outcomeCode(o: Outcome): number {
  return o === "ok" ? 0 : o === "error" ? 1 : o === "fallback" ? 2 : o === "timeout" ? 3 : 1;
}
