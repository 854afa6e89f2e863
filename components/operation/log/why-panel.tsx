"use client";
import { useQueries, useQuery } from "@tanstack/react-query";
import { auditQuery, operationsQuery } from "@/lib/client/queries";
import { formatDateTime } from "@/lib/format";
import { ChangeText } from "../../audit/change-text";
import { EvidenceView } from "../../audit/evidence-view";
import { Panel } from "../../panel";
import styles from "./log.module.css";

/** Actors that are the engine, not a person. */
export const AUTOMATIC_ACTORS = new Set(["guard", "autopilot", "monitor"]);

/** "Why": every automatic action on this operation's optimizations, with its evidence. */
export function WhyPanel({ operation }: { operation: string }) {
  const ops = useQuery(operationsQuery);
  const ids = ops.data?.find((o) => o.name === operation)?.optimizations.map((o) => o.id) ?? [];
  const results = useQueries({ queries: ids.map((id) => auditQuery({ subjectId: id })) });
  const loading = ops.isPending || results.some((r) => r.isPending);
  const error = ops.error ?? results.find((r) => r.error)?.error ?? null;
  const events = results
    .flatMap((r) => r.data ?? [])
    .filter((e) => AUTOMATIC_ACTORS.has(e.actor) || e.actorRole === "system")
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <Panel
      title="Why: automatic actions"
      loading={loading}
      error={error}
      onRetry={() => {
        void ops.refetch();
        results.forEach((r) => void r.refetch());
      }}
      empty={
        !loading &&
        events.length === 0 &&
        "No automatic actions yet: when the guard, the autopilot or the monitor change an optimization, their reason and evidence appear here."
      }
      scroll
      testId="why"
    >
      <ol className={styles.events}>
        {events.map((e) => (
          <li key={e.id} className={styles.event} data-testid="why-event">
            <div className={styles.eventHead}>
              <strong>{e.actor}</strong>
              <span>{e.subjectId.split(":")[1] ?? e.subjectId}</span>
              <ChangeText before={e.before} after={e.after} />
              <span className="muted">{formatDateTime(e.at)}</span>
            </div>
            {e.reason && <div>{e.reason}</div>}
            {e.evidence !== null && e.evidence !== undefined && <EvidenceView evidence={e.evidence} />}
          </li>
        ))}
      </ol>
    </Panel>
  );
}
