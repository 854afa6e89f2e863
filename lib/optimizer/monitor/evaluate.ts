/**
 * The performance monitor's evaluation (the original `PerformanceMonitor`): pure, so it can be
 * driven by a job every minute in production and by a simulated clock in tests.
 */
import type { MonitorConfig } from "./config";
import { guardRollback, latencyRegression, responseTime, slowerThanBaseline } from "./latency-rules";
import { errorRate, memoryHigh, noData, processRules } from "./resource-rules";
import type { Finding, MonitorInput } from "./types";
import { windowsOf } from "./windows";

/**
 * Evaluates every rule over every operation and variant at `now` and returns what is wrong:
 * latency regression against the previous hour, optimized variants whose live analysis says
 * "slower" than the baseline in their current phase, optimizations the guard rolled back,
 * error rate, p95 above the absolute limit, memory per call against the budget, process RSS
 * and CPU, and scheduled operations that went silent. Deterministic for a given input.
 */
export function evaluateMonitor(input: MonitorInput, rules: MonitorConfig, now: number): Finding[] {
  const findings: Finding[] = [];

  for (const s of input.series) {
    const w = windowsOf(s, now, rules);
    const op = rules.operations[s.operation];
    const push = (f: Finding | null) => f && findings.push(f);
    push(latencyRegression(w, rules.latencyRegression, rules.reference.minSamples));
    push(errorRate(w, rules.errorRate));
    push(responseTime(w, rules.responseTime, op?.p95MaxMs ?? rules.responseTime.p95MaxMs));
    const budget = op?.memoryBudgetMb ?? input.budgets?.[s.operation]?.memoryBudgetMb ?? rules.memory.defaultBudgetMb;
    push(memoryHigh(w, rules.memory, budget ?? null));
  }

  if (input.lastSeen) {
    for (const [name, op] of Object.entries(rules.operations)) {
      if (op.expectedIntervalSeconds === undefined) continue;
      const f = noData(name, input.lastSeen[name], op.expectedIntervalSeconds, rules.noData, now);
      if (f) findings.push(f);
    }
  }
  if (input.process) findings.push(...processRules(input.process, rules.process, now));
  // Variant vs baseline: the live analysis of each optimization's current phase decides.
  for (const a of input.analyses ?? []) {
    const f = slowerThanBaseline(a, rules.slowerThanBaseline, now);
    if (f) findings.push(f);
  }
  for (const g of input.guardRollbacks ?? []) findings.push(guardRollback(g));

  return findings.filter((f) => !rules.operations[f.operation]?.disabledRules.includes(f.rule));
}
