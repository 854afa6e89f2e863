"use client";
import { useQuery } from "@tanstack/react-query";
import { operationsQuery } from "@/lib/client/queries";
import type { Operation } from "@/lib/client/api-types";
import { Panel } from "../panel";
import { MetricsFeed } from "../live/metrics-feed";
import { OpenAlerts } from "./open-alerts";
import { OperationRow } from "./operation-row";
import styles from "./overview.module.css";

function byService(ops: Operation[]): [string, Operation[]][] {
  const m = new Map<string, Operation[]>();
  for (const op of ops) m.set(op.service, [...(m.get(op.service) ?? []), op]);
  return [...m.entries()];
}

/** Every service and operation with its optimizations, their measured effect and live p95. */
export function OverviewBoard() {
  const q = useQuery(operationsQuery);
  const ops = q.data ?? [];
  const on = ops.flatMap((o) => o.optimizations).filter((o) => o.state !== "off");
  return (
    <div className={styles.grid}>
      <MetricsFeed />
      <Panel
        title="Services and operations"
        aside={q.data && `${on.length} of ${ops.reduce((n, o) => n + o.optimizations.length, 0)} optimizations not off`}
        loading={q.isPending}
        error={q.error}
        onRetry={() => void q.refetch()}
        empty={q.data && ops.length === 0 && "No operations registered yet: they register when the server starts."}
        testId="operations"
      >
        <table>
          <thead>
            <tr>
              <th>Operation</th>
              <th>Optimizations · improvement of median latency [95% CI]</th>
              <th>p95 latency, live 5 min</th>
            </tr>
          </thead>
          <tbody>
            {byService(ops).map(([service, list]) => [
              <tr key={`s-${service}`} className={styles.service}>
                <th colSpan={3}>{service}</th>
              </tr>,
              ...list.map((op) => <OperationRow key={op.name} op={op} />),
            ])}
          </tbody>
        </table>
      </Panel>
      <OpenAlerts />
    </div>
  );
}
