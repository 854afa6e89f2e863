"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { keys } from "@/lib/client/queries";
import type { MetricPayload } from "@/lib/realtime/events";

const NONE: MetricPayload[] = [];

/** The live per-second aggregates of one operation, as written by `MetricsFeed` (never fetched). */
export function useLiveAggregates(operation: string): MetricPayload[] {
  const q = useQuery<MetricPayload[]>({ queryKey: keys.liveMetrics(operation), queryFn: skipToken });
  return q.data ?? NONE;
}
