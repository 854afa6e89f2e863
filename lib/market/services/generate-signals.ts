import type { Broadcaster } from "../../realtime/events";
import type { SignalPayload } from "../types";
import { computeIndicatorsBaseline } from "../indicators/baseline";
import type { IndicatorParams } from "../indicators/params";
import { detectSignals } from "../signals/detect";
import type { BarSource, SignalStore } from "../ports";

export interface GenerateSignalsInput {
  asOf: string;
  params: IndicatorParams;
}

export interface GenerateSignalsResult {
  asOf: string;
  symbolsScanned: number;
  /** `signals.length`. */
  detected: number;
  /** Every signal detected at `asOf` (what the run hands to the store), in scan order. */
  signals: SignalPayload[];
  /**
   * The signals this run newly stored: a later run finds them stored and inserts none. In a dry
   * run (shadow), every signal it would write, as if none were stored.
   */
  inserted: SignalPayload[];
}

/**
 * Baseline signal generator: for the whole universe at the market clock, symbol after symbol
 * with one query each, recompute the indicators and detect crossings on the clock's bar.
 */
export async function generateSignals(
  deps: { bars: BarSource; signals: SignalStore; broadcaster: Broadcaster },
  input: GenerateSignalsInput,
): Promise<GenerateSignalsResult> {
  const symbols = await deps.bars.listSymbols();
  const found: SignalPayload[] = [];
  for (const symbol of symbols) {
    const bars = await deps.bars.barsUpTo(symbol, input.asOf);
    const last = bars.length - 1;
    // A symbol that did not trade on the clock's day has no new bar to signal on.
    if (last < 1 || bars[last]!.date !== input.asOf) continue;
    const set = computeIndicatorsBaseline(bars, input.params);
    for (const s of detectSignals(
      set,
      bars.map((b) => b.close),
      last,
    )) {
      found.push({ symbol, date: input.asOf, kind: s.kind, value: s.value, detail: s.detail });
    }
  }
  const inserted = await deps.signals.insertSignals(found);
  if (inserted.length > 0) deps.broadcaster.publish("signals:new", { date: input.asOf, signals: inserted }, "market");
  return { asOf: input.asOf, symbolsScanned: symbols.length, detected: found.length, signals: found, inserted };
}
