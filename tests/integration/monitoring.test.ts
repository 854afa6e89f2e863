import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertManager, type AlertEvent } from "../../lib/optimizer/alerts/manager";
import { Engine } from "../../lib/optimizer/engine";
import { ManualClock } from "../../lib/optimizer/monitor/clock";
import { MonitorConfigError, defaultMonitorConfig } from "../../lib/optimizer/monitor/config";
import { fingerprintOf, type Finding, type FindingEvidence } from "../../lib/optimizer/monitor/types";
import { defineOperation } from "../../lib/optimizer/operation";
import { SampleRecorder } from "../../lib/optimizer/recorder";
import { cacheStrategy } from "../../lib/optimizer/strategies/cache";
import { createFaultRegistry } from "../../lib/server/domains/faults/faults";
import { meteredSink } from "../../lib/server/domains/samples/metered-sink";
import { collectMetrics, createMetricsRegistry } from "../../lib/server/domains/prometheus/metrics-registry";
import { pgAlertStore } from "../../lib/server/domains/alerts/pg-alert-store";
import { pgRolloutStore } from "../../lib/server/domains/autopilot/pg-rollout-store";
import { runMonitor } from "../../lib/server/domains/monitor/run-monitor";
import { AUTOPILOT_PAUSED_KEY, MONITOR_RULES_KEY, isAutopilotPaused, loadMonitorConfig, writeSetting } from "../../lib/server/domains/monitor/settings";
import { createTestDatabase } from "../helpers/db";

const START = Date.UTC(2026, 0, 5, 12, 0, 0);
const MIN = 60_000;
const operator = { name: "alice@example.com", role: "operator", origin: "127.0.0.1" };

function finding(operation: string): Finding {
  return {
    fingerprint: fingerprintOf(operation, "baseline", "error_rate"),
    operation,
    variant: "baseline",
    rule: "error_rate",
    severity: "critical",
    summary: `${operation}: 20 of 100 calls failed`,
    evidence: {
      observed: { failures: 20, calls: 100 },
      threshold: { maxRate: 0.05 },
      sampleSizes: { recent: 100 },
      test: { name: "exact binomial, one-sided", statistic: 20, pValue: 1e-9 },
      window: { recent: { from: "a", to: "b" } },
    },
  };
}

describe("monitoring on Postgres", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("round-trips an alert's lifecycle, acknowledgement and silences through pg-alert-store, audited", async () => {
    const clock = new ManualClock(START);
    const store = pgAlertStore(db.pool);
    const events: AlertEvent[] = [];
    const alerts = new AlertManager({ store, clock, config: () => defaultMonitorConfig().alerts, emit: (e) => events.push(e) });
    const tick = async (f: Finding[]) => {
      clock.advance(MIN);
      return alerts.process(f);
    };
    await tick([finding("reports.build")]);
    expect((await store.list({ state: "pending" })).map((a) => a.operation)).toEqual(["reports.build"]);
    await tick([finding("reports.build")]);
    const [firing] = await store.list({ state: "firing" });
    expect(firing).toMatchObject({ state: "firing", firingAt: START + 2 * MIN, notifiedAt: START + 2 * MIN, reopenCount: 0, severity: "critical" });
    expect((firing!.evidence as FindingEvidence).test?.pValue).toBe(1e-9);
    expect(events.filter((e) => e.type === "notify")).toHaveLength(1);

    const acked = await alerts.acknowledge(firing!.id, { note: "on it", expiresAt: START + 10 * MIN }, operator);
    expect((await store.list({ operation: "reports.build" }))[0]).toMatchObject({
      acknowledgedBy: operator.name,
      ackNote: "on it",
      ackExpiresAt: START + 10 * MIN,
    });
    expect(acked.ackExpiresAt).toBe(START + 10 * MIN);

    for (let i = 0; i < 3; i++) await tick([]);
    const [resolved] = await store.list({ state: "resolved" });
    expect(resolved).toMatchObject({ id: firing!.id, resolvedAt: START + 5 * MIN, clearedAt: START + 3 * MIN });
    await tick([finding("reports.build")]);
    await tick([finding("reports.build")]);
    expect(await store.list({ state: "open" })).toEqual([expect.objectContaining({ id: firing!.id, state: "firing", reopenCount: 1 })]);

    const s = await alerts.silence({ operation: "news-crawlers.yahoo", endsAt: clock.now() + 60 * MIN, comment: "feed maintenance" }, operator);
    expect((await store.listSilences({ now: clock.now() })).map((x) => x.id)).toEqual([s.id]);
    await tick([finding("reports.build"), finding("news-crawlers.yahoo")]);
    await tick([finding("reports.build"), finding("news-crawlers.yahoo")]);
    expect((await store.list({ operation: "news-crawlers.yahoo" }))[0]).toMatchObject({ state: "firing", notifiedAt: null });
    await alerts.unsilence(s.id, operator);
    await tick([finding("reports.build"), finding("news-crawlers.yahoo")]);
    expect((await store.list({ operation: "news-crawlers.yahoo" }))[0]!.notifiedAt).toBe(clock.now());

    const audit = await db.pool.query<{ actor: string; action: string }>(
      "select actor, action from audit_event where subject_type in ('alert', 'silence') order by id",
    );
    expect(audit.rows.map((r) => `${r.actor}:${r.action}`)).toEqual([
      "monitor:alert.firing",
      "alice@example.com:alert.acknowledged",
      "monitor:alert.resolved",
      "monitor:alert.reopened",
      "monitor:alert.firing",
      "alice@example.com:silence.created",
      "monitor:alert.firing",
      "alice@example.com:silence.deleted",
    ]);
  });

  it("runMonitor reads the sample windows from Postgres and raises an alert for an error burst", async () => {
    const now = Date.now();
    const rows: unknown[][] = [];
    for (let i = 0; i < 400; i++) {
      const at = new Date(now - 30 * MIN + i * 4_500);
      const recent = at.getTime() > now - 2 * MIN;
      rows.push([at, "price-monitor.check", "baseline", 20 + (i % 7), null, recent && i % 3 === 0 ? "error" : "ok", false, false, "it", 0, i]);
    }
    for (const r of rows) {
      await db.pool.query(
        "insert into sample (at, operation, variant, duration_ms, memory_bytes, outcome, cache_hit, shadow, instance, key_hash, seq) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        r,
      );
    }
    const clock = new ManualClock(now);
    const config = defaultMonitorConfig();
    const first = await runMonitor({ pool: db.pool, clock, config });
    expect(first.fingerprints).toContain("price-monitor.check|baseline|error_rate");
    clock.advance(MIN);
    const second = await runMonitor({ pool: db.pool, clock, config });
    expect(second.firing).toBeGreaterThanOrEqual(1);
    const [alert] = await pgAlertStore(db.pool).list({ operation: "price-monitor.check", rule: "error_rate" });
    expect(alert?.state).toBe("firing");
  });

  it("/metrics text parses as Prometheus format with histograms, state gauges and the drops counter", async () => {
    const metrics = createMetricsRegistry();
    const recorder = new SampleRecorder({ capacity: 8, liveWindow: false });
    const engine = new Engine({ sink: meteredSink(recorder, metrics) });
    const op = engine.register(
      defineOperation({
        name: "technical-indicators.calculate",
        service: "technical-indicators",
        title: "indicators",
        key: (i: { symbol: string }) => i.symbol,
        sideEffects: false,
        baseline: async (i: { symbol: string }) => ({ symbol: i.symbol }),
        strategies: [cacheStrategy<{ symbol: string }, { symbol: string }>({ key: (i) => i.symbol, ttlMs: 60_000, max: 10, maxBytes: 1_000_000 })],
      }),
    );
    const at = new Date().toISOString();
    engine.applyStates(
      [
        {
          id: `${op.name}:cache`,
          operation: op.name,
          strategy: "cache",
          state: "canary",
          percent: 50,
          seed: 1,
          reason: null,
          version: 1,
          updatedAt: at,
          updatedBy: "test",
        },
      ],
      { memory_optimization: true, async_processing: true, background_tasks: true, realtime_streaming: true },
    );
    for (let i = 0; i < 40; i++) await engine.call(op, { symbol: `S${i % 5}` });
    expect(recorder.stats().dropped).toBeGreaterThan(0); // capacity 8, never drained
    await db.pool.query(
      `insert into alert (id, fingerprint, operation, variant, rule, severity, state, summary, evidence, started_at, last_seen_at)
       values (gen_random_uuid()::text, 'x|baseline|error_rate', 'x', 'baseline', 'error_rate', 'critical', 'firing', 's', '{}', now(), now())`,
    );

    const text = await collectMetrics({ metrics, pool: db.pool, engine, recorder });
    const families = parsePrometheusTextFormat(text);
    const byName = new Map(families.map((f) => [f.name, f]));

    const latency = byName.get("perfpilot_operation_duration_seconds");
    expect(latency?.type).toBe("HISTOGRAM");
    expect(Object.keys(latency!.metrics[0]!.buckets ?? {})).toContain("+Inf");
    // The parser folds labelled histograms into one entry (it only keeps unlabelled _count/_sum),
    // so the per-variant counts are read from the text lines themselves.
    const counts = [...text.matchAll(/^perfpilot_operation_duration_seconds_count\{operation="([^"]+)",variant="([^"]+)"\} (\d+)$/gm)];
    expect(counts.map((m) => m[2]).sort()).toEqual(["baseline", "cache"]);
    expect(counts.reduce((n, m) => n + Number(m[3]), 0)).toBe(40);

    expect(byName.get("perfpilot_optimization_state")?.metrics).toEqual([
      { value: "1", labels: { optimization: `${op.name}:cache`, operation: op.name, strategy: "cache", state: "canary" } },
    ]);
    expect(byName.get("perfpilot_optimization_ratio")?.metrics[0]?.value).toBe("0.5"); // canary 50 %, as a 0–1 ratio
    expect(byName.has("perfpilot_optimization_percent")).toBe(false);
    expect(byName.get("perfpilot_sample_buffer_dropped_total")).toMatchObject({ type: "COUNTER", metrics: [{ value: String(recorder.stats().dropped) }] });
    const critical = (await db.pool.query("select count(*)::int as n from alert where state = 'firing' and severity = 'critical'")).rows[0].n;
    expect(critical).toBeGreaterThan(0);
    expect(byName.get("perfpilot_alerts_firing")?.metrics.find((m) => m.labels?.severity === "critical")?.value).toBe(String(critical));
    const ratio = Number(byName.get("perfpilot_cache_hit_ratio")?.metrics[0]?.value);
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    expect(byName.get("perfpilot_operation_runs_total")?.type).toBe("COUNTER");
    expect(byName.has("process_resident_memory_bytes") || byName.has("process_cpu_seconds_total")).toBe(true);
    metrics.stopFolding();
  });

  it("refuses fault injection when disabled; when enabled the engine's lookup sees the fault until it is removed", async () => {
    const disabled = createFaultRegistry(db.pool, { enabled: false });
    const input = { operation: "reports.build", variant: "memory", kind: "latency" as const, amount: 200, mode: "absolute" as const, durationMinutes: 10 };
    await expect(disabled.create(input, operator)).rejects.toMatchObject({ code: "forbidden", status: 403 });
    expect(disabled.lookup("reports.build", "memory", 0)).toBeNull();
    expect((await db.pool.query("select count(*)::int as n from fault_injection")).rows[0].n).toBe(0);

    const enabled = createFaultRegistry(db.pool, { enabled: true });
    const f = await enabled.create(input, operator);
    expect(enabled.lookup("reports.build", "memory", 0)).toEqual({ delayMs: 200, errorRate: 0, holdBytes: 0 });
    expect(enabled.lookup("reports.build", "baseline", 0)).toBeNull();
    const other = createFaultRegistry(db.pool, { enabled: true }); // another instance
    await other.refresh();
    expect(other.lookup("reports.build", "memory", 0)?.delayMs).toBe(200);
    await enabled.remove(f.id, operator);
    expect(enabled.lookup("reports.build", "memory", 0)).toBeNull();
    const audit = await db.pool.query("select action from audit_event where subject_type = 'fault_injection' order by id");
    expect(audit.rows.map((r) => r.action)).toEqual(["fault.created", "fault.deleted"]);
  });

  it("stores rollouts one active per operation, and settings with clear errors", async () => {
    const rollouts = pgRolloutStore(db.pool);
    const r = {
      id: crypto.randomUUID(),
      operation: "reports.build",
      strategy: "memory" as const,
      rule: "memory_high",
      step: "shadow",
      state: "active" as const,
      startedAt: START,
      stepSince: START,
      finishedAt: null,
      lastDecision: null,
    };
    expect(await rollouts.start(r)).toBe(true);
    expect(await rollouts.start({ ...r, id: crypto.randomUUID(), strategy: "async" })).toBe(false);
    await rollouts.save({
      ...r,
      step: "canary_5",
      stepSince: START + 5 * MIN,
      lastDecision: { at: START + 5 * MIN, action: "advance", from: "shadow", to: "canary_5", reason: "ok", evidence: { shadow: { runs: 30 } } },
    });
    expect((await rollouts.active())[0]).toMatchObject({ step: "canary_5", stepSince: START + 5 * MIN, lastDecision: { reason: "ok" } });

    expect(await isAutopilotPaused(db.pool)).toBe(false);
    await writeSetting(db.pool, AUTOPILOT_PAUSED_KEY, true, operator, "maintenance");
    expect(await isAutopilotPaused(db.pool)).toBe(true);
    await writeSetting(db.pool, MONITOR_RULES_KEY, { errorRate: { maxRate: 2 } }, operator);
    await expect(loadMonitorConfig(db.pool)).rejects.toBeInstanceOf(MonitorConfigError);
    await expect(loadMonitorConfig(db.pool)).rejects.toThrow(/errorRate\.maxRate/);
  });
});
