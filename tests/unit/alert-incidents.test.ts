/**
 * Incidents in the alert manager (issue 12, item 4), without Postgres: an outage reported after
 * recovery becomes one critical firing alert with its audit row and one toast; the same outage
 * reported by a second instance changes nothing; a new outage joins the open alert; the
 * monitor's lifecycle resolves it later.
 */
import { describe, expect, it } from "vitest";
import { EPISODE_SLACK_MS, stepIncident, type Incident } from "../../lib/optimizer/alerts/incident";
import { AlertManager, type AlertEvent } from "../../lib/optimizer/alerts/manager";
import { MemoryAlertStore, type AlertStore } from "../../lib/optimizer/alerts/store";
import type { Alert, IncidentEvidence, LifecycleConfig, Silence } from "../../lib/optimizer/alerts/types";
import { ManualClock } from "../../lib/optimizer/monitor/clock";

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const S = 1000;
const cfg: LifecycleConfig = { forSeconds: 60, resolveAfterSeconds: 120, reopenWithinSeconds: 1800 };
const FP = "database|all|database_unavailable";

/** A database outage as the outage reporter words it (lib/server/domains/monitor/database-outages.ts). */
function outage(from: number, to: number, instance = "a"): Incident {
  const summary = `database unavailable for ${Math.round((to - from) / S)} s`;
  return { operation: "database", variant: "all", rule: "database_unavailable", severity: "critical", summary, from, to, instance };
}

let ids = 0;
const newId = () => `id-${++ids}`;

describe("stepIncident (pure)", () => {
  it("a new outage is a firing critical alert from its start, already cleared at its end, toasted", () => {
    const s = stepIncident([], outage(T0, T0 + 31 * S), [], T0 + 36 * S, cfg, newId);
    expect(s.kind).toBe("new");
    if (s.kind === "duplicate") throw new Error("unreachable");
    expect(s.notify).toBe(true);
    expect(s.alert).toMatchObject({
      fingerprint: FP,
      operation: "database",
      variant: "all",
      rule: "database_unavailable",
      severity: "critical",
      state: "firing",
      summary: "database unavailable for 31 s",
      startedAt: T0,
      firingAt: T0,
      lastSeenAt: T0 + 31 * S,
      clearedAt: T0 + 31 * S,
      notifiedAt: T0 + 36 * S,
      reopenCount: 0,
    });
    const ev = s.alert.evidence as IncidentEvidence;
    expect(ev).toEqual({
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 31 * S).toISOString(),
      seconds: 31,
      instance: "a",
      episodes: [{ from: new Date(T0).toISOString(), to: new Date(T0 + 31 * S).toISOString(), instance: "a" }],
    });
  });

  it("the same outage seen by another instance (shifted by a ping) is a duplicate, whatever the alert's state", () => {
    const first = stepIncident([], outage(T0, T0 + 31 * S, "a"), [], T0 + 36 * S, cfg, newId);
    if (first.kind === "duplicate") throw new Error("unreachable");
    // B's first failed ping came 1.8 s later and its first good ping 1.9 s later.
    const again = stepIncident([first.alert], outage(T0 + 1_800, T0 + 32_900, "b"), [], T0 + 38 * S, cfg, newId);
    expect(again).toEqual({ kind: "duplicate", alert: first.alert });
    const resolved: Alert = { ...first.alert, state: "resolved", resolvedAt: T0 + 200 * S };
    expect(stepIncident([resolved], outage(T0 + 1_800, T0 + 32_900, "b"), [], T0 + 300 * S, cfg, newId).kind).toBe("duplicate");
  });

  it("an outage that starts after the slack is a new episode: it joins the open alert without a second toast", () => {
    const first = stepIncident([], outage(T0, T0 + 10 * S), [], T0 + 15 * S, cfg, newId);
    if (first.kind === "duplicate") throw new Error("unreachable");
    const from = T0 + 10 * S + EPISODE_SLACK_MS + 1;
    const second = stepIncident([first.alert], outage(from, from + 5 * S), [], from + 10 * S, cfg, newId);
    expect(second.kind).toBe("joined");
    if (second.kind === "duplicate") throw new Error("unreachable");
    expect(second.notify).toBe(false);
    expect(second.alert).toMatchObject({
      id: first.alert.id,
      state: "firing",
      startedAt: T0,
      reopenCount: 0,
      clearedAt: from + 5 * S,
      notifiedAt: T0 + 15 * S,
    });
    expect(second.alert.summary).toBe("database unavailable for 5 s");
    expect((second.alert.evidence as IncidentEvidence).episodes).toHaveLength(2);
    expect(second.transition).toMatchObject({ from: "firing", to: "firing" });
  });

  it("re-opens an alert resolved within the cool-down; after it, a new alert", () => {
    const first = stepIncident([], outage(T0, T0 + 10 * S), [], T0 + 15 * S, cfg, newId);
    if (first.kind === "duplicate") throw new Error("unreachable");
    const resolved: Alert = { ...first.alert, state: "resolved", resolvedAt: T0 + 200 * S };
    const soon = stepIncident([resolved], outage(T0 + 600 * S, T0 + 620 * S), [], T0 + 625 * S, cfg, newId);
    expect(soon.kind).toBe("joined");
    if (soon.kind === "duplicate") throw new Error("unreachable");
    expect(soon.alert).toMatchObject({ id: first.alert.id, state: "firing", resolvedAt: null, reopenCount: 1, startedAt: T0 + 600 * S });
    expect(soon.transition.from).toBe("resolved");
    const late = stepIncident([resolved], outage(T0 + 3000 * S, T0 + 3010 * S), [], T0 + 3015 * S, cfg, newId);
    expect(late.kind).toBe("new");
    expect(late.alert.id).not.toBe(first.alert.id);
  });

  it("a silence on the database (or on the rule) stores the alert without a toast", () => {
    const base: Omit<Silence, "operation" | "rule"> = { id: "s", startsAt: T0 - S, endsAt: T0 + 3600 * S, createdBy: "x", comment: null, createdAt: T0 - S };
    for (const s of [
      { ...base, operation: "database", rule: null },
      { ...base, operation: null, rule: "database_unavailable" },
    ]) {
      const step = stepIncident([], outage(T0, T0 + 10 * S), [s], T0 + 15 * S, cfg, newId);
      expect(step).toMatchObject({ kind: "new", notify: false, alert: { notifiedAt: null, state: "firing" } });
    }
    const other = { ...base, operation: "process", rule: null };
    expect(stepIncident([], outage(T0, T0 + 10 * S), [other], T0 + 15 * S, cfg, newId)).toMatchObject({ notify: true });
  });
});

function manager(store: AlertStore, clock: ManualClock, events: AlertEvent[]): AlertManager {
  return new AlertManager({ store, clock, config: () => cfg, emit: (e) => events.push(e) });
}

describe("AlertManager.recordIncident", () => {
  it("stores one alert with its audit row and one toast; two instances reporting the same outage at once still give one", async () => {
    const store = new MemoryAlertStore();
    const clock = new ManualClock(T0 + 40 * S);
    const eventsA: AlertEvent[] = [];
    const eventsB: AlertEvent[] = [];
    const [ra, rb] = await Promise.all([
      manager(store, clock, eventsA).recordIncident(outage(T0, T0 + 31 * S, "a")),
      manager(store, clock, eventsB).recordIncident(outage(T0 + 900, T0 + 32 * S, "b")),
    ]);
    expect([ra.outcome, rb.outcome].sort()).toEqual(["duplicate", "new"]);
    expect(store.alerts.size).toBe(1);
    const [alert] = [...store.alerts.values()];
    expect(alert).toMatchObject({ state: "firing", severity: "critical", summary: "database unavailable for 31 s" });
    expect(store.audit).toEqual([
      expect.objectContaining({
        actor: { name: "monitor", role: "system" },
        action: "alert.firing",
        subjectType: "alert",
        subjectId: alert!.id,
        before: { state: "new" },
        after: { state: "firing", fingerprint: FP, reopenCount: 0 },
        reason: "database unavailable for 31 s",
        evidence: alert!.evidence,
      }),
    ]);
    const notifies = [...eventsA, ...eventsB].filter((e) => e.type === "notify");
    expect(notifies).toHaveLength(1);
    expect(notifies[0]!.alert.id).toBe(alert!.id);
  });

  it("refuses a malformed incident, stores nothing", async () => {
    const store = new MemoryAlertStore();
    const m = manager(store, new ManualClock(T0), []);
    await expect(m.recordIncident({ ...outage(T0, T0 + S), to: T0 - S })).rejects.toThrow(/cannot end before it starts/);
    await expect(m.recordIncident({ ...outage(T0, T0 + S), instance: "" })).rejects.toThrow(/instance is required/);
    await expect(m.recordIncident({ ...outage(T0, T0 + S), from: Number.NaN })).rejects.toThrow(/must be times/);
    expect(store.alerts.size).toBe(0);
    expect(store.audit).toHaveLength(0);
  });

  it("the monitor's lifecycle resolves the outage alert resolveAfterSeconds after the outage ended", async () => {
    const store = new MemoryAlertStore();
    const clock = new ManualClock(T0 + 40 * S);
    const m = manager(store, clock, []);
    const { alert } = await m.recordIncident(outage(T0, T0 + 31 * S));
    // Earlier than resolveAfterSeconds by more than an evaluation's jitter (EVALUATION_JITTER_MS).
    clock.set(T0 + 31 * S + (cfg.resolveAfterSeconds - 3) * S);
    await m.process([]);
    expect(store.alerts.get(alert.id)!.state).toBe("firing");
    clock.set(T0 + 31 * S + cfg.resolveAfterSeconds * S);
    const summary = await m.process([]);
    expect(summary.resolved).toBe(1);
    expect(store.alerts.get(alert.id)).toMatchObject({ state: "resolved", resolvedAt: clock.now() });
    expect(store.audit.map((e) => e.action)).toEqual(["alert.firing", "alert.resolved"]);
  });
});
