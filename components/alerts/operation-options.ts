"use client";
import { useQuery } from "@tanstack/react-query";
import { operationsQuery } from "@/lib/client/queries";
import { DATABASE_OPERATION } from "@/lib/optimizer/alerts/types";
import { PROCESS_OPERATION } from "@/lib/optimizer/monitor/types";

/** Operation names for filter and silence selects: the registered ones, `process`, `database`, and `extra` if set. */
export function useOperationNames(extra?: string): string[] {
  const q = useQuery(operationsQuery);
  const names = new Set((q.data ?? []).map((o) => o.name));
  names.add(PROCESS_OPERATION);
  names.add(DATABASE_OPERATION);
  if (extra) names.add(extra);
  return [...names].sort();
}
