/**
 * OPTIMIZED price snapshot: the same rows as `takeSnapshot`, written with one statement
 * (BatchSnapshotStore.insertMany) instead of one INSERT round trip per symbol.
 */
import type { PriceStore } from "../ports";
import type { BatchSnapshotStore } from "../ports-compact";
import { newestDate, snapshotRow, type TakeSnapshotResult } from "../services/take-snapshot";

/** Variant of `takeSnapshot`: one batched insert. */
export async function takeSnapshotBatched(
  deps: { prices: PriceStore; snapshots: BatchSnapshotStore },
  input: { takenAt: Date },
): Promise<TakeSnapshotResult> {
  const latest = await deps.prices.latestPrices();
  if (latest.length > 0) await deps.snapshots.insertMany(latest.map((p) => snapshotRow(p, input.takenAt)));
  return { marketDate: newestDate(latest), rows: latest.length };
}
