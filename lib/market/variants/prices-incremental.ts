/**
 * OPTIMIZED price monitor: the watch list is indexed by symbol once, so each price looks up its
 * own watch items instead of scanning the whole list (O(prices + watch) instead of
 * O(prices × watch)). Alerts come out in exactly the baseline's order (prices in tick order; per
 * price the move alert first, then its watch items in list order), so the equivalence check
 * compares them in order.
 */
import type { Broadcaster, PriceAlertPayload } from "../../realtime/events";
import type { PriceAlertStore, WatchItemRow } from "../ports";
import type { CheckPricesInput, CheckPricesResult } from "../services/check-prices";

/** Variant of `checkPrices` with a per-symbol index of the watch list. */
export async function checkPricesIncremental(
  deps: { alerts: PriceAlertStore; broadcaster: Broadcaster },
  input: CheckPricesInput,
): Promise<CheckPricesResult> {
  const watch = await deps.alerts.watchItems();
  const bySymbol = new Map<string, WatchItemRow[]>();
  for (const w of watch) {
    const list = bySymbol.get(w.symbol);
    if (list) list.push(w);
    else bySymbol.set(w.symbol, [w]);
  }
  const found: (PriceAlertPayload & { watchId: number })[] = [];
  for (const p of input.prices) {
    if (p.changePct !== null && Math.abs(p.changePct) >= input.thresholdPct) {
      found.push({
        symbol: p.symbol,
        date: input.date,
        kind: p.changePct > 0 ? "move_up" : "move_down",
        price: p.close,
        changePct: p.changePct,
        threshold: input.thresholdPct,
        watchId: 0,
      });
    }
    for (const w of bySymbol.get(p.symbol) ?? []) {
      if (w.above !== null && p.close >= w.above) {
        found.push({ symbol: p.symbol, date: input.date, kind: "watch_above", price: p.close, changePct: p.changePct, threshold: w.above, watchId: w.id });
      }
      if (w.below !== null && p.close <= w.below) {
        found.push({ symbol: p.symbol, date: input.date, kind: "watch_below", price: p.close, changePct: p.changePct, threshold: w.below, watchId: w.id });
      }
    }
  }
  const inserted = found.length > 0 ? await deps.alerts.insertAlerts(found) : [];
  if (inserted.length > 0) deps.broadcaster.publish("price-alerts:new", { date: input.date, alerts: inserted }, "market");
  return { date: input.date, scanned: input.prices.length, alerts: inserted };
}
