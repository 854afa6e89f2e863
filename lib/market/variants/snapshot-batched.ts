/**
 * OPTIMIZED price snapshot: the same rows as `takeSnapshot`, written with one statement
 * (BatchSnapshotStore.insertMany) instead of one INSERT round trip per symbol.
 */
import type { PriceStore, SnapshotRow } from "../ports";
import type { BatchSnapshotStore } from "../ports-compact";
import type { TakeSnapshotResult } from "../services/take-snapshot";

/** Variant of `takeSnapshot`: one batched insert. */
export async function takeSnapshotBatched(
  deps: { prices: PriceStore; snapshots: BatchSnapshotStore },
  input: { takenAt: Date },
): Promise<TakeSnapshotResult> {
  const latest = await deps.prices.latestPrices();
  const rows: SnapshotRow[] = latest.map((p) => ({
    takenAt: input.takenAt,
    marketDate: p.date,
    symbol: p.symbol,
    price: p.close,
    change: p.prevClose === null ? null : p.close - p.prevClose,
    changePct: p.changePct,
    volume: p.volume,
  }));
  if (rows.length > 0) await deps.snapshots.insertMany(rows);
  const marketDate = latest.reduce<string | null>((m, p) => (m === null || p.date > m ? p.date : m), null);
  return { marketDate, rows: latest.length };
}
