"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { fetchJson } from "@/lib/client/fetch-json";
import { Panel } from "../panel";
import { useSocketEvent } from "../realtime/socket-provider";

interface SignalRow {
  id: number;
  symbol: string;
  date: string;
  kind: string;
  detail: string;
}

/** Latest trading signals; refreshed when the analysis job stores new ones. */
export function SignalsPanel() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["signals"], queryFn: () => fetchJson<{ signals: SignalRow[] }>("/api/signals?limit=30") });
  useSocketEvent(
    "signals:new",
    useCallback(() => void qc.invalidateQueries({ queryKey: ["signals"] }), [qc]),
  );
  const rows = q.data?.signals ?? [];
  return (
    <Panel
      title="Signals"
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && rows.length === 0 && "No signals yet: the realtime-analysis job stores them every 30 s once the market clock runs."}
      scroll
      testId="signals"
    >
      <table>
        <thead>
          <tr>
            <th>Date</th>
            <th>Symbol</th>
            <th>Signal</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id}>
              <td>{s.date}</td>
              <td>{s.symbol}</td>
              <td>{s.kind.replace(/_/g, " ")}</td>
              <td className="muted wrap">{s.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
