"use client";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { AuditEvent } from "@/lib/client/api-types";
import { stateLabel } from "@/lib/format";
import { auditQuery, operationsQuery } from "@/lib/client/queries";
import type { OptimizationPayload } from "@/lib/realtime/events";
import { useRoom, useSocketEvent } from "../../realtime/socket-provider";
import type { ChartMarker } from "./time-series-chart";

const NONE: ChartMarker[] = [];

function strategyOf(id: string): string {
  return id.slice(id.indexOf(":") + 1);
}

function markerOf(e: AuditEvent): ChartMarker | null {
  if (e.action !== "optimization.set_state" && e.action !== "optimization.rollback") return null;
  const after = (e.after ?? {}) as { state?: string; percent?: number };
  const t = Date.parse(e.at);
  if (!Number.isFinite(t)) return null;
  const rollback = e.action === "optimization.rollback";
  return {
    t,
    kind: rollback ? "rollback" : "state",
    label: `${strategyOf(e.subjectId)}: ${rollback ? "rolled back" : stateLabel(after.state ?? "?", after.percent)}`,
  };
}

function markerOfPayload(p: OptimizationPayload, rollback: boolean): ChartMarker {
  return {
    t: Date.parse(p.updatedAt),
    kind: rollback || p.state === "rolled_back" ? "rollback" : "state",
    label: `${p.strategy}: ${rollback ? "rolled back" : stateLabel(p.state, p.percent)}`,
  };
}

/**
 * State changes and rollbacks of the operation's optimizations as chart markers: the audit log
 * (`GET /api/audit?subjectId=<optimization id>`) plus live `optimization:changed` /
 * `optimization:rolled-back` events, shown at once and replaced by the audited row on refetch
 * (the same transaction stamps both times, so they coincide and are merged).
 */
export function useAnnotations(operation: string): ChartMarker[] {
  useRoom("optimizations");
  const ops = useQuery(operationsQuery);
  const ids = useMemo(() => ops.data?.find((o) => o.name === operation)?.optimizations.map((o) => o.id) ?? [], [ops.data, operation]);
  const auditData = useQueries({ queries: ids.map((id) => auditQuery({ subjectId: id }, 200)), combine: dataOf });
  const [live, setLive] = useState<ChartMarker[]>(NONE);

  const onChange = useCallback(
    (p: OptimizationPayload, rollback = false) => {
      if (p.operation !== operation) return;
      setLive((old) => [...old.slice(-50), markerOfPayload(p, rollback)]);
    },
    [operation],
  );
  useSocketEvent(
    "optimization:changed",
    useCallback((p: OptimizationPayload) => onChange(p), [onChange]),
  );
  useSocketEvent(
    "optimization:rolled-back",
    useCallback((p: { optimization: OptimizationPayload }) => onChange(p.optimization, true), [onChange]),
  );

  return useMemo(() => merge(auditData, live), [auditData, live]);
}

// Module-level so useQueries keeps its combined result while no query changes.
function dataOf(results: { data?: AuditEvent[] }[]): (AuditEvent[] | undefined)[] {
  return results.map((r) => r.data);
}

function merge(audits: (AuditEvent[] | undefined)[], live: readonly ChartMarker[]): ChartMarker[] {
  const byKey = new Map<string, ChartMarker>();
  // A rollback is both an `optimization:changed` (state rolled_back) and an
  // `optimization:rolled-back` event; one marker per label and second.
  const key = (m: ChartMarker) => `${m.label}|${Math.round(m.t / 1000)}`;
  for (const m of live) byKey.set(key(m), m);
  for (const list of audits)
    for (const e of list ?? []) {
      const m = markerOf(e);
      if (m) byKey.set(key(m), m);
    }
  return byKey.size === 0 ? NONE : [...byKey.values()].sort((a, b) => a.t - b.t);
}
