/** Raw samples as the API lists them. */
import type { Outcome } from "../optimizer/types";

/** One recorded call (table `sample`). */
export interface SampleView {
  at: Date;
  operation: string;
  variant: string;
  durationMs: number;
  memoryBytes: number | null;
  outcome: Outcome;
  cacheHit: boolean;
  shadow: boolean;
  instance: string;
  keyHash: number;
}
