/**
 * Error-rate, memory, CPU and no-data rules.
 */
import { formatPValue } from "../../format";
import { errorRateExceeds } from "../stats/proportions";
import type { MonitorConfig } from "./config";
import { ALL_VARIANTS, PROCESS_OPERATION, fingerprintOf, type Finding, type ProcessFigures } from "./types";
import { isoWindow, type Windowed } from "./windows";

const MiB = 1_048_576;

/**
 * Error rate above the threshold by an exact one-sided binomial test: a few errors in a small
 * window are not "above 5 %" until the data says so.
 */
export function errorRate(w: Windowed, cfg: MonitorConfig["errorRate"]): Finding | null {
  const n = w.recent.length;
  if (!cfg.enabled || n < cfg.minSamples) return null;
  let failures = 0;
  for (let i = 0; i < n; i++) failures += w.recent.failed[i]!;
  const t = errorRateExceeds(failures, n, cfg.maxRate, { alpha: cfg.alpha });
  if (!t.exceeds) return null;
  return {
    fingerprint: fingerprintOf(w.operation, w.variant, "error_rate"),
    operation: w.operation,
    variant: w.variant,
    rule: "error_rate",
    severity: "critical",
    summary: `${w.operation} (${w.variant}): ${failures} of ${n} calls failed (${(t.rate * 100).toFixed(1)}% > ${(cfg.maxRate * 100).toFixed(1)}%, ${formatPValue(t.pValue)})`,
    evidence: {
      observed: { failures, calls: n, rate: t.rate },
      threshold: { maxRate: cfg.maxRate, alpha: cfg.alpha, minSamples: cfg.minSamples },
      sampleSizes: { recent: n },
      test: { name: "exact binomial, one-sided", statistic: failures, pValue: t.pValue },
      window: { recent: isoWindow(w.recentFrom, w.now) },
    },
  };
}

/**
 * Mean heap growth per call against the operation's budget: warning above `warnFraction`
 * (80 %, the original design's "memory > 80 %"), critical above the budget itself. The mean,
 * not the median: the budget is about how much a call costs on average, GC noise included.
 */
export function memoryHigh(w: Windowed, cfg: MonitorConfig["memory"], budgetMb: number | null): Finding | null {
  if (!cfg.enabled || budgetMb === null) return null;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < w.recent.length; i++) {
    const m = w.recent.memoryBytes[i]!;
    if (m === m) {
      sum += m;
      n++;
    }
  }
  if (n < cfg.minSamples) return null;
  const meanMb = sum / n / MiB;
  const fraction = meanMb / budgetMb;
  if (!(fraction > cfg.warnFraction)) return null;
  return {
    fingerprint: fingerprintOf(w.operation, w.variant, "memory_high"),
    operation: w.operation,
    variant: w.variant,
    rule: "memory_high",
    severity: fraction > 1 ? "critical" : "warning",
    summary: `${w.operation} (${w.variant}) uses ${meanMb.toFixed(1)} MB per call, ${(fraction * 100).toFixed(0)}% of its ${budgetMb} MB budget`,
    evidence: {
      observed: { meanMbPerCall: meanMb, fractionOfBudget: fraction },
      threshold: { budgetMb, warnFraction: cfg.warnFraction, minSamples: cfg.minSamples },
      sampleSizes: { recent: n },
      test: null,
      window: { recent: isoWindow(w.recentFrom, w.now) },
    },
  };
}

/** Process RSS against its budget, and process CPU above its limit. */
export function processRules(p: ProcessFigures, cfg: MonitorConfig["process"], now: number): Finding[] {
  if (!cfg.enabled) return [];
  const out: Finding[] = [];
  const window = { recent: isoWindow(now - p.windowMs, now) };
  const rssMb = p.rssBytes / MiB;
  const fraction = rssMb / cfg.rssBudgetMb;
  if (fraction > cfg.rssWarnFraction) {
    out.push({
      fingerprint: fingerprintOf(PROCESS_OPERATION, ALL_VARIANTS, "process_memory"),
      operation: PROCESS_OPERATION,
      variant: ALL_VARIANTS,
      rule: "process_memory",
      severity: fraction > 1 ? "critical" : "warning",
      summary: `process RSS ${rssMb.toFixed(0)} MB is ${(fraction * 100).toFixed(0)}% of its ${cfg.rssBudgetMb} MB budget`,
      evidence: {
        observed: { rssMb, fractionOfBudget: fraction },
        threshold: { rssBudgetMb: cfg.rssBudgetMb, warnFraction: cfg.rssWarnFraction },
        sampleSizes: { recent: 1 },
        test: null,
        window,
      },
    });
  }
  if (p.cpuPercent > cfg.cpuMaxPercent) {
    const observed: Record<string, number> = { cpuPercent: p.cpuPercent, cores: p.cores };
    if (p.loadavg1 !== null) observed.loadavg1 = p.loadavg1;
    out.push({
      fingerprint: fingerprintOf(PROCESS_OPERATION, ALL_VARIANTS, "cpu_high"),
      operation: PROCESS_OPERATION,
      variant: ALL_VARIANTS,
      rule: "cpu_high",
      severity: "warning",
      summary: `process CPU ${p.cpuPercent.toFixed(0)}% of ${p.cores} cores over the last ${(p.windowMs / 1000).toFixed(0)} s (limit ${cfg.cpuMaxPercent}%)`,
      evidence: { observed, threshold: { cpuMaxPercent: cfg.cpuMaxPercent }, sampleSizes: { recent: 1 }, test: null, window },
    });
  }
  return out;
}

/**
 * A scheduled operation that stopped producing samples: silent for longer than
 * `intervalMultiple` × its expected interval. Operations never seen are not "stopped".
 */
export function noData(
  operation: string,
  lastSeen: number | null | undefined,
  intervalSeconds: number,
  cfg: MonitorConfig["noData"],
  now: number,
): Finding | null {
  if (!cfg.enabled || lastSeen === null || lastSeen === undefined) return null;
  const limitMs = Math.max(cfg.intervalMultiple * intervalSeconds, cfg.minSilenceSeconds) * 1000;
  const silentMs = now - lastSeen;
  if (!(silentMs > limitMs)) return null;
  return {
    fingerprint: fingerprintOf(operation, ALL_VARIANTS, "no_data"),
    operation,
    variant: ALL_VARIANTS,
    rule: "no_data",
    severity: "warning",
    summary: `${operation} has produced no samples for ${(silentMs / 60_000).toFixed(1)} min (expected every ${intervalSeconds} s)`,
    evidence: {
      observed: { silentSeconds: silentMs / 1000, lastSampleAt: lastSeen },
      threshold: { expectedIntervalSeconds: intervalSeconds, intervalMultiple: cfg.intervalMultiple, limitSeconds: limitMs / 1000 },
      sampleSizes: { recent: 0 },
      test: null,
      window: { recent: isoWindow(lastSeen, now) },
    },
  };
}
