import { route } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { collectMetrics, METRICS_CONTENT_TYPE } from "@/lib/server/domains/prometheus/metrics-registry";
import { getMonitoring } from "@/lib/server/domains/monitor/monitoring-runtime";

export const dynamic = "force-dynamic";

/**
 * Prometheus exposition (text format 0.0.4): latency histograms, runs, errors, cache hit ratio,
 * optimization states, alerts, queues, buffers, the sample flusher, the database, process.
 * Viewer access: a scraper sends an API token (`Authorization: Bearer pp_…`, Prometheus'
 * `authorization` scrape setting). During a database outage it answers with what this process
 * knows (`perfpilot_database_up 0`; the gauges read from Postgres left out).
 */
export const GET = route({ access: "viewer" }, async () => {
  const rt = getRuntime();
  const m = getMonitoring();
  const text = await collectMetrics({ metrics: m.metrics, pool: rt.pool, engine: rt.engine, recorder: rt.recorder, flusher: m.flusher, database: m.database });
  return new Response(text, { headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" } });
});
