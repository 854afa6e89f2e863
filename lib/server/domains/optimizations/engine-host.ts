import type pg from "pg";
import type { Logger } from "pino";
import { Engine } from "../../../optimizer/engine";
import { GuardEvaluator, liveWindowSamples } from "../../../optimizer/guards";
import { SampleRecorder, perSecondAggregates } from "../../../optimizer/recorder";
import type { EngineEvent, FaultLookup, OptimizationState } from "../../../optimizer/types";
import { processAllocationMeter } from "../samples/allocation-meter";
import { meteredSink } from "../samples/metered-sink";
import type { PerfpilotMetrics } from "../prometheus/metrics-registry";
import type { Broadcaster, OptimizationPayload } from "../../../realtime/events";
import { startSampleFlusher, type SampleFlusher } from "../samples/sample-flusher";
import { OPTIMIZATIONS_CHANNEL, pgOptimizationStore } from "./pg-optimization-store";
import { listenToChannel } from "../../platform/db/listener";

function toPayload(o: OptimizationState): OptimizationPayload {
  return {
    id: o.id,
    operation: o.operation,
    strategy: o.strategy,
    state: o.state,
    percent: o.percent,
    reason: o.reason,
    version: o.version,
    updatedAt: o.updatedAt,
    updatedBy: o.updatedBy,
  };
}

/**
 * Hosts the framework-free engine in this process: the sample recorder and its Postgres flusher,
 * the optimization store (Postgres, LISTEN/NOTIFY so a change reaches every instance within ~1 s), the
 * continuous guard evaluation, and the per-second live metrics stream.
 */
export async function startEngineHost(deps: {
  pool: pg.Pool;
  connectionString: string;
  broadcaster: Broadcaster;
  instanceId: string;
  log: Logger;
  guardIntervalMs?: number;
  /** Fault injection (tests and demos); absent or disabled in production. */
  faults?: FaultLookup;
  /** Prometheus registry fed from the samples (folded off the call path). */
  metrics?: PerfpilotMetrics;
  /** Called when a guard rolls an optimization back (the monitoring raises an alert). */
  onRollback?: (state: OptimizationState, evidence: import("../../../optimizer/types").GuardEvidence) => void;
}) {
  const { pool, broadcaster, log } = deps;
  const recorder = new SampleRecorder({ capacity: 1 << 17 });
  const store = pgOptimizationStore(pool);

  const onEvent = (e: EngineEvent) => {
    switch (e.type) {
      case "shadow.mismatch":
        broadcaster.publish("shadow:mismatch", e.mismatch, "optimizations");
        void pool
          .query("insert into shadow_mismatch (operation, variant, input_key, diff, instance) values ($1, $2, $3, $4, $5)", [
            e.mismatch.operation,
            e.mismatch.variant,
            e.mismatch.inputKey.slice(0, 500),
            e.mismatch.diff.slice(0, 4000),
            deps.instanceId,
          ])
          .catch((err: unknown) => log.warn({ err }, "could not store a shadow mismatch"));
        break;
      case "memory.warning":
        log.warn({ operation: e.operation, variant: e.variant, memoryMb: e.memoryMb, thresholdMb: e.thresholdMb }, "memory per call above threshold");
        break;
      case "variant.failed":
        log.warn({ operation: e.operation, variant: e.variant, outcome: e.outcome, error: e.error }, "optimized variant failed; fell back to baseline");
        break;
      default:
        break;
    }
  };

  const engine = new Engine({
    sink: deps.metrics ? meteredSink(recorder, deps.metrics) : recorder,
    ...(deps.faults ? { faults: deps.faults } : {}),
    // Bytes allocated per call (GC accounting, never a heap difference). A reading costs 3–5 µs on
    // the call path and 12–17 µs in the next GC: one call in 4 is measured, and at most 10 per
    // second per operation and variant (≤ 0.4 ms of CPU per second each; the bench's median
    // overhead of a call stayed that of the former heap reading, see bench/engine-overhead.ts).
    allocationMeter: processAllocationMeter(),
    memorySampleEvery: 4,
    memorySampleIntervalMs: 100,
    emit: onEvent,
  });

  let reloading: Promise<void> | null = null;
  let reloadAgain = false;
  const reload = async () => {
    const s = await store.load();
    // The versions applied until now, of every stored optimization: `queue` ones too, which are
    // not among an operation's `strategies` (their changes used to reach no browser).
    const before = new Map(s.optimizations.map((o) => [o.id, engine.state(o.id)?.version]));
    engine.applyStates(s.optimizations, s.switches);
    for (const o of s.optimizations) {
      // Every instance reloads after the NOTIFY and tells its own browsers (not all of them: the
      // adapter would deliver it once per instance).
      const was = before.get(o.id);
      if (was !== undefined && was !== o.version) (broadcaster.publishLocal ?? broadcaster.publish)("optimization:changed", toPayload(o), "optimizations");
    }
  };
  const scheduleReload = () => {
    // Coalesce bursts of notices into one reload; a notice that arrives while a reload runs may
    // announce a change that reload has already read past, so one more reload follows it.
    if (reloading) {
      reloadAgain = true;
      return;
    }
    reloading = reload()
      .catch((err: unknown) => log.error({ err }, "could not reload optimization states"))
      .finally(() => {
        reloading = null;
        if (reloadAgain) {
          reloadAgain = false;
          scheduleReload();
        }
      });
  };

  const flusher: SampleFlusher = startSampleFlusher({ recorder, pool, instanceId: deps.instanceId, log: log.child({ component: "flusher" }) });
  const listener = await listenToChannel({
    connectionString: deps.connectionString,
    channel: OPTIMIZATIONS_CHANNEL,
    onNotify: scheduleReload,
    onReconnect: scheduleReload,
    log,
  });

  const guard = new GuardEvaluator({
    engine,
    store,
    samples: liveWindowSamples(recorder),
    onRollback: (st, evidence) => {
      log.warn({ optimization: st.id, rule: evidence.rule, summary: evidence.summary }, "optimization rolled back by guard");
      broadcaster.publish("optimization:rolled-back", { optimization: toPayload(st), summary: evidence.summary }, "optimizations");
      deps.onRollback?.(st, evidence);
    },
  });
  const guardTimer = setInterval(() => {
    guard.evaluate().catch((err: unknown) => log.error({ err }, "guard evaluation failed"));
  }, deps.guardIntervalMs ?? 5_000);
  // Aligned to wall-clock seconds (+50 ms), so a finished call reaches the browsers at most
  // ~1.05 s later: the aggregate of second S is sent right after S ends.
  const publishSecond = () => {
    const now = Date.now();
    const aggregates = perSecondAggregates(recorder, now);
    if (aggregates.length === 0) return;
    broadcaster.publish(
      "metrics:second",
      {
        at: now,
        aggregates: aggregates.map((a) => ({
          at: a.second,
          operation: a.operation,
          variant: a.variant,
          count: a.count,
          errors: a.errors + a.fallbacks,
          p50Ms: a.p50Ms,
          p95Ms: a.p95Ms,
          memoryMeanBytes: a.memoryMeanBytes,
        })),
      },
      "metrics",
    );
  };
  let metricsTimer: ReturnType<typeof setTimeout>;
  const scheduleSecond = () => {
    metricsTimer = setTimeout(
      () => {
        publishSecond();
        scheduleSecond();
      },
      1_050 - (Date.now() % 1_000),
    );
    metricsTimer.unref();
  };
  scheduleSecond();
  guardTimer.unref();

  return {
    engine,
    store,
    recorder,
    flusher,
    guard,
    /** Registers the operations' rows and loads states (call after every operation is registered). */
    async ready() {
      await store.sync(engine.operations());
      await reload();
    },
    reload,
    async stop() {
      clearInterval(guardTimer);
      clearTimeout(metricsTimer);
      await listener.stop();
      await flusher.stop();
    },
  };
}

export type EngineHost = Awaited<ReturnType<typeof startEngineHost>>;
