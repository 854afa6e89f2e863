/**
 * OPTIMIZED price monitor: the watch list is indexed by symbol once, so each price looks up its
 * own watch items instead of scanning the whole list (O(prices + watch) instead of
 * O(prices × watch)). Alerts come out in exactly the baseline's order (prices in tick order; per
 * price the move alert first, then its watch items in list order), so the equivalence check
 * compares them in order.
 */
import type { Broadcaster } from "../../realtime/events";
import type { PriceAlertStore, WatchItemRow } from "../ports";
import { alertsForPrice, storeAlerts, type CheckPricesInput, type CheckPricesResult } from "../services/check-prices";

/** Variant of `checkPrices` with a per-symbol index of the watch list. */
export async function checkPricesIncremental(deps: { alerts: PriceAlertStore; broadcaster: Broadcaster }, input: CheckPricesInput): Promise<CheckPricesResult> {
  const watch = await deps.alerts.watchItems();
  const bySymbol = new Map<string, WatchItemRow[]>();
  for (const w of watch) {
    const list = bySymbol.get(w.symbol);
    if (list) list.push(w);
    else bySymbol.set(w.symbol, [w]);
  }
  const found = input.prices.flatMap((p) => alertsForPrice(p, input.date, input.thresholdPct, bySymbol.get(p.symbol) ?? []));
  return storeAlerts(deps, input, found);
}
