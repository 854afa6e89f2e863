import type { LatestPriceRow, PriceStore, SnapshotRow, SnapshotStore } from "../ports";

export interface TakeSnapshotResult {
  marketDate: string | null;
  rows: number;
}

/** The snapshot row of one latest price (shared by every variant). */
export function snapshotRow(p: LatestPriceRow, takenAt: Date): SnapshotRow {
  return {
    takenAt,
    marketDate: p.date,
    symbol: p.symbol,
    price: p.close,
    change: p.prevClose === null ? null : p.close - p.prevClose,
    changePct: p.changePct,
    volume: p.volume,
  };
}

/** The newest market date among the latest prices (null when there are none). */
export function newestDate(latest: LatestPriceRow[]): string | null {
  return latest.reduce<string | null>((m, p) => (m === null || p.date > m ? p.date : m), null);
}

/** Baseline price snapshot: every symbol's latest price, change and volume, one INSERT per row. */
export async function takeSnapshot(
  deps: { prices: PriceStore; snapshots: SnapshotStore },
  input: { takenAt: Date },
): Promise<TakeSnapshotResult> {
  const latest = await deps.prices.latestPrices();
  for (const p of latest) await deps.snapshots.insertOne(snapshotRow(p, input.takenAt));
  return { marketDate: newestDate(latest), rows: latest.length };
}
