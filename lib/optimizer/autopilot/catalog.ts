import type { Engine } from "../engine";
import type { Strategy } from "../types";
import type { CatalogEntry } from "./types";

/** The autopilot's view of the engine's operations: strategies and whether shadow runs happen. */
export function catalogFromEngine(engine: Engine, busyMs?: Record<string, number>): CatalogEntry[] {
  return engine.operations().map((op) => ({
    name: op.name,
    strategies: [...(op.optimizations ?? []).map((o) => o.strategy as Strategy), ...(op.queueable ? (["queue"] as const) : [])],
    // Mirrors Engine.call: shadow runs need an equivalence check and no non-idempotent side effects.
    canShadow: op.equivalent !== undefined && (!op.sideEffects || op.idempotent === true),
    busyMs: busyMs?.[op.name],
  }));
}
