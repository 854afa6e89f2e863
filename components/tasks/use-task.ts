"use client";
import { useQuery } from "@tanstack/react-query";
import { taskQuery } from "@/lib/client/queries";

export const TERMINAL_TASK_STATES = new Set(["completed", "failed", "cancelled"]);

/**
 * One task, kept current by `task:updated` (TaskFeed); polled every 2 s as a fallback while it
 * runs, in case an event was missed.
 */
export function useTask(id: string | null) {
  return useQuery({
    ...taskQuery(id ?? "none"),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && TERMINAL_TASK_STATES.has(q.state.data.state) ? false : 2000),
  });
}
