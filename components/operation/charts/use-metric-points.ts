"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { mergeLiveWindow, pointsFromAggregates, pointsFromRollups, pointsFromSamples, type MetricPoint } from "@/lib/client/metric-points";
import { rollupsQuery, sampleFillQuery } from "@/lib/client/queries";
import { useLiveAggregates } from "../../live/use-live-aggregates";
import type { ChartWindow } from "./window-select";

const NONE: MetricPoint[] = [];

/**
 * Chart points for a window: live = raw samples of the last 5 min aggregated per second, then
 * continued by `metrics:second` events; 1 h / 24 h = per-minute rollups.
 */
export function useMetricPoints(operation: string, window: ChartWindow, now: number) {
  const live = useLiveAggregates(operation);
  const fill = useQuery({ ...sampleFillQuery(operation, 5), enabled: window === "live" });
  const hours = window === "24h" ? 24 : 1;
  const rollups = useQuery({ ...rollupsQuery(operation, hours), enabled: window !== "live" });

  const fillPoints = useMemo(() => (fill.data ? pointsFromSamples(fill.data) : NONE), [fill.data]);
  const livePoints = useMemo(() => pointsFromAggregates(live), [live]);
  const rollupPoints = useMemo(() => (rollups.data ? pointsFromRollups(rollups.data) : NONE), [rollups.data]);
  // Recomputed once per second at most (now ticks per second in the live window).
  const windowPoints = useMemo(() => mergeLiveWindow(fillPoints, livePoints, now), [fillPoints, livePoints, now]);

  if (window === "live") {
    return {
      points: windowPoints,
      loading: fill.isPending && livePoints.length === 0,
      error: fill.error,
      retry: () => void fill.refetch(),
      truncated: (fill.data?.length ?? 0) >= 10_000,
    };
  }
  return { points: rollupPoints, loading: rollups.isPending, error: rollups.error, retry: () => void rollups.refetch(), truncated: false };
}
