"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Alert, Silence } from "@/lib/client/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys } from "@/lib/client/queries";
import { notifyAction } from "../toast/action-store";

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });
const alertUrl = (id: string, action: string) => `/api/alerts/${encodeURIComponent(id)}/${action}`;

/** Acknowledge and resolve; the lists refetch after each (the `alert:changed` event does too). */
export function useAlertActions() {
  const qc = useQueryClient();
  const settle = () => qc.invalidateQueries({ queryKey: keys.alertsAll });
  const acknowledge = useMutation({
    mutationFn: (v: { id: string; note: string; expiresAt: string | null }) =>
      fetchJson<Alert>(alertUrl(v.id, "acknowledge"), post(v.expiresAt ? { note: v.note, expiresAt: v.expiresAt } : { note: v.note })),
    onSuccess: (a) => notifyAction(`Acknowledged: ${a.operation} ${a.rule.replace(/_/g, " ")}.`),
    onSettled: settle,
  });
  const resolve = useMutation({
    mutationFn: (id: string) => fetchJson<Alert>(alertUrl(id, "resolve"), post({})),
    onSuccess: (a) => notifyAction(`Resolved: ${a.operation} ${a.rule.replace(/_/g, " ")} (it re-opens if the condition is still there).`),
    onSettled: settle,
  });
  return { acknowledge, resolve };
}

export interface SilenceInput {
  operation?: string;
  rule?: string;
  durationMinutes: number;
  comment: string;
}

/** Create and end silences. */
export function useSilenceActions() {
  const qc = useQueryClient();
  const settle = () => qc.invalidateQueries({ queryKey: keys.silences });
  const create = useMutation({
    mutationFn: (v: SilenceInput) => fetchJson<Silence>("/api/silences", post(v)),
    onSuccess: (_s, v) =>
      notifyAction(`Silenced ${v.operation ?? "every operation"}, ${v.rule?.replace(/_/g, " ") ?? "every rule"}, for ${v.durationMinutes} min.`),
    onSettled: settle,
  });
  const remove = useMutation({
    mutationFn: (id: string) => fetchJson<{ deleted: string }>(`/api/silences/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => notifyAction("Silence ended."),
    onSettled: settle,
  });
  return { create, remove };
}
