/**
 * The outage reporter (issue 12, item 4), without Postgres: each transition of the database watch
 * reaches this instance's browsers (`system:database`, published locally); after recovery the
 * outage is recorded as an alert; an outage it could not store is kept and stored after the next
 * recovery. The real database, stopped and started, is in tests/integration/database-outage.test.ts.
 */
import { describe, expect, it } from "vitest";
import { AlertManager } from "../../lib/optimizer/alerts/manager";
import { MemoryAlertStore, type AlertStore } from "../../lib/optimizer/alerts/store";
import type { IncidentEvidence, LifecycleConfig } from "../../lib/optimizer/alerts/types";
import { ManualClock } from "../../lib/optimizer/monitor/clock";
import type { Broadcaster } from "../../lib/realtime/events";
import { databaseIncident, reportDatabaseOutages } from "../../lib/server/domains/monitor/database-outages";
import type { DatabaseListener, DatabaseState, DatabaseWatch } from "../../lib/server/platform/db/database-watch";

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const S = 1000;
const cfg: LifecycleConfig = { forSeconds: 60, resolveAfterSeconds: 120, reopenWithinSeconds: 1800 };

describe("databaseIncident", () => {
  it("is a critical alert on the database pseudo-operation, worded with the outage's length", () => {
    expect(databaseIncident({ from: T0, to: T0 + 31_400 }, "host-1-42-abc")).toEqual({
      operation: "database",
      variant: "all",
      rule: "database_unavailable",
      severity: "critical",
      summary: "database unavailable for 31 s",
      from: T0,
      to: T0 + 31_400,
      instance: "host-1-42-abc",
    });
    // Short outages keep a tenth of a second.
    expect(databaseIncident({ from: T0, to: T0 + 2_430 }, "a").summary).toBe("database unavailable for 2.4 s");
  });
});

/** A database watch driven by hand: `set(up, at)` makes a transition as the real one does. */
function manualWatch(): DatabaseWatch & { set(up: boolean, at: number): void } {
  let s: DatabaseState = { up: true, since: T0, outages: 0, lastError: null, lastCheckAt: null };
  const listeners = new Set<DatabaseListener>();
  return {
    state: () => ({ ...s }),
    onChange(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    check: async () => ({ ...s }),
    stop: async () => undefined,
    set(up, at) {
      const ended = up && !s.up ? { from: s.since, to: at } : null;
      s = { ...s, up, since: at, outages: s.outages + (up ? 0 : 1) };
      for (const l of listeners) l({ ...s }, ended);
    },
  };
}

function recordingBroadcaster(): Broadcaster & { sent: { local: boolean; event: string; payload: unknown }[] } {
  const sent: { local: boolean; event: string; payload: unknown }[] = [];
  return {
    sent,
    publish: (event, payload) => void sent.push({ local: false, event, payload }),
    publishLocal: (event, payload) => void sent.push({ local: true, event, payload }),
  };
}

const quiet = { info: () => undefined, warn: () => undefined };

describe("reportDatabaseOutages", () => {
  it("tells this instance's browsers at each transition and records the outage after recovery", async () => {
    const watch = manualWatch();
    const b = recordingBroadcaster();
    const store = new MemoryAlertStore();
    const alerts = new AlertManager({ store, clock: new ManualClock(T0 + 60 * S), config: () => cfg });
    const r = reportDatabaseOutages({ watch, alerts, broadcaster: b, instanceId: "a", log: quiet, settleMs: 10, retryMs: 10 });
    watch.set(false, T0 + 10 * S);
    expect(b.sent).toEqual([{ local: true, event: "system:database", payload: { database: "down", downSince: new Date(T0 + 10 * S).toISOString() } }]);
    watch.set(true, T0 + 41 * S);
    expect(b.sent[1]).toEqual({ local: true, event: "system:database", payload: { database: "up", downSince: null } });
    expect(r.pending()).toBe(1);
    await r.flush();
    expect(r.pending()).toBe(0);
    expect([...store.alerts.values()].map((a) => a.summary)).toEqual(["database unavailable for 31 s"]);
    r.stop();
  });

  it("keeps an outage it could not store and stores it once the database is back again", async () => {
    const watch = manualWatch();
    const store = new MemoryAlertStore();
    let failNext = 1;
    // The store fails once, as Postgres does when it goes again right after coming back.
    const flaky: AlertStore = {
      transaction: (fn) =>
        failNext-- > 0 ? Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })) : store.transaction(fn),
      list: (f) => store.list(f),
      listSilences: (o) => store.listSilences(o),
    };
    const alerts = new AlertManager({ store: flaky, clock: new ManualClock(T0 + 60 * S), config: () => cfg });
    const warned: string[] = [];
    const r = reportDatabaseOutages({
      watch,
      alerts,
      broadcaster: recordingBroadcaster(),
      instanceId: "a",
      log: { info: () => undefined, warn: (_o, msg) => void warned.push(msg) },
      settleMs: 60_000,
      retryMs: 60_000,
    });
    watch.set(false, T0);
    watch.set(true, T0 + 5 * S);
    await r.flush();
    expect(r.pending()).toBe(1);
    expect(warned).toEqual(["could not store the database outage alert; retrying"]);
    // Down again: nothing is tried while it is down.
    watch.set(false, T0 + 8 * S);
    await r.flush();
    expect(r.pending()).toBe(1);
    watch.set(true, T0 + 20 * S);
    await r.flush();
    expect(r.pending()).toBe(0);
    // Both outages, the first one's alert joined by the second.
    const [alert] = [...store.alerts.values()];
    expect(store.alerts.size).toBe(1);
    expect((alert!.evidence as IncidentEvidence).episodes.map((e) => e.from)).toEqual([new Date(T0).toISOString(), new Date(T0 + 8 * S).toISOString()]);
    r.stop();
  });
});
