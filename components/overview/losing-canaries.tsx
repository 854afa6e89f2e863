"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { Operation } from "@/lib/client/api-types";
import { allAnalysesQuery, operationHref } from "@/lib/client/queries";
import { formatDateTime, formatRatioChange } from "@/lib/format";
import { Panel } from "../panel";
import styles from "./overview.module.css";

/** Canaries whose live analysis of the current phase says "slower": real users are paying for them now. */
export function LosingCanaries({ ops }: { ops: Operation[] }) {
  const q = useQuery(allAnalysesQuery);
  const live = new Map(
    ops
      .flatMap((op) => op.optimizations)
      .filter((o) => o.state === "canary" || o.state === "on")
      .map((o) => [o.id, o]),
  );
  const losing = (q.data?.analyses ?? []).filter((a) => a.verdict === "slower" && live.get(a.optimizationId)?.version === a.phase);
  return (
    <Panel
      title="Losing canaries"
      aside={q.data && `${losing.length} slower`}
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && losing.length === 0 && "No canary is slower than its baseline in its current phase."}
      testId="losing-canaries"
    >
      <ul className={styles.losing}>
        {losing.map((a) => (
          <li key={a.optimizationId} data-testid="losing-canary">
            <span className="in-text">
              <Link href={operationHref(a.operation)}>{a.operation}</Link> <strong>{a.strategy}</strong> at {a.state === "canary" ? `${a.percent}%` : "100%"}
            </span>
            <span className="down">
              slower: {formatRatioChange(a.ratio)} duration [{formatRatioChange(a.ratioLow)}, {formatRatioChange(a.ratioHigh)}]
            </span>
            <span className={`muted ${styles.small}`}>verdict at {formatDateTime(a.verdictAt !== null ? new Date(a.verdictAt) : null)}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
