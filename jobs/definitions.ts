import type pg from "pg";
import { DEFAULT_INDICATOR_PARAMS } from "../lib/market/indicators/params";
import type { ClockStore } from "../lib/market/ports";
import { advanceClock } from "../lib/operations/market-clock/advance";
import { crawlAll } from "../lib/operations/news-crawlers/crawl-all";
import { crawlInvesting, crawlYahoo } from "../lib/operations/news-crawlers/crawl-source";
import { checkPrices } from "../lib/operations/price-monitor/check";
import { takeSnapshot } from "../lib/operations/price-snapshot/take";
import type { RegisteredOperations } from "../lib/operations/registry";
import { generateSignals } from "../lib/operations/signal-generator/generate";
import { rollupSamples, applyRetention } from "../lib/server/domains/rollups/rollups";
import { runLiveAnalyses } from "../lib/server/domains/comparisons/live-analyses";
import type { MonitoringRuntime } from "../lib/server/domains/monitor/monitoring-runtime";
import type { JobDefinition } from "./job";

export interface JobConfig {
  tickSeconds: number;
  startDate: string;
  moveAlertPct: number;
}

/** The scheduled jobs of the platform (the original parallel_scheduler), declared as data. */
export function defineJobs(
  deps: { operations: RegisteredOperations; clock: ClockStore; pool: pg.Pool; monitoring: MonitoringRuntime; invalidateCaches: () => void },
  config: JobConfig,
): JobDefinition[] {
  const { invoke } = deps.operations;
  const clockDate = async () => (await deps.clock.read())?.currentDate ?? null;
  return [
    {
      name: "market-clock",
      schedule: `*/${config.tickSeconds} * * * * *`,
      description: `Replays one trading day every ${config.tickSeconds} s, then runs the price monitor on it`,
      operations: [advanceClock.name, checkPrices.name],
      handler: async () => {
        const tick = await invoke(advanceClock, { startDate: config.startDate });
        // New bars arrived: cached analyses keyed by the previous clock date are stale.
        deps.invalidateCaches();
        const monitor = await invoke(checkPrices, { date: tick.date, prices: tick.prices, thresholdPct: config.moveAlertPct });
        return { date: tick.date, tick: tick.tick, restarted: tick.restarted, symbols: tick.prices.length, alerts: monitor.alerts.length };
      },
    },
    {
      name: "price-snapshot",
      schedule: "30 * * * * *",
      description: "Persists every symbol's latest price, change and volume",
      operations: [takeSnapshot.name],
      handler: async ({ slot }) => {
        const r = await invoke(takeSnapshot, { takenAt: slot });
        return { ...r };
      },
    },
    {
      name: "realtime-analysis",
      schedule: "10,40 * * * * *",
      description: "Indicators and signals for the whole universe at the market clock",
      operations: [generateSignals.name],
      handler: async () => {
        const asOf = await clockDate();
        if (asOf === null) return { skipped: "market clock has not started" };
        const r = await invoke(generateSignals, { asOf, params: DEFAULT_INDICATOR_PARAMS });
        return { asOf, symbolsScanned: r.symbolsScanned, detected: r.detected, inserted: r.inserted.length };
      },
    },
    {
      name: "news-crawl",
      schedule: "5 */5 * * * *",
      description: "Crawls the investing and yahoo feeds (one after the other in the baseline)",
      operations: [crawlAll.name, crawlInvesting.name, crawlYahoo.name],
      handler: async () => {
        const outcomes = await invoke(crawlAll, {});
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
      name: "live-analysis",
      schedule: "20 * * * * *",
      description: "Analyses every optimization in shadow or canary against the baseline over its current phase (always-valid)",
      handler: async () => {
        const analyses = await runLiveAnalyses(deps.pool, {
          shadowTimingsComparable: (name) => deps.operations.specByName(name)?.shadowWritesDiscarded !== true,
        });
        return { analysed: analyses.length, verdicts: analyses.filter((a) => a.verdict !== "none").length };
      },
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
