"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { ShadowMismatch } from "@/lib/client/api-types";
import { keys, mismatchesQuery } from "@/lib/client/queries";
import { formatTime } from "@/lib/format";
import type { ServerEvents } from "@/lib/realtime/events";
import { Panel } from "../../panel";
import { useSocketEvent } from "../../realtime/socket-provider";
import styles from "../../audit/evidence.module.css";

// Keys for rows that arrive live, before the next refetch brings their database ids.
let liveRows = 0;

/** Shadow-mode mismatches of one operation, newest first; new ones arrive live (room `optimizations`). */
export function MismatchPanel({ operation }: { operation: string }) {
  const qc = useQueryClient();
  const q = useQuery(mismatchesQuery(operation));
  useSocketEvent(
    "shadow:mismatch",
    useCallback<ServerEvents["shadow:mismatch"]>(
      (m) => {
        if (m.operation !== operation) return;
        // The event carries no time: the time of arrival stands in until the next refetch.
        const row: ShadowMismatch = { id: `live-${++liveRows}`, at: new Date().toISOString(), instance: null, ...m };
        qc.setQueryData<ShadowMismatch[]>(keys.mismatches(operation), (old) => (old ? [row, ...old].slice(0, 100) : old));
      },
      [qc, operation],
    ),
  );
  const rows = q.data ?? [];
  return (
    <Panel
      title="Shadow mismatches"
      aside={q.data && rows.length > 0 && `${rows.length} shown`}
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={
        q.data && rows.length === 0 && "No mismatches: in shadow mode every compared result so far matched the baseline (or nothing has been shadowed yet)."
      }
      scroll
      testId="mismatches"
    >
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Variant</th>
            <th>Input key</th>
            <th>Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.id} data-testid="mismatch-row">
              <td style={{ verticalAlign: "top" }}>{formatTime(m.at)}</td>
              <td style={{ verticalAlign: "top" }}>{m.variant}</td>
              <td style={{ verticalAlign: "top" }} className="wrap mono">
                {m.inputKey}
              </td>
              <td className="wrap">
                <pre className={styles.pre}>{m.diff}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
