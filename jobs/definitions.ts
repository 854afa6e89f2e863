import type pg from "pg";
import { DEFAULT_INDICATOR_PARAMS } from "../lib/market/indicators/params";
import { rollupSamples, applyRetention } from "../lib/server/domains/rollups/rollups";
import { runLiveComparisons } from "../lib/server/domains/comparisons/comparisons";
import type { AppServices } from "../lib/server/services";
import type { MonitoringRuntime } from "../lib/server/domains/monitor/monitoring-runtime";
import type { JobDefinition } from "./job";

export interface JobConfig {
  tickSeconds: number;
  startDate: string;
  moveAlertPct: number;
}

/** The scheduled jobs of the platform (the original parallel_scheduler), declared as data. */
export function defineJobs(
  deps: { services: AppServices; pool: pg.Pool; monitoring: MonitoringRuntime; invalidateCaches: () => void },
  config: JobConfig,
): JobDefinition[] {
  const { call, ops, stores } = deps.services;
  const clockDate = async () => (await stores.clock.read())?.currentDate ?? null;
  return [
    {
      name: "market-clock",
      schedule: `*/${config.tickSeconds} * * * * *`,
      description: `Replays one trading day every ${config.tickSeconds} s, then runs the price monitor on it`,
      handler: async () => {
        const tick = await call(ops.advanceClock, { startDate: config.startDate });
        // New bars arrived: cached analyses keyed by the previous clock date are stale.
        deps.invalidateCaches();
        const monitor = await call(ops.checkPrices, { date: tick.date, prices: tick.prices, thresholdPct: config.moveAlertPct });
        return { date: tick.date, tick: tick.tick, restarted: tick.restarted, symbols: tick.prices.length, alerts: monitor.alerts.length };
      },
    },
    {
      name: "price-snapshot",
      schedule: "30 * * * * *",
      description: "Persists every symbol's latest price, change and volume",
      handler: async ({ slot }) => {
        const r = await call(ops.takeSnapshot, { takenAt: slot });
        return { ...r };
      },
    },
    {
      name: "realtime-analysis",
      schedule: "10,40 * * * * *",
      description: "Indicators and signals for the whole universe at the market clock",
      handler: async () => {
        const asOf = await clockDate();
        if (asOf === null) return { skipped: "market clock has not started" };
        const r = await call(ops.generateSignals, { asOf, params: DEFAULT_INDICATOR_PARAMS });
        return { asOf, symbolsScanned: r.symbolsScanned, detected: r.detected, inserted: r.inserted.length };
      },
    },
    {
      name: "news-crawl",
      schedule: "5 */5 * * * *",
      description: "Crawls the investing and yahoo feeds (one after the other in the baseline)",
      handler: async () => {
        const outcomes = await call(ops.crawlAll, {});
        return Object.fromEntries(outcomes.map((o) => [o.source, o.status]));
      },
    },
    {
      name: "performance-monitor",
      schedule: "0 * * * * *",
      description: "Compares every operation's recent window with its reference and thresholds; alerts",
      handler: async () => ({ ...(await deps.monitoring.runMonitorJob()) }),
    },
    {
      name: "autopilot",
      schedule: "45 * * * * *",
      description: "Starts and advances guarded rollouts for detected conditions",
      handler: async () => ({ ...(await deps.monitoring.runAutopilotJob()) }),
    },
    {
      name: "live-comparisons",
      schedule: "20 * * * * *",
      description: "Compares baseline and optimized samples of every optimization in use (last 15 min)",
      handler: async () => ({ stored: await runLiveComparisons(deps.pool) }),
    },
    {
      name: "rollups",
      schedule: "5 * * * * *",
      description: "Per-minute HDR rollups of the raw samples",
      handler: async () => ({ ...(await rollupSamples(deps.pool, { until: new Date() })) }),
    },
    {
      name: "retention",
      schedule: "0 17 * * * *",
      description: "Deletes raw samples older than 24 h and rollups older than 30 days",
      handler: async () => ({ ...(await applyRetention(deps.pool, {})) }),
    },
  ];
}
