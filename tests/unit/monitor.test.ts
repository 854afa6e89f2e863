import { describe, expect, it } from "vitest";
import { MonitorConfigError, defaultMonitorConfig, operationDefaults, parseMonitorConfig, type MonitorConfig } from "../../lib/optimizer/monitor/config";
import { evaluateMonitor } from "../../lib/optimizer/monitor/evaluate";
import { buildSeries } from "../../lib/optimizer/monitor/series";
import type { FindingEvidence } from "../../lib/optimizer/monitor/types";
import { createRng } from "../../lib/optimizer/stats/rng";
import { FaultIndex } from "../../lib/server/domains/faults/fault-index";
import { latencyModel, monitorLoop, poissonTraffic, recentMedian, type SimSample } from "../helpers/monitoring-sim";

const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const OP = "quotes.price";

describe("monitor configuration", () => {
  it("fills defaults and keeps the no-data defaults when one operation is overridden", () => {
    const c = parseMonitorConfig(
      { operations: { "reports.build": { memoryBudgetMb: 64 } } },
      "test",
      operationDefaults([{ name: "market-clock.advance", expectedIntervalSeconds: 3 }]),
    );
    expect(c.latencyRegression).toMatchObject({ alpha: 0.001, minIncreasePct: 20, minSamples: 30 });
    expect(c.alerts).toEqual({ forSeconds: 60, resolveAfterSeconds: 120, reopenWithinSeconds: 1800 });
    expect(c.operations["reports.build"]?.memoryBudgetMb).toBe(64);
    expect(c.operations["market-clock.advance"]?.expectedIntervalSeconds).toBe(3);
  });

  it("rejects invalid configuration with every problem and its path", () => {
    let err: unknown;
    try {
      parseMonitorConfig({ latencyRegression: { alpha: 2 }, alerts: { forSecs: 10 }, recent: { windowSeconds: 600, maxWindowSeconds: 60 } }, "monitor.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MonitorConfigError);
    const paths = (err as MonitorConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["latencyRegression.alpha", "alerts"]));
    expect((err as Error).message).toContain("monitor.json");
  });
});

describe("monitor rules", () => {
  // Scheduled operations declare their intervals (derived from their jobs' schedules).
  const cfg = defaultMonitorConfig(
    operationDefaults([
      { name: "market-clock.advance", expectedIntervalSeconds: 3 },
      { name: "price-snapshot.take", expectedIntervalSeconds: 60 },
      { name: "news-crawlers.yahoo", expectedIntervalSeconds: 300 },
    ]),
  );
  const now = START + 2 * HOUR;
  const series = (gen: (i: number, at: number) => Partial<SimSample>, from: number, n: number, variant = "baseline"): SimSample[] =>
    Array.from({ length: n }, (_, i) => {
      const at = from + ((now - from) * (i + 1)) / (n + 1);
      return { operation: OP, variant, at, durationMs: 50, memoryBytes: null, outcome: "ok", ...gen(i, at) } as SimSample;
    });

  it("flags an error rate significantly above 5 % with the exact binomial test as evidence", () => {
    const samples = series((i) => ({ outcome: i % 5 === 0 ? "error" : "ok" }), now - MIN, 100);
    const f = evaluateMonitor({ series: buildSeries(samples, now, cfg) }, cfg, now).find((x) => x.rule === "error_rate");
    expect(f?.evidence.observed).toMatchObject({ failures: 20, calls: 100, rate: 0.2 });
    expect(f?.evidence.test?.name).toBe("exact binomial, one-sided");
    expect(f?.evidence.test?.pValue).toBeLessThan(0.001);
    // 6 of 100 is above 5 % but not significantly: no finding.
    const few = series((i) => ({ outcome: i % 17 === 0 ? "error" : "ok" }), now - MIN, 100);
    expect(evaluateMonitor({ series: buildSeries(few, now, cfg) }, cfg, now).some((x) => x.rule === "error_rate")).toBe(false);
  });

  it("warns at 80 % of the memory budget and is critical above it; p95 above 5 s is critical", () => {
    const mb = (x: number) => x * 1_048_576;
    const at85 = series(() => ({ memoryBytes: mb(170) }), now - MIN, 40);
    const f = evaluateMonitor({ series: buildSeries(at85, now, cfg), budgets: { [OP]: { memoryBudgetMb: 200 } } }, cfg, now);
    expect(f.find((x) => x.rule === "memory_high")).toMatchObject({ severity: "warning", evidence: { threshold: { budgetMb: 200, warnFraction: 0.8 } } });
    const over = series(() => ({ memoryBytes: mb(210) }), now - MIN, 40);
    expect(
      evaluateMonitor({ series: buildSeries(over, now, cfg), budgets: { [OP]: { memoryBudgetMb: 200 } } }, cfg, now).find((x) => x.rule === "memory_high")
        ?.severity,
    ).toBe("critical");
    const slow = series((i) => ({ durationMs: i < 36 ? 1_000 : 7_000 }), now - MIN, 40);
    expect(evaluateMonitor({ series: buildSeries(slow, now, cfg) }, cfg, now).find((x) => x.rule === "response_time")?.evidence.observed.p95Ms).toBeGreaterThan(
      5_000,
    );
  });

  it("reports process CPU above 90 %, RSS against its budget, and scheduled operations gone silent", () => {
    const f = evaluateMonitor(
      {
        series: [],
        lastSeen: { "price-snapshot.take": now - 4 * MIN, "market-clock.advance": now - 5_000, "news-crawlers.yahoo": null },
        process: { rssBytes: 1_800 * 1_048_576, cpuPercent: 95, cores: 2, loadavg1: 1.9, windowMs: MIN },
      },
      cfg,
      now,
    );
    expect(f.map((x) => x.fingerprint).sort()).toEqual(["price-snapshot.take|all|no_data", "process|all|cpu_high", "process|all|process_memory"]);
  });
});

/** 2 calls/s on one operation; `faults` can slow its baseline from a given time. */
function regressionRun(seed: number) {
  const rng = createRng(seed);
  const latency = latencyModel(rng, 80);
  let samples: SimSample[] = [];
  const clockRef = { now: START };
  const faults = new FaultIndex({ now: () => clockRef.now }, (op, variant) => recentMedian(samples, op, variant, clockRef.now));
  const traffic = poissonTraffic(rng, 2, START, (at) => {
    clockRef.now = at;
    const fault = faults.lookup(OP, "baseline", 0);
    return { operation: OP, variant: "baseline", at, durationMs: latency() + (fault?.delayMs ?? 0), memoryBytes: null, outcome: "ok" };
  });
  const config = defaultMonitorConfig();
  const loop = monitorLoop({ start: START, config, traffic: [traffic] });
  return { loop, faults, setSamples: () => (samples = loop.samples) };
}

describe("monitor + alerts over simulated time", () => {
  it("a 30 % latency regression on a live operation alerts within 3 simulated minutes", async () => {
    const delays: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const { loop, faults, setSamples } = regressionRun(seed);
      await loop.runUntil(START + 90 * MIN);
      setSamples();
      // Unaligned with the monitor's minute, so the first window after it is only partly slow.
      const injectedAt = START + 90 * MIN + 20_000 + seed * 3_000;
      faults.replace([
        {
          id: "f",
          operation: OP,
          variant: "baseline",
          kind: "latency",
          amount: 30,
          mode: "relative",
          startsAt: injectedAt,
          endsAt: injectedAt + HOUR,
          createdBy: "test",
        },
      ]);
      await loop.runUntil(START + 100 * MIN);
      const notify = loop.events.find((e) => e.type === "notify");
      expect(notify?.alert.fingerprint, `seed ${seed}`).toBe(`${OP}|baseline|latency_regression`);
      expect(notify!.at).toBeGreaterThan(injectedAt);
      delays.push((notify!.at - injectedAt) / 1000);
      const evidence = notify!.alert.evidence as FindingEvidence;
      expect(evidence.test?.pValue).toBeLessThan(0.001);
      expect(evidence.observed.medianIncreasePct).toBeGreaterThan(20);
    }
    console.info(`time to alert after a 30 % regression (s), 10 seeds: ${delays.join(", ")}`);
    expect(Math.max(...delays)).toBeLessThanOrEqual(180);
  });
});

/** Realistic noise with no change at all: two operations, one with an A/A "optimized" variant. */
function aaTraffic(seed: number) {
  const rng = createRng(seed);
  const mb = 1_048_576;
  const make = (operation: string, variantOf: () => string) => {
    const latency = latencyModel(rng, operation === OP ? 80 : 240);
    let calls = 0;
    return (at: number): SimSample => ({
      operation,
      variant: variantOf(),
      at,
      durationMs: latency(),
      // Heap delta measured on every 4th call, ~50 % of a 200 MB budget with GC noise.
      memoryBytes: ++calls % 4 === 0 ? Math.max(0, 100 + 25 * (rng() + rng() + rng() - 1.5)) * mb : null,
      // 0.5 % background errors, well under the 5 % threshold.
      outcome: rng() < 0.005 ? "error" : "ok",
    });
  };
  return [
    poissonTraffic(
      rng,
      2,
      START,
      make(OP, () => "baseline"),
    ),
    poissonTraffic(
      rng,
      2,
      START,
      make("reports.build", () => (rng() < 0.5 ? "baseline" : "memory")),
    ),
  ];
}

const budgets = { [OP]: { memoryBudgetMb: 200 }, "reports.build": { memoryBudgetMb: 200 } };

describe("A/A: no change, realistic noise", () => {
  it("raises no alert over 24 simulated hours with the default rules", async () => {
    const config = defaultMonitorConfig();
    const loop = monitorLoop({ start: START, config, traffic: aaTraffic(42) });
    await loop.runUntil(START + 24 * HOUR, () => ({ budgets }));
    const evaluations = loop.findings.length;
    const raw = loop.findings.flatMap((f) => f.findings.map((x) => x.fingerprint));
    console.info(
      `A/A 24 h: ${evaluations} evaluations, ${raw.length} single-evaluation findings (${raw.join(", ")}), ${loop.store.alerts.size} alerts, ${loop.events.filter((e) => e.type === "notify").length} notifications`,
    );
    expect(evaluations).toBe(1440);
    expect(loop.events.filter((e) => e.type === "notify")).toEqual([]);
    expect([...loop.store.alerts.values()].filter((a) => a.state === "firing" || a.firingAt !== null)).toEqual([]);
  }, 120_000);

  it("the same noise DOES alert with naive settings (alpha 5 %, no minimum effect, no hold time)", async () => {
    // The control that shows the test above can fail: the defaults, not luck, keep it quiet.
    const naive: MonitorConfig = parseMonitorConfig({
      latencyRegression: { alpha: 0.05, minIncreasePct: 0 },
      slowerThanBaseline: { alpha: 0.05, minIncreasePct: 0 },
      alerts: { forSeconds: 0 },
    });
    const loop = monitorLoop({ start: START, config: naive, traffic: aaTraffic(42) });
    await loop.runUntil(START + 3 * HOUR, () => ({ budgets }));
    const notified = loop.events.filter((e) => e.type === "notify").length;
    console.info(`A/A 3 h with naive settings: ${notified} notifications`);
    expect(notified).toBeGreaterThan(3);
  }, 60_000);
});
