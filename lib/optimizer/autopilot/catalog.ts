import type { Engine } from "../engine";
import { canShadow, strategiesOf } from "../operation";
import type { CatalogEntry } from "./types";

/** The autopilot's view of the engine's operations: strategies and whether shadow runs happen. */
export function catalogFromEngine(engine: Engine, busyMs?: Record<string, number>): CatalogEntry[] {
  return engine.operations().map((op) => ({
    name: op.name,
    strategies: strategiesOf(op),
    canShadow: canShadow(op),
    busyMs: busyMs?.[op.name],
  }));
}
