import { checkPrices as baseline, type CheckPricesInput, type CheckPricesResult } from "../../market/services/check-prices";
import { checkPricesIncremental } from "../../market/optimized/prices-incremental";
import { priceCheckEquivalent } from "../../market/optimized/equivalence";
import { defineOperation, type CallContext } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { operationModule, writePorts } from "../operation-module";

/** `price-monitor.check`: moves beyond a threshold and watch-list price alerts for one tick. */
export const checkPrices = operationModule("price-monitor.check", (deps) => {
  // A shadow run stores and publishes nothing: its result is the alerts the tick raised.
  const writes = writePorts(deps);
  const ports = (cx: CallContext) => {
    const w = writes(cx);
    return { alerts: w.priceAlerts, broadcaster: w.broadcaster };
  };
  return defineOperation({
    name: "price-monitor.check",
    service: "price-monitor",
    title: "Price moves and watch-list price alerts for a tick",
    key: (i: CheckPricesInput) => i.date,
    sideEffects: true,
    idempotent: true,
    shadowWritesDiscarded: true,
    equivalent: priceCheckEquivalent,
    strategies: [
      replaceStrategy<CheckPricesInput, CheckPricesResult>(
        "incremental",
        "Watch list indexed by symbol once per tick instead of a full scan per price",
        (i, cx) => checkPricesIncremental(ports(cx), i),
      ),
    ],
    timeoutMs: 10_000,
    baseline: (i, cx) => baseline(ports(cx), i),
    benchmarkInputs: async () => {
      const clock = await deps.clock.read();
      if (!clock) return null;
      const prices = await deps.prices.latestPrices();
      return () => ({ date: clock.currentDate, prices, thresholdPct: deps.settings.priceMoveAlertPct });
    },
  });
});
