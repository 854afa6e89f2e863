import { takeSnapshot as baseline, type TakeSnapshotResult } from "../../market/services/take-snapshot";
import { takeSnapshotBatched } from "../../market/optimized/snapshot-batched";
import { snapshotEquivalent } from "../../market/optimized/equivalence";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { operationModule, writePorts } from "../operation-module";

/** `price-snapshot.take`: persists every symbol's latest price, change and volume. */
export const takeSnapshot = operationModule("price-snapshot.take", (deps) => {
  // Not idempotent (a second run writes the rows again), but a shadow run writes nothing: its
  // result is the rows it built, so the snapshot can be shadowed.
  const writes = writePorts(deps);
  return defineOperation({
    name: "price-snapshot.take",
    service: "price-snapshot",
    title: "Snapshot of every latest price",
    key: (i: { takenAt: Date }) => i.takenAt.toISOString(),
    sideEffects: true,
    shadowWritesDiscarded: true,
    equivalent: snapshotEquivalent,
    strategies: [
      replaceStrategy<{ takenAt: Date }, TakeSnapshotResult>("batch", "One INSERT … SELECT FROM unnest(...) instead of a round trip per row", (i, cx) =>
        takeSnapshotBatched({ prices: deps.prices, snapshots: writes(cx).batchSnapshots }, i),
      ),
    ],
    timeoutMs: 30_000,
    baseline: (i, cx) => baseline({ prices: deps.prices, snapshots: writes(cx).snapshots }, i),
  });
});
