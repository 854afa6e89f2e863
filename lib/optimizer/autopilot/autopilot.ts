/**
 * The autopilot (the original `AutoOptimizationManager`): detected findings start guarded
 * rollouts of the optimization that addresses them; every step goes through the optimization store with
 * its reason and evidence, attributed to `autopilot`.
 */
import type { Clock } from "../monitor/clock";
import { optimizationId } from "../operation";
import { SWITCH_OF, type Actor, type OptimizationStore, type OptimizationState, type Strategy } from "../types";
import type { AutopilotConfig } from "./config";
import { changeFor, decideRollout, stepsOf, type StepDecision } from "./rollout";
import type { DetectedFinding, CatalogEntry, Rollout, RolloutDecision, RolloutObserver, RolloutStore } from "./types";

export const AUTOPILOT_ACTOR: Actor = { name: "autopilot", role: "system" };

export interface AutopilotDeps {
  store: OptimizationStore;
  rollouts: RolloutStore;
  observer: RolloutObserver;
  clock: Clock;
  catalog: () => CatalogEntry[];
  config: () => AutopilotConfig;
  /** The global pause switch (setting `autopilot.paused`). */
  paused: () => Promise<boolean>;
  newId?: () => string;
  onDecision?: (rollout: Rollout, decision: RolloutDecision) => void;
}

/** What one tick decided (a type alias, so the job handler can return it as a JSON summary). */
export type TickResult = {
  paused: boolean;
  decisions: (RolloutDecision & { operation: string; strategy: Strategy })[];
  errors: { rollout: string; error: string }[];
};

const usesStrategy = (variant: string, strategy: Strategy) => variant.split("+").includes(strategy);

/** The autopilot; `tick` is called every minute with the currently detected (firing) findings. */
export class Autopilot {
  constructor(private readonly deps: AutopilotDeps) {}

  /** Advances, holds or rolls back every active rollout, then starts rollouts for new findings. */
  async tick(findings: readonly DetectedFinding[]): Promise<TickResult> {
    const result: TickResult = { paused: false, decisions: [], errors: [] };
    // Paused = no decisions at all: rollouts stay where they are; the guards still protect them.
    if (await this.deps.paused()) return { ...result, paused: true };
    const config = this.deps.config();
    const { optimizations, switches } = await this.deps.store.load();
    const states = new Map(optimizations.map((o) => [o.id, o]));
    const catalog = this.deps.catalog();
    const busy = new Set<string>();

    for (const r of await this.deps.rollouts.active()) {
      busy.add(r.operation);
      try {
        const d = await this.decide(r, findings, states.get(optimizationId(r.operation, r.strategy)), config);
        if (d.action !== "hold" || r.lastDecision?.reason !== d.reason) await this.apply(r, d);
        result.decisions.push({ ...d, operation: r.operation, strategy: r.strategy });
      } catch (err) {
        result.errors.push({ rollout: r.id, error: err instanceof Error ? err.message : String(err) });
      }
    }

    for (const c of findings) {
      const rule = config.rules.find((x) => x.rule === c.rule);
      if (!rule) continue;
      const target = this.targetOf(c, rule.strategy, catalog);
      if (!target || busy.has(target.name)) continue;
      const st = states.get(optimizationId(target.name, rule.strategy));
      // Only from `off`: anything else is an engineer's (or an earlier rollout's) decision.
      const sw = SWITCH_OF[rule.strategy];
      if (!st || st.state !== "off" || (sw !== null && !switches[sw])) continue;
      // An optimization the autopilot gave up on (or rolled back) is not retried for a while.
      const last = await this.deps.rollouts.latest(target.name, rule.strategy);
      const gaveUpAt = last && last.state !== "completed" ? last.finishedAt : null;
      if (gaveUpAt !== null && this.deps.clock.now() - gaveUpAt < config.retryAfterSeconds * 1000) continue;
      try {
        const d = await this.start(target, rule.strategy, c, config);
        if (d) {
          busy.add(target.name);
          result.decisions.push({ ...d, operation: target.name, strategy: rule.strategy });
        }
      } catch (err) {
        result.errors.push({ rollout: `${target.name}:${rule.strategy}`, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return result;
  }

  /** The operation a condition concerns; for process-wide ones (CPU), the busiest that has the strategy. */
  private targetOf(c: DetectedFinding, strategy: Strategy, catalog: CatalogEntry[]): CatalogEntry | undefined {
    const candidates = catalog.filter((e) => e.strategies.includes(strategy));
    const named = candidates.find((e) => e.name === c.operation);
    if (named) return named;
    if (c.operation !== "process") return undefined;
    return candidates.filter((e) => (e.busyMs ?? 0) > 0).sort((a, b) => (b.busyMs ?? 0) - (a.busyMs ?? 0))[0];
  }

  private async decide(
    r: Rollout,
    findings: readonly DetectedFinding[],
    optimization: OptimizationState | undefined,
    config: AutopilotConfig,
  ): Promise<StepDecision> {
    const now = this.deps.clock.now();
    const rule = config.rules.find((x) => x.rule === r.rule && x.strategy === r.strategy);
    const harmful = findings.filter((c) => c.operation === r.operation && config.harmfulRules.includes(c.rule as never) && usesStrategy(c.variant, r.strategy));
    const observations = r.step === "on" ? null : await this.deps.observer.observe(r.operation, r.strategy, r.stepSince, now);
    return decideRollout(r, {
      now,
      config,
      gain: rule?.gain ?? "latency",
      optimization,
      observations,
      harmful,
      findingActive: findings.some((c) => c.rule === r.rule && (c.operation === r.operation || c.operation === "process")),
    });
  }

  private async apply(r: Rollout, d: StepDecision): Promise<void> {
    const { change, terminal, ...decision } = d;
    if (change)
      await this.deps.store.setState(
        optimizationId(r.operation, r.strategy),
        { ...change, reason: change.reason ?? `autopilot: ${d.reason}` },
        AUTOPILOT_ACTOR,
        decision,
      );
    const next: Rollout = {
      ...r,
      step: d.to,
      state: terminal ?? "active",
      stepSince: d.to !== r.step ? d.at : r.stepSince,
      finishedAt: terminal ? d.at : null,
      lastDecision: decision,
    };
    await this.deps.rollouts.save(next);
    this.deps.onDecision?.(next, decision);
  }

  private async start(target: CatalogEntry, strategy: Strategy, c: DetectedFinding, config: AutopilotConfig): Promise<RolloutDecision | null> {
    const now = this.deps.clock.now();
    // Queue has no shadow mode, and operations without an equivalence check cannot be shadowed.
    const first = stepsOf(config, target.canShadow && strategy !== "queue")[0]!;
    const reason = `${c.rule} on ${c.operation} (${c.summary}): trying ${strategy}`;
    const decision: RolloutDecision = {
      at: now,
      action: "start",
      from: "off",
      to: first,
      reason,
      evidence: { finding: { rule: c.rule, variant: c.variant, summary: c.summary, evidence: c.evidence } },
    };
    const r: Rollout = {
      id: this.deps.newId?.() ?? crypto.randomUUID(),
      operation: target.name,
      strategy,
      rule: c.rule,
      step: first,
      state: "active",
      startedAt: now,
      stepSince: now,
      finishedAt: null,
      lastDecision: decision,
    };
    if (!(await this.deps.rollouts.start(r))) return null;
    decision.evidence.rollout = r.id;
    try {
      const change = changeFor(first);
      await this.deps.store.setState(
        optimizationId(target.name, strategy),
        { state: change.state, percent: change.state === "canary" ? change.percent : undefined, reason: `autopilot: ${reason}` },
        AUTOPILOT_ACTOR,
        decision,
      );
    } catch (err) {
      const failed: RolloutDecision = {
        ...decision,
        action: "abort",
        to: "aborted",
        reason: `could not start: ${err instanceof Error ? err.message : String(err)}`,
      };
      await this.deps.rollouts.save({ ...r, step: "aborted", state: "aborted", finishedAt: now, lastDecision: failed });
      throw err;
    }
    this.deps.onDecision?.(r, decision);
    return decision;
  }
}
