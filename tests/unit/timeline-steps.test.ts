import { describe, expect, it } from "vitest";
import type { AuditEvent, StoredAnalysis } from "../../lib/client/api-types";
import { STEPS, arrivalOf, currentIndex, stepStatus } from "../../components/operation/timeline/steps";

const event = (state: string, percent: number): AuditEvent =>
  ({ at: "2026-11-30T12:00:00.000Z", actor: "ops@example.com", actorRole: "operator", after: { state, percent } }) as unknown as AuditEvent;
const analysis = {} as StoredAnalysis;

/** The status of every step for an optimization at `at` with these audit events and analysed steps. */
function statuses(
  at: { state: "off" | "shadow" | "canary" | "on" | "rolled_back"; percent: number },
  events: AuditEvent[],
  analysed: string[],
  complete = true,
) {
  return STEPS.map((s, i) =>
    stepStatus(i, currentIndex(at), { arrival: arrivalOf(s, events), analysis: analysed.includes(s.key) ? analysis : null }, complete),
  );
}

describe("rollout timeline steps", () => {
  it("marks a step jumped over (off straight to 25 %) as skipped, not done", () => {
    expect(statuses({ state: "canary", percent: 25 }, [event("canary", 25)], [])).toEqual(["skipped", "skipped", "current", "pending", "pending"]);
  });

  it("marks the steps the record shows as done, by an audit event or by an analysis of that step", () => {
    expect(statuses({ state: "canary", percent: 50 }, [event("shadow", 0), event("canary", 50)], ["canary_5"])).toEqual([
      "done",
      "done",
      "skipped",
      "current",
      "pending",
    ]);
  });

  it("says 'unrecorded' rather than 'skipped' when only the newest audit events were fetched", () => {
    expect(statuses({ state: "on", percent: 100 }, [event("on", 100)], [], false)).toEqual(["unrecorded", "unrecorded", "unrecorded", "unrecorded", "current"]);
  });

  it("after a rollback, keeps the steps an earlier rollout reached as visited", () => {
    expect(statuses({ state: "rolled_back", percent: 0 }, [event("shadow", 0), event("canary", 5), event("rolled_back", 0)], [])).toEqual([
      "visited",
      "visited",
      "pending",
      "pending",
      "pending",
    ]);
  });
});
