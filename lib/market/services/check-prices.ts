import type { Broadcaster } from "../../realtime/events";
import type { PriceAlertPayload } from "../types";
import type { LatestPriceRow, PriceAlertStore, WatchItemRow } from "../ports";

export interface CheckPricesInput {
  date: string;
  prices: LatestPriceRow[];
  /** Absolute daily move, in percent, that raises an alert. */
  thresholdPct: number;
}

/** An alert raised by a price, with the watch-list item it belongs to (0: a move alert). */
export type FoundAlert = PriceAlertPayload & { watchId: number };

export interface CheckPricesResult {
  date: string;
  scanned: number;
  /** Every alert the tick raised (what the run hands to the store), in scan order. */
  found: FoundAlert[];
  /**
   * The alerts this run newly stored: a later run of the same tick finds them stored. In a dry
   * run (shadow), every alert it would write, as if none were stored.
   */
  alerts: PriceAlertPayload[];
}

/** The alerts one price raises: a large move, and every watch-list item of its symbol it crossed. */
export function alertsForPrice(p: LatestPriceRow, date: string, thresholdPct: number, watch: Iterable<WatchItemRow>): FoundAlert[] {
  const found: FoundAlert[] = [];
  if (p.changePct !== null && Math.abs(p.changePct) >= thresholdPct) {
    found.push({
      symbol: p.symbol,
      date,
      kind: p.changePct > 0 ? "move_up" : "move_down",
      price: p.close,
      changePct: p.changePct,
      threshold: thresholdPct,
      watchId: 0,
    });
  }
  for (const w of watch) {
    if (w.symbol !== p.symbol) continue;
    if (w.above !== null && p.close >= w.above) {
      found.push({ symbol: p.symbol, date, kind: "watch_above", price: p.close, changePct: p.changePct, threshold: w.above, watchId: w.id });
    }
    if (w.below !== null && p.close <= w.below) {
      found.push({ symbol: p.symbol, date, kind: "watch_below", price: p.close, changePct: p.changePct, threshold: w.below, watchId: w.id });
    }
  }
  return found;
}

/** Stores the alerts found for a tick (de-duplicated by the store) and broadcasts the new ones. */
export async function storeAlerts(
  deps: { alerts: PriceAlertStore; broadcaster: Broadcaster },
  input: CheckPricesInput,
  found: FoundAlert[],
): Promise<CheckPricesResult> {
  const inserted = found.length > 0 ? await deps.alerts.insertAlerts(found) : [];
  if (inserted.length > 0) deps.broadcaster.publish("price-alerts:new", { date: input.date, alerts: inserted }, "market");
  return { date: input.date, scanned: input.prices.length, found, alerts: inserted };
}

/**
 * Baseline price monitor: scans every symbol of the tick for large moves and every watch-list
 * item against every price. Alerts are stored de-duplicated and broadcast.
 */
export async function checkPrices(deps: { alerts: PriceAlertStore; broadcaster: Broadcaster }, input: CheckPricesInput): Promise<CheckPricesResult> {
  const watch = await deps.alerts.watchItems();
  const found = input.prices.flatMap((p) => alertsForPrice(p, input.date, input.thresholdPct, watch));
  return storeAlerts(deps, input, found);
}
