/**
 * The performance monitor's evaluation (the original `PerformanceMonitor`): pure, so it can be
 * driven by a job every minute in production and by a simulated clock in tests.
 */
import type { MonitorConfig } from "./config";
import { latencyRegression, responseTime, slowerThanBaseline } from "./latency-rules";
import { errorRate, memoryHigh, noData, processRules } from "./resource-rules";
import { sliceWindow } from "./series";
import type { Finding, MonitorInput } from "./types";
import { windowsOf } from "./windows";

/**
 * Evaluates every rule over every operation and variant at `now` and returns what is wrong:
 * latency regression against the previous hour, optimized variants slower than the baseline,
 * error rate, p95 above the absolute limit, memory per call against the budget, process RSS
 * and CPU, and scheduled operations that went silent. Deterministic for a given input.
 */
export function evaluateMonitor(input: MonitorInput, rules: MonitorConfig, now: number): Finding[] {
  const findings: Finding[] = [];
  const baselineOf = new Map(input.series.filter((s) => s.variant === "baseline").map((s) => [s.operation, s]));

  for (const s of input.series) {
    const w = windowsOf(s, now, rules);
    const op = rules.operations[s.operation];
    const push = (f: Finding | null) => f && findings.push(f);
    push(latencyRegression(w, rules.latencyRegression, rules.reference.minSamples));
    const base = baselineOf.get(s.operation);
    if (s.variant !== "baseline" && base) {
      // Same window as the optimized variant's, so both saw the same traffic and load.
      push(slowerThanBaseline(w, sliceWindow(base.recent, w.recentFrom, now + 1e-9).durationMs, rules.slowerThanBaseline));
    }
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

  return findings.filter((f) => !rules.operations[f.operation]?.disabledRules.includes(f.rule));
}
