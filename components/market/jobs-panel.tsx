"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { fetchJson } from "@/lib/client/fetch-json";
import { formatMs, formatTime } from "@/lib/format";
import { Panel } from "../panel";
import { useSocketEvent } from "../realtime/socket-provider";

interface JobRow {
  job: string;
  nextRun: string | null;
  lastRun: { startedAt: string; outcome: string; durationMs: number | null; error: string | null } | null;
  lastHour: { ok: number; errors: number };
}

/** Scheduler status: each job's last outcome and duration, and its next run. */
export function JobsPanel() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["jobs"], queryFn: () => fetchJson<{ jobs: JobRow[] }>("/api/jobs") });
  useSocketEvent(
    "job:finished",
    useCallback(() => void qc.invalidateQueries({ queryKey: ["jobs"] }), [qc]),
  );
  const jobs = q.data?.jobs ?? [];
  return (
    <Panel
      title="Jobs"
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && jobs.length === 0 && "The scheduler is disabled on this instance."}
      testId="jobs"
    >
      <table>
        <thead>
          <tr>
            <th>Job</th>
            <th>Last run</th>
            <th>Outcome</th>
            <th className="num">Duration</th>
            <th className="num">Last hour</th>
            <th>Next</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.job}>
              <td>{j.job}</td>
              <td>{formatTime(j.lastRun?.startedAt)}</td>
              <td className={j.lastRun?.outcome === "error" ? "down" : j.lastRun?.outcome === "ok" ? "up" : "muted"} title={j.lastRun?.error ?? undefined}>
                {j.lastRun?.outcome ?? "not run yet"}
              </td>
              <td className="num">{formatMs(j.lastRun?.durationMs)}</td>
              <td className="num">
                {j.lastHour.ok} ok{j.lastHour.errors > 0 && <span className="down"> / {j.lastHour.errors} failed</span>}
              </td>
              <td>{formatTime(j.nextRun)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
