import type { PriceStore, SnapshotStore } from "../ports";

export interface TakeSnapshotResult {
  marketDate: string | null;
  rows: number;
}

/** Baseline price snapshot: every symbol's latest price, change and volume, one INSERT per row. */
export async function takeSnapshot(
  deps: { prices: PriceStore; snapshots: SnapshotStore },
  input: { takenAt: Date },
): Promise<TakeSnapshotResult> {
  const latest = await deps.prices.latestPrices();
  for (const p of latest) {
    await deps.snapshots.insertOne({
      takenAt: input.takenAt,
      marketDate: p.date,
      symbol: p.symbol,
      price: p.close,
      change: p.prevClose === null ? null : p.close - p.prevClose,
      changePct: p.changePct,
      volume: p.volume,
    });
  }
  const marketDate = latest.reduce<string | null>((m, p) => (m === null || p.date > m ? p.date : m), null);
  return { marketDate, rows: latest.length };
}
