"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { alertsQuery } from "@/lib/client/queries";
import { useNow } from "@/lib/client/use-now";
import { formatDateTime, formatTime } from "@/lib/format";
import { AlertStateBadge, OperationName, SeverityBadge } from "../alerts/alert-badges";
import { displayState, formatAgo, ruleLabel, stateSince } from "../alerts/alert-state";
import styles from "../alerts/alerts.module.css";
import { Panel } from "../panel";

const MAX = 8;

/** Pending and firing alerts, newest first (live: AlertToasts refetches on `alert:changed`). */
export function OpenAlerts() {
  const q = useQuery(alertsQuery({ state: "open" }));
  const now = useNow(15_000);
  const open = [...(q.data ?? [])]
    .filter((a) => a.state === "pending" || a.state === "firing")
    .sort((x, y) => Date.parse(y.startedAt) - Date.parse(x.startedAt));
  const firing = open.filter((a) => a.state === "firing").length;
  return (
    <Panel
      title={<Link href="/alerts">Open alerts</Link>}
      aside={q.data && `${firing} firing · ${open.length - firing} pending`}
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && open.length === 0 && "No open alerts: the performance monitor checks every operation each minute."}
      testId="open-alerts"
    >
      <ul className={styles.list}>
        {open.slice(0, MAX).map((a) => (
          <li key={a.id} data-testid="open-alert" data-state={displayState(a, now)}>
            <span className={styles.line}>
              <AlertStateBadge state={displayState(a, now)} />
              <SeverityBadge severity={a.severity} />
            </span>
            <span className="in-text">
              <OperationName operation={a.operation} /> <strong>{ruleLabel(a.rule)}</strong>
            </span>
            <span className={styles.meta}>{a.summary}</span>
            <span className={`muted ${styles.meta}`} title={formatDateTime(stateSince(a))}>
              {a.state} since {formatTime(stateSince(a))} · {formatAgo(stateSince(a), now)}
            </span>
          </li>
        ))}
      </ul>
      {open.length > MAX && (
        <p className={styles.meta}>
          <Link href="/alerts">{open.length - MAX} more on the alerts page</Link>
        </p>
      )}
    </Panel>
  );
}
