import { takeSnapshot as baseline, type TakeSnapshotResult } from "../../market/services/take-snapshot";
import { takeSnapshotBatched } from "../../market/optimized/snapshot-batched";
import { defineOperation } from "../../optimizer/operation";
import { replaceStrategy } from "../../optimizer/strategies/replace";
import { operationModule } from "../operation-module";

/** `price-snapshot.take`: persists every symbol's latest price, change and volume. */
export const takeSnapshot = operationModule("price-snapshot.take", (deps) =>
  defineOperation({
    name: "price-snapshot.take",
    service: "price-snapshot",
    title: "Snapshot of every latest price",
    key: (i: { takenAt: Date }) => i.takenAt.toISOString(),
    sideEffects: true,
    strategies: [
      replaceStrategy<{ takenAt: Date }, TakeSnapshotResult>("batch", "One INSERT … SELECT FROM unnest(...) instead of a round trip per row", (i) =>
        takeSnapshotBatched({ prices: deps.prices, snapshots: deps.batchSnapshots }, i),
      ),
    ],
    timeoutMs: 30_000,
    baseline: (i) => baseline({ prices: deps.prices, snapshots: deps.snapshots }, i),
  }),
);
