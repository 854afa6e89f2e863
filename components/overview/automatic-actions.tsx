"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { auditQuery } from "@/lib/client/queries";
import { formatShortDateTime, humanize } from "@/lib/format";
import { evidenceSummary } from "../operation/timeline/steps";
import { Panel } from "../panel";
import styles from "./overview.module.css";

const MAX = 6;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

function stateOf(v: unknown): string {
  if (!isRec(v) || typeof v.state !== "string") return "—";
  return v.state === "canary" && typeof v.percent === "number" ? `canary ${v.percent}%` : humanize(v.state);
}

/** What the autopilot and the guard did lately, with who, why and the evidence in one line. */
export function AutomaticActions() {
  const q = useQuery({ ...auditQuery({}, 200), refetchInterval: 30_000 });
  const auto = (q.data ?? []).filter((e) => e.actorRole === "system" && e.subjectType === "optimization");
  return (
    <Panel
      title={<Link href="/audit">Automatic actions</Link>}
      aside={q.data && `${auto.length} recent`}
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && auto.length === 0 && "Neither the autopilot nor the guard has moved an optimization yet."}
      testId="automatic-actions"
    >
      <ul className={styles.losing}>
        {auto.slice(0, MAX).map((e) => {
          const [operation, strategy] = e.subjectId.split(":");
          const evidence = evidenceSummary(e.evidence, humanize);
          return (
            <li key={e.id} data-testid="automatic-action">
              <span className="in-text">
                <strong>{e.actor}</strong> moved <Link href={`/operations/${encodeURIComponent(operation ?? "")}`}>{operation}</Link> {strategy}:{" "}
                {stateOf(e.before)} → {stateOf(e.after)}
              </span>
              {e.reason && <span className={styles.small}>why: {e.reason}</span>}
              {evidence && <span className={`muted ${styles.small}`}>evidence: {evidence}</span>}
              <span className={`muted ${styles.small}`}>{formatShortDateTime(e.at)}</span>
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
