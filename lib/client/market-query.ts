/** The market clock and latest prices (`GET /api/market`), kept current by `market:tick` events. */
import { queryOptions } from "@tanstack/react-query";
import type { TickPayload } from "@/lib/realtime/events";
import type { MarketData } from "./api-types";
import { fetchJson } from "./fetch-json";

export const marketQuery = queryOptions({ queryKey: ["market"] as const, queryFn: () => fetchJson<MarketData>("/api/market") });

/** Merges a tick into the cached market data (symbols without a bar that day keep their price). */
export function mergeTick(old: MarketData | undefined, t: TickPayload): MarketData {
  const bySymbol = new Map((old?.prices ?? []).map((p) => [p.symbol, p]));
  for (const p of t.prices) bySymbol.set(p.symbol, p);
  return { clock: { currentDate: t.date, tickCount: t.tick }, prices: [...bySymbol.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)) };
}
