/**
 * Database outages handled out loud (issue 12, item 4), against a real PostgreSQL that this file
 * starts for itself and stops for real (the postmaster shuts down: connections are cut, new ones
 * refused) while two instances' monitoring watches it: both see it down and up, their browsers
 * hear it, /metrics answers during it with `perfpilot_database_up 0`, the sample flusher's
 * failures are counted and its samples kept, and after recovery exactly one alert is stored
 * and toasted — also when the database goes again before it could be stored.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as ping } from "../../app/api/ping/route";
import { Engine } from "../../lib/optimizer/engine";
import type { IncidentEvidence } from "../../lib/optimizer/alerts/types";
import { SampleRecorder } from "../../lib/optimizer/recorder";
import type { Broadcaster } from "../../lib/realtime/events";
import { createFaultRegistry } from "../../lib/server/domains/faults/faults";
import type { MonitoringRuntime } from "../../lib/server/domains/monitor/monitoring-runtime";
import { startMonitoring } from "../../lib/server/domains/monitor/start-monitoring";
import { pgOptimizationStore } from "../../lib/server/domains/optimizations/pg-optimization-store";
import { collectMetrics, createMetricsRegistry } from "../../lib/server/domains/prometheus/metrics-registry";
import { startSampleFlusher, type SampleFlusher } from "../../lib/server/domains/samples/sample-flusher";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../../lib/server/platform/db/migrate";
import { createPool } from "../../lib/server/platform/db/pool";
import { freePort } from "../../scripts/spawn-server";
import { waitFor } from "../helpers/wait";

const FP = "database|all|database_unavailable";
// Fast pings so an outage fits in seconds; the logic is the production one. The interval stays
// above the alert manager's episode slack (250 ms), as the production one (2 s) does. The settle
// delay (2 s) outlasts stopping Postgres and seeing it (~1 s): the second test relies on it.
const WATCH = { intervalMs: 300, timeoutMs: 500, failuresToDown: 2, settleMs: 2_000, retryMs: 300 };

type Sent = { local: boolean; event: string; payload: unknown };
type Logged = { level: string; msg: string; obj: Record<string, unknown> };

interface Instance {
  name: string;
  pool: pg.Pool;
  sent: Sent[];
  logged: Logged[];
  monitoring: MonitoringRuntime;
  recorder: SampleRecorder;
  flusher: SampleFlusher;
  metrics: ReturnType<typeof createMetricsRegistry>;
}

let tmp: string;
let dataDir: string;
let port: number;
let pgHandle: EmbeddedPostgresHandle | null = null;
let url: string;
let admin: pg.Pool;
const instances: Instance[] = [];

async function startPostgres(): Promise<void> {
  pgHandle = await startEmbeddedPostgres({ dataDir, port, database: "perfpilot" });
  url = pgHandle.connectionString;
}

async function stopPostgres(): Promise<void> {
  await pgHandle?.stop();
  pgHandle = null;
}

async function startInstance(name: string): Promise<Instance> {
  const pool = createPool(url, 4);
  const sent: Sent[] = [];
  const logged: Logged[] = [];
  const broadcaster: Broadcaster = {
    publish: (event, payload) => void sent.push({ local: false, event, payload }),
    publishLocal: (event, payload) => void sent.push({ local: true, event, payload }),
  };
  const log = (level: string) => (obj: object, msg: string) => void logged.push({ level, msg, obj: obj as Record<string, unknown> });
  const recorder = new SampleRecorder({ capacity: 1 << 12, liveWindow: false });
  const flusher = startSampleFlusher({ recorder, pool, instanceId: name, intervalMs: 100, log: { info: log("info"), warn: log("warn"), error: log("error") } });
  const metrics = createMetricsRegistry({ defaultMetrics: false });
  const monitoring = await startMonitoring({
    pool,
    broadcaster,
    engine: new Engine({ sink: recorder }),
    store: pgOptimizationStore(pool),
    recorder,
    faults: createFaultRegistry(pool, { enabled: false }),
    metrics,
    instanceId: name,
    flusher,
    databaseWatch: WATCH,
    log: { info: log("info"), warn: log("warn"), error: log("error") },
  });
  const i = { name, pool, sent, logged, monitoring, recorder, flusher, metrics };
  instances.push(i);
  return i;
}

function record(i: Instance, n: number): void {
  const now = Date.now();
  for (let k = 0; k < n; k++)
    i.recorder.record({
      at: now,
      operation: "toy.op",
      variant: "baseline",
      durationMs: 1,
      memoryBytes: null,
      outcome: "ok",
      cacheHit: false,
      shadow: false,
      keyHash: k,
    });
}

const recorded = (i: Instance) => i.logged.filter((l) => l.msg === "database outage recorded").map((l) => l.obj.outcome);

async function outageAlerts(): Promise<{ id: string; state: string; severity: string; summary: string; evidence: IncidentEvidence }[]> {
  return (await admin.query("select id, state, severity, summary, evidence from alert where fingerprint = $1 order by started_at", [FP])).rows;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-outage-"));
  fs.chmodSync(tmp, 0o755);
  dataDir = path.join(tmp, "postgres");
  port = await freePort();
  await startPostgres();
  await applyMigrations(url);
}, 60_000);

afterAll(async () => {
  for (const i of instances) {
    await i.monitoring.stop();
    await i.flusher.stop();
    await i.pool.end();
  }
  await admin?.end();
  await stopPostgres();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("a real database outage, two instances watching", () => {
  it("is seen down and up by both, told to their browsers, answered by /metrics, and becomes exactly one alert", async () => {
    const a = await startInstance("instance-a");
    const b = await startInstance("instance-b");
    expect(a.monitoring.database.state()).toMatchObject({ up: true, outages: 0 });
    // The processes' slot holds the last watch started (b); /api/ping reads it without a query.
    const before = await (await ping(new NextRequest("http://localhost/api/ping"), { params: Promise.resolve({}) })).json();
    expect(before).toEqual({ status: "ok", database: "up", downSince: null });

    record(a, 500);
    await waitFor(() => a.flusher.stats().written >= 500, { message: "the first samples written" });

    const stoppedAt = Date.now();
    await stopPostgres();
    for (const i of [a, b]) await waitFor(() => !i.monitoring.database.state().up, { timeoutMs: 5_000, message: `${i.name} to see the database down` });
    const down = a.monitoring.database.state();
    expect(down.since).toBeGreaterThanOrEqual(stoppedAt - WATCH.intervalMs);
    expect(down.outages).toBe(1);
    for (const i of [a, b]) {
      expect(i.sent).toEqual([{ local: true, event: "system:database", payload: { database: "down", downSince: expect.any(String) } }]);
    }
    const during = await (await ping(new NextRequest("http://localhost/api/ping"), { params: Promise.resolve({}) })).json();
    expect(during).toMatchObject({ status: "ok", database: "down" });
    expect(Date.parse(during.downSince)).toBeGreaterThanOrEqual(stoppedAt - WATCH.intervalMs);

    // Samples recorded during the outage wait in the flusher's retry slot; its failures are counted.
    record(a, 300);
    await waitFor(() => a.flusher.stats().failures >= 1 && a.flusher.stats().pendingSamples === 300, { message: "a failed flush keeping 300 samples" });

    const t0 = performance.now();
    const text = await collectMetrics({ metrics: a.metrics, pool: a.pool, recorder: a.recorder, flusher: a.flusher, database: a.monitoring.database });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1_000);
    expect(text).toMatch(/^perfpilot_database_up 0$/m);
    expect(text).toMatch(/^perfpilot_database_outages_total 1$/m);
    const failures = Number(/^perfpilot_sample_flush_failures_total (\d+)$/m.exec(text)?.[1]);
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^perfpilot_sample_retry_size 300$/m);
    expect(text).toMatch(/^perfpilot_sample_retry_dropped_total 0$/m);
    expect(text).toMatch(/^perfpilot_sample_rejected_total 0$/m);
    // The gauges read from Postgres are left out, not stale and not failing the scrape.
    expect(text).not.toMatch(/^perfpilot_alerts_firing\{/m);
    expect(text).not.toMatch(/^perfpilot_queue_depth\{/m);
    // Without the watch's verdict the queries are tried, and their refusal leaves those gauges out too.
    const unwatched = await collectMetrics({ metrics: a.metrics, pool: a.pool });
    expect(unwatched).toMatch(/^perfpilot_sample_retry_size 300$/m);
    expect(unwatched).not.toMatch(/^perfpilot_alerts_firing\{/m);

    // Long enough to be an outage, not a blip; then Postgres comes back on the same port.
    await new Promise((r) => setTimeout(r, 1_500));
    await startPostgres();
    admin = createPool(url, 2);
    for (const i of [a, b]) await waitFor(() => i.monitoring.database.state().up, { timeoutMs: 5_000, message: `${i.name} to see the database back` });
    for (const i of [a, b]) {
      expect(i.sent.filter((s) => s.event === "system:database").map((s) => s.payload)).toEqual([
        { database: "down", downSince: expect.any(String) },
        { database: "up", downSince: null },
      ]);
    }

    // Each instance reports what it saw, after the settle delay; one stores it, the other finds it.
    for (const i of [a, b]) await waitFor(() => recorded(i).length === 1, { timeoutMs: 5_000, message: `${i.name} to report its outage` });
    expect([...recorded(a), ...recorded(b)].sort()).toEqual(["duplicate", "new"]);
    const alerts = await outageAlerts();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({ state: "firing", severity: "critical", summary: expect.stringMatching(/^database unavailable for \d+(\.\d)? s$/) });
    const ev = alert!.evidence;
    expect(["instance-a", "instance-b"]).toContain(ev.instance);
    expect(Date.parse(ev.from)).toBeGreaterThanOrEqual(stoppedAt - WATCH.intervalMs);
    expect(ev.seconds).toBeGreaterThanOrEqual(1.5);
    expect(ev.seconds).toBeCloseTo((Date.parse(ev.to) - Date.parse(ev.from)) / 1000, 1);
    const audit = await admin.query("select action, actor, evidence from audit_event where subject_type = 'alert' and subject_id = $1", [alert!.id]);
    expect(audit.rows).toEqual([{ action: "alert.firing", actor: "monitor", evidence: expect.objectContaining({ from: ev.from, to: ev.to }) }]);
    // One toast, to every browser (through the adapter: publish, not publishLocal).
    const toasts = [...a.sent, ...b.sent].filter((s) => s.event === "alert:notify");
    expect(toasts).toEqual([{ local: false, event: "alert:notify", payload: expect.objectContaining({ id: alert!.id, severity: "critical" }) }]);

    // Nothing recorded during the outage is lost: the retry slot is written after recovery.
    await waitFor(() => a.flusher.stats().pendingSamples === 0 && a.flusher.stats().written === 800, { message: "the kept samples written" });
    expect((await admin.query("select count(*)::int n from sample where instance = 'instance-a'")).rows[0].n).toBe(800);
    const after = await collectMetrics({ metrics: a.metrics, pool: a.pool, flusher: a.flusher, database: a.monitoring.database });
    expect(after).toMatch(/^perfpilot_database_up 1$/m);
    expect(after).toMatch(/^perfpilot_sample_retry_size 0$/m);
    expect(after).toMatch(/^perfpilot_alerts_firing\{severity="critical"\} 1$/m);
  }, 40_000);

  it("an outage that could not be stored because the database went again is stored after the next recovery", async () => {
    const [a, b] = instances as [Instance, Instance];
    const episodes = (await outageAlerts())[0]!.evidence.episodes.length;
    const reports = recorded(a).length + recorded(b).length;
    // Outage 1, then outage 2 right after recovery, before the settle delay lets anyone store it.
    await stopPostgres();
    for (const i of [a, b]) await waitFor(() => !i.monitoring.database.state().up, { message: `${i.name} to see outage 1` });
    await new Promise((r) => setTimeout(r, 800));
    await startPostgres();
    for (const i of [a, b]) await waitFor(() => i.monitoring.database.state().up, { message: `${i.name} to see the database back` });
    await stopPostgres();
    for (const i of [a, b]) await waitFor(() => i.monitoring.database.state().outages === 3, { message: `${i.name} to see outage 2` });
    expect(recorded(a).length + recorded(b).length, "outage 1 stored although the database went again").toBe(reports);
    await new Promise((r) => setTimeout(r, 800));
    await startPostgres();
    for (const i of [a, b]) await waitFor(() => i.monitoring.database.state().up, { message: `${i.name} to see the database back` });
    // Every outage each instance saw is reported; the alert gains the two new episodes, nothing more.
    await waitFor(async () => (await outageAlerts())[0]!.evidence.episodes.length === episodes + 2, {
      timeoutMs: 10_000,
      message: "both outages on the alert",
    });
    await waitFor(() => recorded(a).length + recorded(b).length >= reports + 4 || null, { timeoutMs: 10_000, message: "every report handled" });
    const alerts = await outageAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence.episodes).toHaveLength(episodes + 2);
    // The first instance's report of each new outage joined the open alert; no second toast.
    expect([...a.sent, ...b.sent].filter((s) => s.event === "alert:notify")).toHaveLength(1);
    const actions = (await admin.query("select action from audit_event where subject_type = 'alert' order by id")).rows.map((r) => r.action);
    expect(actions).toEqual(["alert.firing", "alert.recurred", "alert.recurred"]);
  }, 40_000);
});
