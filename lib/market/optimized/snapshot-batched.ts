/**
 * OPTIMIZED price snapshot: the same rows as `takeSnapshot`, written with one statement
 * (BatchSnapshotStore.insertMany) instead of one INSERT round trip per symbol.
 */
import type { PriceStore } from "../ports";
import type { BatchSnapshotStore } from "../ports-compact";
import { newestDate, snapshotDigest, snapshotRow, type TakeSnapshotResult } from "../services/take-snapshot";

/** Variant of `takeSnapshot`: one batched insert. */
export async function takeSnapshotBatched(deps: { prices: PriceStore; snapshots: BatchSnapshotStore }, input: { takenAt: Date }): Promise<TakeSnapshotResult> {
  const latest = await deps.prices.latestPrices();
  const rows = latest.map((p) => snapshotRow(p, input.takenAt));
  if (rows.length > 0) await deps.snapshots.insertMany(rows);
  return { marketDate: newestDate(latest), rows: rows.length, digest: snapshotDigest(rows) };
}
