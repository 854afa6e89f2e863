import type { Engine } from "../engine";
import { strategiesOf } from "../operation";
import type { CatalogEntry } from "./types";

/** The autopilot's view of the engine's operations: strategies and whether shadow runs happen. */
export function catalogFromEngine(engine: Engine, busyMs?: Record<string, number>): CatalogEntry[] {
  return engine.operations().map((op) => ({
    name: op.name,
    strategies: strategiesOf(op),
    // Mirrors Engine.call: shadow runs need an equivalence check and no non-idempotent side effects.
    canShadow: op.equivalent !== undefined && (!op.sideEffects || op.idempotent === true),
    busyMs: busyMs?.[op.name],
  }));
}
