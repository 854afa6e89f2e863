import { DEFAULT_INDICATOR_PARAMS } from "../lib/market/indicators/params";
import type { AppServices } from "../lib/server/services";
import type { JobDefinition } from "./job";

export interface JobConfig {
  tickSeconds: number;
  startDate: string;
  moveAlertPct: number;
}

/** The scheduled jobs of the platform (the original parallel_scheduler), declared as data. */
export function defineJobs(services: AppServices, config: JobConfig): JobDefinition[] {
  const { call, ops, stores } = services;
  const clockDate = async () => (await stores.clock.read())?.currentDate ?? null;
  return [
    {
      name: "market-clock",
      schedule: `*/${config.tickSeconds} * * * * *`,
      description: `Replays one trading day every ${config.tickSeconds} s, then runs the price monitor on it`,
      handler: async () => {
        const tick = await call(ops.advanceClock, { startDate: config.startDate });
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
      description: "Crawls the investing and yahoo feeds, one after the other",
      handler: async () => {
        const investing = await call(ops.crawlInvesting, {});
        const yahoo = await call(ops.crawlYahoo, {});
        return { investing: investing.status, yahoo: yahoo.status };
      },
    },
  ];
}
