"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { AlertListState } from "@/lib/client/api-types";
import { alertsQuery, type AlertFilter } from "@/lib/client/queries";
import { useNow } from "@/lib/client/use-now";
import { Panel } from "../panel";
import { AlertFilters, alertsHref, parseTab, type AlertTab } from "./alert-filters";
import { AlertRow } from "./alert-row";
import { displayState } from "./alert-state";
import { useAlertActions } from "./use-alert-actions";

const LIMIT = 200;

const EMPTY: Record<AlertTab, string> = {
  open: "No open alerts: the performance monitor checks every operation each minute.",
  firing: "No firing alerts: the performance monitor checks every operation each minute.",
  pending: "No pending alerts: a finding waits here until it has held long enough to fire.",
  acknowledged: "No acknowledged alerts: firing alerts someone acknowledged (until it expires) appear here.",
  resolved: "No resolved alerts yet: alerts move here once their condition clears or someone resolves them.",
  all: "No alerts yet: the performance monitor checks every operation each minute.",
};

function apiState(tab: AlertTab): AlertListState | undefined {
  if (tab === "all") return undefined;
  return tab === "acknowledged" ? "firing" : tab;
}

/** Alerts filtered by the URL (`state`, `operation`), with acknowledge and resolve. */
export function AlertsBoard({ canOperate }: { canOperate: boolean }) {
  const params = useSearchParams();
  const router = useRouter();
  const tab = parseTab(params.get("state"));
  const operation = params.get("operation")?.trim() ?? "";
  const filter: AlertFilter = { state: apiState(tab), ...(operation ? { operation } : {}) };
  const q = useQuery(alertsQuery(filter, LIMIT));
  const now = useNow(15_000);
  const { acknowledge, resolve } = useAlertActions();
  const [ackOpen, setAckOpen] = useState<string | null>(null);

  const alerts = (q.data ?? []).filter((a) => a.state !== "discarded" && (tab !== "acknowledged" || displayState(a, now) === "acknowledged"));
  const firing = alerts.filter((a) => a.state === "firing").length;
  const pending = alerts.filter((a) => a.state === "pending").length;
  const colon = EMPTY[tab].indexOf(":");
  const empty = operation ? `${EMPTY[tab].slice(0, colon)} for ${operation}${EMPTY[tab].slice(colon)}` : EMPTY[tab];

  return (
    <>
      <AlertFilters tab={tab} operation={operation} onOperation={(op) => router.replace(alertsHref(tab, op), { scroll: false })} />
      <Panel
        title="Alerts"
        aside={q.data && `${firing} firing · ${pending} pending · ${alerts.length} shown${q.data.length >= LIMIT ? ` (newest ${LIMIT})` : ""}`}
        loading={q.isPending}
        error={q.error}
        onRetry={() => void q.refetch()}
        empty={q.data && alerts.length === 0 && empty}
        testId="alerts"
      >
        {resolve.error && (
          <div className="down" role="alert">
            Could not resolve: {resolve.error.message}
          </div>
        )}
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>State</th>
                <th>Operation · variant</th>
                <th>Rule</th>
                <th>Severity</th>
                <th>Since (local time)</th>
                <th>Summary and evidence</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <AlertRow
                  key={a.id}
                  alert={a}
                  now={now}
                  canOperate={canOperate}
                  ackOpen={ackOpen === a.id}
                  onAckToggle={(open) => {
                    acknowledge.reset();
                    setAckOpen(open ? a.id : null);
                  }}
                  ack={{
                    pending: acknowledge.isPending && acknowledge.variables?.id === a.id,
                    error: acknowledge.variables?.id === a.id ? acknowledge.error : null,
                    submit: (note, expiresAt) => acknowledge.mutate({ id: a.id, note, expiresAt }, { onSuccess: () => setAckOpen(null) }),
                  }}
                  resolve={{ pending: resolve.isPending && resolve.variables === a.id, run: () => resolve.mutate(a.id) }}
                />
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}
