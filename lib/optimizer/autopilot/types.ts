import type { PhaseSample } from "../analysis/blocks";

/**
 * The vocabulary of the autopilot: guarded rollouts, the findings that start them, and the
 * ports through which it observes samples and stores its rollouts.
 */
import type { Strategy } from "../types";

export const ROLLOUT_STATES = ["active", "completed", "rolled_back", "aborted"] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/** `shadow`, `canary_<percent>`, `on`, or the terminal `rolled_back` / `aborted`. */
export type RolloutStep = string;

export type DecisionAction = "start" | "hold" | "advance" | "rollback" | "abort" | "complete" | "external";

/** One decision of the autopilot about a rollout, with its reason and evidence (the "why"). */
export interface RolloutDecision {
  at: number;
  action: DecisionAction;
  from: RolloutStep;
  to: RolloutStep;
  reason: string;
  evidence: Record<string, unknown>;
}

/** One guarded rollout of one optimization (at most one active per operation). */
export interface Rollout {
  id: string;
  operation: string;
  strategy: Strategy;
  /** The monitor rule that started it, e.g. `memory_high`. */
  rule: string;
  step: RolloutStep;
  state: RolloutState;
  startedAt: number;
  stepSince: number;
  finishedAt: number | null;
  lastDecision: RolloutDecision | null;
}

/** A detected condition (a firing alert or a finding). */
export interface DetectedFinding {
  operation: string;
  variant: string;
  rule: string;
  summary: string;
  evidence: unknown;
}

/** One primary run in a rollout's step (its phase): arm, time, duration, outcome, memory (NaN = not measured). */
export interface RolloutSample extends PhaseSample {
  memoryBytes: number;
}

/** Samples of a rollout's operation since its step began: the baseline's and the optimized variants' primary runs. */
export interface RolloutObservations {
  /** Every primary (non-shadow) run of the baseline and of variants with the strategy, oldest first. */
  samples: RolloutSample[];
  /** Primary runs of the operation in the 5 minutes before the step began (tunes the analysis). */
  callsBefore: number;
  /** Shadow runs of a variant with the strategy, how many failed, and how many results differed. */
  shadowRuns: number;
  shadowFailures: number;
  mismatches: number;
}

export interface RolloutObserver {
  observe(operation: string, strategy: Strategy, fromMs: number, toMs: number): Promise<RolloutObservations>;
}

export interface RolloutStore {
  active(): Promise<Rollout[]>;
  /** The most recent rollout of this optimization, any state. */
  latest(operation: string, strategy: Strategy): Promise<Rollout | null>;
  list(limit: number): Promise<Rollout[]>;
  /** Stores a new active rollout unless the operation already has one; false when it has. */
  start(r: Rollout): Promise<boolean>;
  save(r: Rollout): Promise<void>;
}

/** What the autopilot may act on: operations, their strategies, whether they can be shadowed. */
export interface CatalogEntry {
  name: string;
  strategies: Strategy[];
  /** Shadow runs happen only with an equivalence check and no (non-idempotent) side effects. */
  canShadow: boolean;
  /** Total recent run time, to pick the operation for process-wide findings (CPU). */
  busyMs?: number;
}

/** In-memory rollouts (tests, tools), with the one-active-per-operation rule of the Postgres store. */
export class MemoryRolloutStore implements RolloutStore {
  readonly rollouts = new Map<string, Rollout>();

  async active() {
    return [...this.rollouts.values()].filter((r) => r.state === "active");
  }

  async latest(operation: string, strategy: Strategy) {
    const mine = [...this.rollouts.values()].filter((r) => r.operation === operation && r.strategy === strategy);
    return mine.sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;
  }

  async list(limit: number) {
    return [...this.rollouts.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, limit);
  }

  async start(r: Rollout) {
    if ([...this.rollouts.values()].some((x) => x.operation === r.operation && x.state === "active")) return false;
    this.rollouts.set(r.id, r);
    return true;
  }

  async save(r: Rollout) {
    this.rollouts.set(r.id, r);
  }
}
