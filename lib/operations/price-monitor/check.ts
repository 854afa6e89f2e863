import { checkPrices as baseline, type CheckPricesInput, type CheckPricesResult } from "../../market/services/check-prices";
import { checkPricesIncremental } from "../../market/optimized/prices-incremental";
import { priceCheckEquivalent } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { operationModule } from "../operation-module";

/** `price-monitor.check`: moves beyond a threshold and watch-list price alerts for one tick. */
export const checkPrices = operationModule("price-monitor.check", (deps) =>
  defineOperation({
    name: "price-monitor.check",
    service: "price-monitor",
    title: "Price moves and watch-list price alerts for a tick",
    key: (i: CheckPricesInput) => i.date,
    sideEffects: true,
    idempotent: true,
    equivalent: priceCheckEquivalent,
    strategies: [
      replaceStrategy<CheckPricesInput, CheckPricesResult>(
        "incremental",
        "Watch list indexed by symbol once per tick instead of a full scan per price",
        (i) => checkPricesIncremental({ alerts: deps.priceAlerts, broadcaster: deps.broadcaster }, i),
      ),
    ],
    timeoutMs: 10_000,
    baseline: (i) => baseline({ alerts: deps.priceAlerts, broadcaster: deps.broadcaster }, i),
    benchmarkInputs: async () => {
      const clock = await deps.clock.read();
      if (!clock) return null;
      const prices = await deps.prices.latestPrices();
      return () => ({ date: clock.currentDate, prices, thresholdPct: deps.settings.priceMoveAlertPct });
    },
  }),
);
