import type { IndicatorParams } from "../indicators/params";
import type { LatestIndicators } from "../indicators/result";
import type { BarSource, NewsCountSource, PriceStore, RecentSignalSource } from "../ports";
import { calculateIndicators } from "./calculate-indicators";

export interface BuildReportInput {
  symbols: string[];
  asOf: string;
  params: IndicatorParams;
}

export interface MarketReport {
  asOf: string;
  symbols: string[];
  indicators: { symbol: string; bars: number; lastBarDate: string | null; latest: LatestIndicators }[];
  latestSignals: { symbol: string; date: string; kind: string; detail: string }[];
  topMovers: { symbol: string; close: number; changePct: number }[];
  newsCounts: Record<string, number>;
  unknownSymbols: string[];
}

/**
 * Baseline market report for a list of symbols, computed inside the caller's request: the
 * indicators of every symbol (baseline, one after the other), their latest signals, the top
 * movers among them and news mention counts.
 */
export async function buildReport(
  deps: { bars: BarSource; prices: PriceStore; signals: RecentSignalSource; news: NewsCountSource },
  input: BuildReportInput,
  progress: (fraction: number, message?: string) => void = () => undefined,
  /** How the indicators are computed: the baseline goes symbol by symbol; variants may batch. */
  indicatorsOf: (symbols: string[]) => Promise<MarketReport["indicators"]> = async (symbols) => {
    const rows: MarketReport["indicators"] = [];
    for (const [i, symbol] of symbols.entries()) {
      const r = await calculateIndicators(deps, { symbol, asOf: input.asOf, params: input.params, points: 0 });
      rows.push({ symbol, bars: r.bars, lastBarDate: r.lastBarDate, latest: r.latest });
      progress((i + 1) / (symbols.length + 1), `indicators ${i + 1}/${symbols.length}`);
    }
    return rows;
  },
): Promise<MarketReport> {
  const universe = new Set(await deps.bars.listSymbols());
  const symbols = input.symbols.filter((s) => universe.has(s));
  const indicators = await indicatorsOf(symbols);
  const wanted = new Set(symbols);
  const prices = (await deps.prices.latestPrices()).filter((p) => wanted.has(p.symbol) && p.changePct !== null);
  const topMovers = prices
    .map((p) => ({ symbol: p.symbol, close: p.close, changePct: p.changePct! }))
    .sort((a, b) => Math.abs(b.changePct) - Math.abs(a.changePct))
    .slice(0, 10);
  const signals = symbols.length > 0 ? await deps.signals.recentSignals(symbols, 50) : [];
  return {
    asOf: input.asOf,
    symbols,
    indicators,
    latestSignals: signals.map((s) => ({ symbol: s.symbol, date: s.date, kind: s.kind, detail: s.detail })),
    topMovers,
    newsCounts: symbols.length > 0 ? await deps.news.countMentions(symbols) : {},
    unknownSymbols: input.symbols.filter((s) => !universe.has(s)),
  };
}
