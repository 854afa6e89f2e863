/**
 * The in-memory side of fault injection: the active faults indexed for the engine's per-call
 * lookup. No database here (faults.ts loads and refreshes it), so tests use it directly.
 */
import type { Clock } from "../../../optimizer/monitor/clock";
import type { ActiveFault, FaultLookup } from "../../../optimizer/types";

export const FAULT_KINDS = ["latency", "error", "memory"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A stored fault: one kind, on one variant of one operation, for a time window. */
export interface FaultDefinition {
  id: string;
  operation: string;
  variant: string;
  kind: FaultKind;
  /** latency: ms (absolute) or percent of the variant's recent median (relative); error: probability; memory: MB held per call. */
  amount: number;
  mode: "absolute" | "relative";
  startsAt: number;
  endsAt: number;
  createdBy: string;
}

interface Compiled extends FaultDefinition {
  /** Median the relative latency applies to, frozen at the fault's first active call. */
  baseMedianMs: number | null;
}

const MiB = 1_048_576;

/** Active faults by operation and variant, with the engine's `FaultLookup`. */
export class FaultIndex {
  private byOperation = new Map<string, Map<string, Compiled[]>>();
  private medianOf: ((operation: string, variant: string) => number | null) | null;

  constructor(
    private readonly clock: Clock,
    medianOf?: (operation: string, variant: string) => number | null,
  ) {
    this.medianOf = medianOf ?? null;
  }

  /** Where relative latency faults read the variant's recent median (e.g. the recorder's live window). */
  setMedianSource(fn: (operation: string, variant: string) => number | null): void {
    this.medianOf = fn;
  }

  /** Replaces the index with these faults (expired ones are dropped), keeping frozen medians. */
  replace(faults: readonly FaultDefinition[]): void {
    const now = this.clock.now();
    const frozen = new Map<string, number | null>();
    for (const byVariant of this.byOperation.values()) for (const list of byVariant.values()) for (const f of list) frozen.set(f.id, f.baseMedianMs);
    const next = new Map<string, Map<string, Compiled[]>>();
    for (const f of faults) {
      if (f.endsAt <= now) continue;
      let byVariant = next.get(f.operation);
      if (!byVariant) next.set(f.operation, (byVariant = new Map()));
      let list = byVariant.get(f.variant);
      if (!list) byVariant.set(f.variant, (list = []));
      list.push({ ...f, baseMedianMs: frozen.get(f.id) ?? null });
    }
    this.byOperation = next;
  }

  /** Number of indexed faults (active or scheduled). */
  get size(): number {
    let n = 0;
    for (const byVariant of this.byOperation.values()) for (const list of byVariant.values()) n += list.length;
    return n;
  }

  /**
   * The engine's per-call hook. Without faults on the operation this is one Map miss and no
   * allocation (the budget of the engine's call path is ≤ 500 ns); the clock is read only when
   * the operation has faults. Several active faults on one variant add up.
   */
  readonly lookup: FaultLookup = (operation, variant, durationHintMs) => {
    const byVariant = this.byOperation.get(operation);
    if (byVariant === undefined) return null;
    const list = byVariant.get(variant);
    if (list === undefined) return null;
    const now = this.clock.now();
    let delayMs = 0;
    let pass = 1;
    let holdBytes = 0;
    let any = false;
    for (const f of list) {
      if (now < f.startsAt || now >= f.endsAt) continue;
      any = true;
      if (f.kind === "error") pass *= 1 - f.amount;
      else if (f.kind === "memory") holdBytes += Math.round(f.amount * MiB);
      else if (f.mode === "absolute") delayMs += f.amount;
      else {
        // Frozen at first use: recomputing from samples the fault itself slowed would compound it.
        if (f.baseMedianMs === null) f.baseMedianMs = durationHintMs > 0 ? durationHintMs : (this.medianOf?.(operation, variant) ?? null);
        if (f.baseMedianMs !== null) delayMs += (f.baseMedianMs * f.amount) / 100;
      }
    }
    if (!any) return null;
    const fault: ActiveFault = { delayMs, errorRate: 1 - pass, holdBytes };
    return fault;
  };
}
