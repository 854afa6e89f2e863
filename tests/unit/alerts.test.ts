import { describe, expect, it } from "vitest";
import { stepAlerts } from "../../lib/optimizer/alerts/lifecycle";
import { AlertManager, type AlertEvent } from "../../lib/optimizer/alerts/manager";
import { MemoryAlertStore } from "../../lib/optimizer/alerts/store";
import { ManualClock } from "../../lib/optimizer/monitor/clock";
import { defaultMonitorConfig } from "../../lib/optimizer/monitor/config";
import { fingerprintOf, type Finding, type MonitorRule } from "../../lib/optimizer/monitor/types";
import { createRng } from "../../lib/optimizer/stats/rng";
import { latencyModel, monitorLoop, poissonTraffic, type SimSample } from "../helpers/monitoring-sim";

const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const operator = { name: "alice@example.com", role: "operator" };

function finding(operation: string, rule: MonitorRule = "latency_regression"): Finding {
  return {
    fingerprint: fingerprintOf(operation, "baseline", rule),
    operation,
    variant: "baseline",
    rule,
    severity: "warning",
    summary: `${operation} ${rule}`,
    evidence: { observed: { x: 1 }, threshold: { x: 0 }, sampleSizes: { recent: 100 }, test: null, window: { recent: { from: "", to: "" } } },
  };
}

/** An alert manager on a manual clock; `tick(findings)` is one monitor evaluation a minute later. */
function harness() {
  const clock = new ManualClock(START);
  const store = new MemoryAlertStore();
  const events: (AlertEvent & { at: number })[] = [];
  const cfg = defaultMonitorConfig().alerts;
  let n = 0;
  const alerts = new AlertManager({ store, clock, config: () => cfg, emit: (e) => events.push({ ...e, at: clock.now() }), newId: () => `a${++n}` });
  const notes = (op?: string) => events.filter((e) => e.type === "notify" && (op === undefined || e.alert.operation === op));
  const tick = async (findings: Finding[]) => {
    clock.advance(MIN);
    return alerts.process(findings);
  };
  const ticks = async (minutes: number, findings: () => Finding[]) => {
    for (let i = 0; i < minutes; i++) await tick(findings());
  };
  return { clock, store, alerts, events, notes, tick, ticks };
}

describe("alert lifecycle", () => {
  it("goes pending → firing after forSeconds, notifies once, resolves after it stayed clear, and is audited as the monitor", async () => {
    const h = harness();
    await h.tick([finding("a.x")]);
    expect([...h.store.alerts.values()][0]?.state).toBe("pending");
    expect(h.notes()).toHaveLength(0);
    await h.ticks(10, () => [finding("a.x")]);
    const a = [...h.store.alerts.values()][0]!;
    expect(a.state).toBe("firing");
    expect(h.notes()).toHaveLength(1);
    await h.ticks(2, () => []);
    expect(h.store.alerts.get(a.id)?.state).toBe("firing"); // clear for 60 s < resolveAfterSeconds
    await h.tick([]);
    expect(h.store.alerts.get(a.id)?.state).toBe("resolved");
    expect(h.store.audit.map((e) => [e.action, e.actor.name])).toEqual([
      ["alert.firing", "monitor"],
      ["alert.resolved", "monitor"],
    ]);
  });

  it("fires at the evaluation a minute later even when that one runs a little early (scheduling jitter)", () => {
    const cfg = { forSeconds: 60, resolveAfterSeconds: 120, reopenWithinSeconds: 1800 };
    let n = 0;
    const first = stepAlerts([], [finding("a.x")], [], 0, cfg, () => `id${++n}`);
    const pending = first.upsert[0]!;
    expect(pending.state).toBe("pending");
    expect(stepAlerts([pending], [finding("a.x")], [], 59_800, cfg, () => `id${++n}`).upsert[0]!.state).toBe("firing");
    // Well short of the minute (a second evaluation 30 s later) is still pending.
    expect(stepAlerts([pending], [finding("a.x")], [], 30_000, cfg, () => `id${++n}`).upsert[0]!.state).toBe("pending");
  });

  it("a blip shorter than forSeconds is never an alert", async () => {
    const h = harness();
    await h.tick([finding("a.x")]);
    await h.tick([]);
    expect(h.store.alerts.size).toBe(0);
    expect(h.notes()).toHaveLength(0);
    expect(h.events.map((e) => [e.type, e.alert.state, e.type === "changed" && e.discarded === true])).toEqual([
      ["changed", "pending", false],
      ["changed", "pending", true],
    ]);
  });

  it("a condition flapping around its threshold gives one alert and one notification", async () => {
    // Memory per call ~ N(160 MB, 30 MB) against 80 % of a 200 MB budget = 160 MB: each minute's
    // mean is above the threshold about half the time, independently — the worst case for flapping.
    const rng = createRng(7);
    const latency = latencyModel(rng, 50);
    const op = "reports.build";
    let calls = 0;
    const traffic = poissonTraffic(rng, 2, START, (at): SimSample => ({
      operation: op,
      variant: "baseline",
      at,
      durationMs: latency(),
      memoryBytes: ++calls % 4 === 0 ? (160 + 30 * (rng() + rng() + rng() + rng() - 2) * Math.sqrt(3)) * 1_048_576 : null,
      outcome: "ok",
    }));
    const config = defaultMonitorConfig();
    const loop = monitorLoop({ start: START, config, traffic: [traffic] });
    await loop.runUntil(START + 3 * HOUR, () => ({ budgets: { [op]: { memoryBudgetMb: 200 } } }));
    const present = loop.findings.map((f) => f.findings.some((x) => x.rule === "memory_high"));
    const flips = present.slice(1).filter((p, i) => p !== present[i]).length;
    const alerts = [...loop.store.alerts.values()].filter((a) => a.rule === "memory_high");
    console.info(
      `flapping: condition held in ${present.filter(Boolean).length}/${present.length} evaluations, ${flips} flips → ${alerts.length} alert (re-opened ${alerts[0]?.reopenCount} times), ${loop.events.filter((e) => e.type === "notify").length} notification`,
    );
    expect(flips).toBeGreaterThan(40);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.reopenCount).toBeGreaterThan(0);
    expect(loop.events.filter((e) => e.type === "notify")).toHaveLength(1);
  });

  it("re-opens within the cool-down, and creates a new alert after it", async () => {
    const h = harness();
    await h.ticks(3, () => [finding("a.x")]);
    await h.ticks(3, () => []);
    const first = [...h.store.alerts.values()][0]!;
    expect(first.state).toBe("resolved");
    await h.ticks(10, () => []);
    await h.ticks(3, () => [finding("a.x")]);
    expect(h.store.alerts.size).toBe(1);
    expect(h.store.alerts.get(first.id)).toMatchObject({ state: "firing", reopenCount: 1 });
    expect(h.notes()).toHaveLength(1); // re-opened: the user was told minutes ago
    await h.ticks(3, () => []);
    await h.ticks(31, () => []);
    await h.ticks(3, () => [finding("a.x")]);
    expect(h.store.alerts.size).toBe(2);
    expect(h.notes()).toHaveLength(2);
  });
});

describe("acknowledgements and silences", () => {
  it("an acknowledged alert does not notify again until its acknowledgement expires", async () => {
    const h = harness();
    await h.ticks(2, () => [finding("a.x")]);
    const id = [...h.store.alerts.keys()][0]!;
    expect(h.notes()).toHaveLength(1);
    await h.alerts.acknowledge(id, { note: "looking into it", expiresAt: h.clock.now() + 30 * MIN + 30_000 }, operator);
    await h.ticks(30, () => [finding("a.x")]);
    expect(h.notes()).toHaveLength(1);
    await h.tick([finding("a.x")]); // the acknowledgement has expired, the condition still holds
    expect(h.notes()).toHaveLength(2);
    await h.ticks(30, () => [finding("a.x")]);
    expect(h.notes()).toHaveLength(2);
    expect(h.store.audit.find((e) => e.action === "alert.acknowledged")).toMatchObject({ actor: operator, reason: "looking into it" });
  });

  it("an acknowledgement without expiry lasts until the alert resolves; the next alert after the cool-down notifies", async () => {
    const h = harness();
    await h.ticks(2, () => [finding("a.x")]);
    const id = [...h.store.alerts.keys()][0]!;
    await h.alerts.acknowledge(id, { note: "known, fix deployed tomorrow" }, operator);
    await h.ticks(120, () => [finding("a.x")]);
    await h.ticks(3, () => []);
    await h.ticks(2, () => [finding("a.x")]); // re-opened within the cool-down: still acknowledged
    expect(h.notes()).toHaveLength(1);
    await h.ticks(40, () => []);
    await h.ticks(2, () => [finding("a.x")]);
    expect(h.notes()).toHaveLength(2);
  });

  it("a manual resolve of a condition that is still there re-opens and notifies again", async () => {
    const h = harness();
    await h.ticks(2, () => [finding("a.x")]);
    const id = [...h.store.alerts.keys()][0]!;
    await h.alerts.resolve(id, operator, "fixed the index");
    expect(h.store.alerts.get(id)?.state).toBe("resolved");
    await h.ticks(2, () => [finding("a.x")]);
    expect(h.store.alerts.get(id)).toMatchObject({ state: "firing", reopenCount: 1 });
    expect(h.notes()).toHaveLength(2);
    await expect(h.alerts.resolve("nope", operator)).rejects.toMatchObject({ code: "not_found" });
  });

  it("silenced alerts are tracked but not notified until the silence ends", async () => {
    const h = harness();
    await h.alerts.silence({ operation: "a.x", endsAt: START + HOUR, comment: "deploying" }, operator);
    await h.alerts.silence({ rule: "error_rate", endsAt: START + 2 * HOUR, comment: "known flaky upstream" }, operator);
    await h.ticks(30, () => [finding("a.x"), finding("b.y"), finding("c.z", "error_rate")]);
    expect([...h.store.alerts.values()].map((a) => a.state)).toEqual(["firing", "firing", "firing"]);
    expect(h.notes().map((e) => e.alert.operation)).toEqual(["b.y"]);
    await h.ticks(29, () => [finding("a.x"), finding("b.y"), finding("c.z", "error_rate")]);
    expect(h.notes("a.x")).toHaveLength(0);
    await h.tick([finding("a.x"), finding("b.y"), finding("c.z", "error_rate")]); // START + 60 min: the first silence is over
    expect(h.notes("a.x")).toHaveLength(1);
    expect(h.notes("c.z")).toHaveLength(0);
    const rule = (await h.store.listSilences({ now: h.clock.now() })).find((s) => s.rule === "error_rate")!;
    await h.alerts.unsilence(rule.id, operator);
    await h.tick([finding("a.x"), finding("b.y"), finding("c.z", "error_rate")]);
    expect(h.notes("c.z")).toHaveLength(1);
    expect(h.notes()).toHaveLength(3);
  });
});
