import { advanceClock as baseline, type AdvanceClockInput } from "../../market/services/advance-clock";
import { defineOperation } from "../../optimizer/operation";
import { operationModule } from "../operation-module";

/** `market-clock.advance`: replays the next trading day (no optimization applies). */
export const advanceClock = operationModule("market-clock.advance", (deps) =>
  defineOperation({
    name: "market-clock.advance",
    service: "market-clock",
    title: "Advance the replayed market by one trading day",
    key: () => "replay",
    sideEffects: true,
    baseline: (i: AdvanceClockInput) => baseline({ clock: deps.clock, broadcaster: deps.broadcaster }, i),
  }),
);
