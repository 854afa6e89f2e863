import { env } from "../../../env";
import { DEFAULT_INDICATOR_PARAMS } from "../../../market/indicators/params";
import type { AppServices } from "../../services";

/**
 * Real inputs for on-demand benchmarks, drawn from the imported data at the market clock:
 * input `i` of a run is deterministic, so both variants see exactly the same inputs.
 */
export function benchmarkInputs(services: AppServices) {
  return async (operation: string): Promise<((i: number) => unknown) | null> => {
    const clock = await services.stores.clock.read();
    if (!clock) return null;
    const asOf = clock.currentDate;
    const symbols = await services.stores.bars.listSymbols();
    const params = DEFAULT_INDICATOR_PARAMS;
    const pick = (i: number, n: number) => Array.from({ length: n }, (_, k) => symbols[(i * n + k) % symbols.length]!);
    switch (operation) {
      case "technical-indicators.calculate":
        // Requests concentrate on a few symbols, as on a real market page: 10 hot symbols, so a
        // cache sees the hit ratio it would see in production (each first request misses).
        return (i) => ({ symbol: symbols[((i % 10) * 7) % symbols.length]!, asOf, params, points: 60 });
      case "technical-indicators.calculate-batch":
        return (i) => ({ symbols: pick(i, 50), asOf, params });
      case "signal-generator.generate":
        return () => ({ asOf, params });
      case "price-monitor.check": {
        const prices = await services.stores.prices.latestPrices();
        return () => ({ date: asOf, prices, thresholdPct: env.PRICE_MOVE_ALERT_PCT });
      }
      case "reports.build":
        return (i) => ({ symbols: pick(i, 10), asOf, params });
      case "news-crawlers.investing":
      case "news-crawlers.yahoo":
        return () => ({});
      default:
        return null;
    }
  };
}
