import type { Broadcaster } from "../../realtime/events";
import type { TickPayload } from "../types";
import type { ClockStore, LatestPriceRow } from "../ports";

export interface AdvanceClockInput {
  /** Where a clock without a stored position starts. */
  startDate: string;
}

export interface ClockTick {
  date: string;
  tick: number;
  restarted: boolean;
  prices: LatestPriceRow[];
}

/**
 * The market clock: replays the imported history one trading day per call. The position is
 * stored, so a restart continues where it stopped; at the end of the data it starts over.
 */
export async function advanceClock(deps: { clock: ClockStore; broadcaster: Broadcaster }, input: AdvanceClockInput): Promise<ClockTick> {
  const state = await deps.clock.read();
  let next = state ? await deps.clock.nextTradingDay(state.currentDate) : null;
  const restarted = state !== null && next === null;
  if (next === null) next = await deps.clock.firstTradingDayOnOrAfter(input.startDate);
  if (next === null) throw new Error(`no price data on or after ${input.startDate}: was the data set imported?`);

  const tick = (state?.tickCount ?? 0) + 1;
  const prices = await deps.clock.advanceTo(next, tick, restarted);
  const payload: TickPayload = {
    date: next,
    tick,
    symbols: prices.length,
    advancers: prices.filter((p) => (p.changePct ?? 0) > 0).length,
    decliners: prices.filter((p) => (p.changePct ?? 0) < 0).length,
    prices: prices.map((p) => ({ symbol: p.symbol, close: p.close, changePct: p.changePct, volume: p.volume })),
  };
  deps.broadcaster.publish("market:tick", payload, "market");
  return { date: next, tick, restarted, prices };
}
