/**
 * Simulation helpers for monitoring tests: a seeded log-normal latency model with outliers,
 * Poisson traffic, and a loop that runs the monitor and the alert manager every simulated minute.
 */
import { AlertManager, type AlertEvent } from "../../lib/optimizer/alerts/manager";
import { MemoryAlertStore } from "../../lib/optimizer/alerts/store";
import { ManualClock } from "../../lib/optimizer/monitor/clock";
import type { MonitorConfig } from "../../lib/optimizer/monitor/config";
import { evaluateMonitor } from "../../lib/optimizer/monitor/evaluate";
import { buildSeries, type MonitorSample } from "../../lib/optimizer/monitor/series";
import type { Finding, MonitorInput } from "../../lib/optimizer/monitor/types";
import { standardNormal, type Rng } from "../../lib/optimizer/stats/rng";

export type SimSample = MonitorSample & { operation: string; variant: string };

/** Latency in ms: log-normal around `medianMs` (σ = 0.4 in log space), 1 % outliers × 10. */
export function latencyModel(rng: Rng, medianMs: number, opts: { sigma?: number; outlierRate?: number; outlierFactor?: number } = {}) {
  const { sigma = 0.4, outlierRate = 0.01, outlierFactor = 10 } = opts;
  return () => {
    const d = medianMs * Math.exp(sigma * standardNormal(rng));
    return rng() < outlierRate ? d * outlierFactor : d;
  };
}

/** Poisson arrivals at `ratePerSecond`; `make` builds the sample(s) of one call at time `at`. */
export function poissonTraffic(rng: Rng, ratePerSecond: number, start: number, make: (at: number) => SimSample | null) {
  let next = start;
  const gap = () => (-Math.log(1 - rng()) / ratePerSecond) * 1000;
  next += gap();
  return (until: number): SimSample[] => {
    const out: SimSample[] = [];
    while (next <= until) {
      const s = make(next);
      if (s) out.push(s);
      next += gap();
    }
    return out;
  };
}

/** The median of the samples of (operation, variant) in the last `ms` before `now`. */
export function recentMedian(samples: readonly SimSample[], operation: string, variant: string, now: number, ms = 300_000): number | null {
  const d = samples.filter((s) => s.operation === operation && s.variant === variant && s.at >= now - ms && s.at <= now).map((s) => s.durationMs);
  if (d.length === 0) return null;
  d.sort((a, b) => a - b);
  return d.length % 2 ? d[d.length >> 1]! : (d[d.length / 2 - 1]! + d[d.length / 2]!) / 2;
}

export interface MonitorLoop {
  clock: ManualClock;
  store: MemoryAlertStore;
  alerts: AlertManager;
  events: (AlertEvent & { at: number })[];
  /** Findings of every evaluation, with its time. */
  findings: { at: number; findings: Finding[] }[];
  samples: SimSample[];
  /** Runs the traffic and the monitor minute by minute until `until` (ms). */
  runUntil(until: number, extra?: (now: number) => Partial<MonitorInput>): Promise<void>;
}

/** A monitor job every simulated minute over simulated traffic, with an in-memory alert store. */
export function monitorLoop(opts: { start: number; config: MonitorConfig; traffic: ((until: number) => SimSample[])[] }): MonitorLoop {
  const clock = new ManualClock(opts.start);
  const store = new MemoryAlertStore();
  const events: MonitorLoop["events"] = [];
  const alerts = new AlertManager({ store, clock, config: () => opts.config.alerts, emit: (e) => events.push({ ...e, at: clock.now() }) });
  const horizon = (opts.config.recent.maxWindowSeconds + opts.config.reference.windowSeconds) * 1000;
  const loop: MonitorLoop = {
    clock,
    store,
    alerts,
    events,
    findings: [],
    samples: [],
    async runUntil(until, extra) {
      while (clock.now() + 60_000 <= until) {
        const now = clock.advance(60_000);
        for (const t of opts.traffic) for (const s of t(now)) loop.samples.push(s);
        if (loop.samples.length > 0 && loop.samples[0]!.at < now - horizon) loop.samples = loop.samples.filter((s) => s.at >= now - horizon);
        const input: MonitorInput = { series: buildSeries(loop.samples, now, opts.config), ...(extra?.(now) ?? {}) };
        const findings = evaluateMonitor(input, opts.config, now);
        loop.findings.push({ at: now, findings });
        await alerts.process(findings);
      }
    },
  };
  return loop;
}
