"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect } from "react";
import { appendAggregates, LIVE_WINDOW_MS } from "@/lib/client/metric-points";
import { keys } from "@/lib/client/queries";
import type { MetricPayload, ServerEvents } from "@/lib/realtime/events";
import { useRoom, useSocketEvent } from "../realtime/socket-provider";

/**
 * Writes `metrics:second` aggregates into the query cache, one entry per operation holding its
 * last five minutes. Mount once per page that shows live metrics; widgets read the entries with
 * `useLiveAggregates`.
 */
export function MetricsFeed() {
  useRoom("metrics");
  const qc = useQueryClient();
  useEffect(() => {
    // Keep the window while the user moves between pages that show it.
    qc.setQueryDefaults(["live-metrics"], { gcTime: 2 * LIVE_WINDOW_MS });
  }, [qc]);
  const onSecond = useCallback<ServerEvents["metrics:second"]>(
    (p) => {
      const byOperation = new Map<string, MetricPayload[]>();
      for (const a of p.aggregates) {
        const list = byOperation.get(a.operation) ?? [];
        list.push(a);
        byOperation.set(a.operation, list);
      }
      for (const [operation, list] of byOperation) {
        qc.setQueryData<MetricPayload[]>(keys.liveMetrics(operation), (old) => appendAggregates(old, list, p.at));
      }
    },
    [qc],
  );
  useSocketEvent("metrics:second", onSecond);
  return null;
}
