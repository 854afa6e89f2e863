"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Operation, Optimization } from "@/lib/client/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys } from "@/lib/client/queries";
import { humanize } from "@/lib/format";
import type { OptimizationStateName } from "@/lib/optimizer/types";
import { notifyAction } from "../../toast/action-store";

export interface StateChangeVars {
  id: string;
  state: OptimizationStateName;
  percent?: number;
  reason?: string;
}

/** The share of calls a state implies (the server stores the same: on 100, canary its own, else 0). */
function impliedPercent(v: StateChangeVars): number {
  return v.state === "on" ? 100 : v.state === "canary" ? (v.percent ?? 0) : 0;
}

function patch(ops: Operation[] | undefined, v: StateChangeVars): Operation[] | undefined {
  return ops?.map((op) => ({
    ...op,
    optimizations: op.optimizations.map((o): Optimization =>
      o.id === v.id ? { ...o, state: v.state, percent: impliedPercent(v), reason: v.reason ?? o.reason } : o,
    ),
  }));
}

/** "canary 25%", "rolled back": the state a change asks for, in words. */
function target(v: StateChangeVars): string {
  return v.state === "canary" ? `canary ${v.percent ?? 0}%` : humanize(v.state);
}

/**
 * Changes an optimization's state (PATCH, or POST rollback), shown at once (optimistic) and put
 * back if the server refuses; reconciled with the server when it settles.
 */
export function useOptimizationChange() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: StateChangeVars) => {
      const url = `/api/optimizations/${encodeURIComponent(v.id)}`;
      if (v.state === "rolled_back")
        return fetchJson<unknown>(`${url}/rollback`, { method: "POST", body: JSON.stringify(v.reason ? { reason: v.reason } : {}) });
      const body = { state: v.state, ...(v.state === "canary" ? { percent: v.percent } : {}), ...(v.reason ? { reason: v.reason } : {}) };
      return fetchJson<unknown>(url, { method: "PATCH", body: JSON.stringify(body) });
    },
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: keys.operations });
      const previous = qc.getQueryData<Operation[]>(keys.operations);
      qc.setQueryData<Operation[]>(keys.operations, (old) => patch(old, v));
      return { previous };
    },
    onError: (err, v, ctx) => {
      if (ctx?.previous) qc.setQueryData(keys.operations, ctx.previous);
      notifyAction(`${v.id}: could not change to ${target(v)}: ${err instanceof Error ? err.message : String(err)}`, "bad");
    },
    onSuccess: (_data, v) => {
      notifyAction(v.state === "rolled_back" ? `${v.id} rolled back: every call goes to the baseline.` : `${v.id} is now ${target(v)}.`);
    },
    onSettled: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.operations }),
        qc.invalidateQueries({ queryKey: keys.auditAll }),
        qc.invalidateQueries({ queryKey: keys.optimizationsAll }),
        qc.invalidateQueries({ queryKey: keys.autopilot }),
      ]);
    },
  });
}
