import { seedFor } from "./assignment";
import { checkTransition, percentOf } from "./transitions";
import { MASTER_SWITCHES, type Actor, type OptimizationStore, type MasterSwitchName, type OptimizationState, type StateChange, type Strategy } from "./types";

export interface AuditEntry {
  id: string;
  actor: Actor;
  before: OptimizationState;
  after: OptimizationState;
  evidence?: unknown;
}

/** An in-memory optimization store with the same transition rules as the Postgres one (tests, tools). */
export class MemoryOptimizationStore implements OptimizationStore {
  readonly states = new Map<string, OptimizationState>();
  readonly switches = Object.fromEntries(MASTER_SWITCHES.map((s) => [s, true])) as Record<MasterSwitchName, boolean>;
  readonly audit: AuditEntry[] = [];

  constructor(private readonly onChange?: () => void) {}

  /** Adds an optimization in state `off`. */
  add(operation: string, strategy: Strategy): OptimizationState {
    const id = `${operation}:${strategy}`;
    const st: OptimizationState = {
      id,
      operation,
      strategy,
      state: "off",
      percent: 0,
      seed: seedFor(id),
      reason: null,
      version: 0,
      updatedAt: new Date(0).toISOString(),
      updatedBy: "system",
    };
    this.states.set(id, st);
    return st;
  }

  async load() {
    return { optimizations: [...this.states.values()], switches: { ...this.switches } };
  }

  async setState(id: string, change: StateChange, actor: Actor, evidence?: unknown): Promise<OptimizationState> {
    const before = this.states.get(id);
    if (!before) throw new Error(`unknown optimization ${id}`);
    const problem = checkTransition(before, change);
    if (problem) throw new Error(problem);
    const after: OptimizationState = {
      ...before,
      state: change.state,
      percent: change.state === "canary" ? change.percent! : percentOf(change.state),
      reason: change.reason ?? null,
      version: before.version + 1,
      updatedAt: new Date().toISOString(),
      updatedBy: actor.name,
    };
    this.states.set(id, after);
    this.audit.push({ id, actor, before, after, evidence });
    this.onChange?.();
    return after;
  }
}
