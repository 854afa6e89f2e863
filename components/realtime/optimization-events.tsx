"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Operation } from "@/lib/client/api-types";
import { keys } from "@/lib/client/queries";
import type { JobRunPayload, OptimizationPayload } from "@/lib/realtime/events";
import type { OptimizationStateName, Strategy } from "@/lib/optimizer/types";
import { useRoom, useSocketEvent } from "./socket-provider";

/** Patches one optimization in the cached operations list (newer versions only). */
export function patchOptimization(ops: Operation[] | undefined, p: OptimizationPayload): Operation[] | undefined {
  return ops?.map((op) =>
    op.name !== p.operation
      ? op
      : {
          ...op,
          optimizations: op.optimizations.map((o) =>
            o.id !== p.id || o.version > p.version
              ? o
              : {
                  ...o,
                  strategy: p.strategy as Strategy,
                  state: p.state as OptimizationStateName,
                  percent: p.percent,
                  reason: p.reason,
                  version: p.version,
                  updatedAt: p.updatedAt,
                  updatedBy: p.updatedBy,
                },
          ),
        },
  );
}

/**
 * Keeps every page's optimization data current: a state change from anyone (another browser,
 * the guard, the autopilot) is applied at once and then reconciled with the server.
 */
export function OptimizationEvents() {
  useRoom("optimizations");
  const qc = useQueryClient();
  const onChange = useCallback(
    (p: OptimizationPayload) => {
      qc.setQueryData<Operation[]>(keys.operations, (old) => patchOptimization(old, p));
      void qc.invalidateQueries({ queryKey: keys.operations });
      void qc.invalidateQueries({ queryKey: keys.auditAll });
    },
    [qc],
  );
  useSocketEvent("optimization:changed", onChange);
  useSocketEvent(
    "optimization:rolled-back",
    useCallback((p: { optimization: OptimizationPayload }) => onChange(p.optimization), [onChange]),
  );
  // Live analyses and rollups are written by scheduled jobs; their `job:finished` event
  // reaches pages that show the market room, the others poll (see lib/client/queries.ts).
  useSocketEvent(
    "job:finished",
    useCallback(
      (j: JobRunPayload) => {
        if (j.job === "live-analysis") {
          void qc.invalidateQueries({ queryKey: keys.operations });
          void qc.invalidateQueries({ queryKey: ["analyses"] });
        } else if (j.job === "rollups") void qc.invalidateQueries({ queryKey: ["rollups"] });
      },
      [qc],
    ),
  );
  return null;
}
