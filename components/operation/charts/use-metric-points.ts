"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Sample } from "@/lib/client/api-types";
import { usesSamples, type ChartRange } from "@/lib/client/chart-range";
import { fetchJson } from "@/lib/client/fetch-json";
import { mergeLiveWindow, pointsFromAggregates, pointsFromRollups, pointsFromSamples, type MetricPoint } from "@/lib/client/metric-points";
import { fetchRollupRange, keys, MAX_ROLLUP_PAGES, rollupsQuery, sampleFillQuery } from "@/lib/client/queries";
import { useLiveAggregates } from "../../live/use-live-aggregates";

const NONE: MetricPoint[] = [];
const SAMPLE_LIMIT = 10_000;
/** What the chart's note says when a range holds more than it reads. */
const SAMPLES_CUT = `The data holds only the newest ${SAMPLE_LIMIT.toLocaleString("en")} samples of the range.`;
const ROLLUPS_CUT = `The data holds only the first ${(MAX_ROLLUP_PAGES * 10_000).toLocaleString("en")} rollups of the range.`;

// A custom range is fixed in time: its data never changes once written, except for the newest
// minute, so it is not refetched on an interval. Keys start like the presets' so a `rollups`
// invalidation (job:finished) reaches them too.
const customRollupsQuery = (operation: string, from: number, to: number) =>
  queryOptions({
    queryKey: [...keys.rollups(operation, 0), from, to],
    queryFn: () => fetchRollupRange(operation, new Date(from), new Date(to)),
  });

const customSamplesQuery = (operation: string, from: number, to: number) =>
  queryOptions({
    queryKey: ["metrics-samples", operation, from, to],
    queryFn: () =>
      fetchJson<{ samples: Sample[] }>(
        `/api/metrics/samples?${new URLSearchParams({ operation, from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: String(SAMPLE_LIMIT) })}`,
      ).then((r) => r.samples),
    // Samples reach the database in batches: a range ending in the last minute is refetched until it is complete.
    staleTime: Infinity,
    refetchInterval: () => (to > Date.now() - 60_000 ? 5_000 : false),
  });

/**
 * Chart points for a range: live = raw samples of the last 5 min aggregated per second, then
 * continued by `metrics:second` events; 1 h / 24 h = per-minute rollups; custom = per-second
 * samples up to 15 min (a drag-zoom into the live chart), per-minute rollups beyond.
 */
export function useMetricPoints(operation: string, range: ChartRange, now: number) {
  const isLive = range.kind === "live";
  const custom = range.kind === "custom" ? range : null;
  const live = useLiveAggregates(operation);
  const fill = useQuery({ ...sampleFillQuery(operation, 5), enabled: isLive });
  const hours = range.kind === "24h" ? 24 : 1;
  const presetRollups = useQuery({ ...rollupsQuery(operation, hours), enabled: range.kind === "1h" || range.kind === "24h" });
  const customSamples = useQuery({ ...customSamplesQuery(operation, custom?.from ?? 0, custom?.to ?? 0), enabled: !!custom && usesSamples(range) });
  const customRollups = useQuery({ ...customRollupsQuery(operation, custom?.from ?? 0, custom?.to ?? 0), enabled: !!custom && !usesSamples(range) });

  const fillPoints = useMemo(() => (fill.data ? pointsFromSamples(fill.data) : NONE), [fill.data]);
  const livePoints = useMemo(() => pointsFromAggregates(live), [live]);
  // Recomputed once per second at most (now ticks per second in the live window).
  const windowPoints = useMemo(() => (isLive ? mergeLiveWindow(fillPoints, livePoints, now) : NONE), [fillPoints, livePoints, now, isLive]);
  const rollupSource = custom ? customRollups : presetRollups;
  const rollupPoints = useMemo(() => (rollupSource.data ? pointsFromRollups(rollupSource.data.items) : NONE), [rollupSource.data]);
  // A zoom into the live chart also shows the seconds whose samples are not in the database yet.
  const samplePoints = useMemo(() => {
    if (!custom) return NONE;
    const byKey = new Map<string, MetricPoint>();
    for (const p of customSamples.data ? pointsFromSamples(customSamples.data) : NONE) byKey.set(`${p.variant}|${p.t}`, p);
    for (const p of livePoints) if (p.t >= custom.from && p.t <= custom.to) byKey.set(`${p.variant}|${p.t}`, p);
    return [...byKey.values()].sort((a, b) => a.t - b.t);
  }, [customSamples.data, livePoints, custom]);

  if (isLive) {
    return {
      points: windowPoints,
      loading: fill.isPending && livePoints.length === 0,
      error: fill.error,
      retry: () => void fill.refetch(),
      truncated: (fill.data?.length ?? 0) >= SAMPLE_LIMIT ? SAMPLES_CUT : null,
    };
  }
  if (custom && usesSamples(range)) {
    return {
      points: samplePoints,
      loading: customSamples.isPending && samplePoints.length === 0,
      error: customSamples.error,
      retry: () => void customSamples.refetch(),
      truncated: (customSamples.data?.length ?? 0) >= SAMPLE_LIMIT ? SAMPLES_CUT : null,
    };
  }
  return {
    points: rollupPoints,
    loading: rollupSource.isPending,
    error: rollupSource.error,
    retry: () => void rollupSource.refetch(),
    truncated: rollupSource.data?.truncated ? ROLLUPS_CUT : null,
  };
}
