"use client";
import { useQuery } from "@tanstack/react-query";
import { operationsQuery } from "@/lib/client/queries";
import type { Operation } from "@/lib/client/api-types";
import { Panel } from "../panel";
import { MetricsFeed } from "../live/metrics-feed";
import { AutomaticActions } from "./automatic-actions";
import { LosingCanaries } from "./losing-canaries";
import { OpenAlerts } from "./open-alerts";
import { OperationRow } from "./operation-row";
import styles from "./overview.module.css";

const IN_USE = new Set(["shadow", "canary", "on"]);

/** Optimizations proper: the A/A control (`identity`) is the baseline under another label, not an optimization. */
function realOptimizations(op: Operation) {
  return op.optimizations.filter((o) => o.strategy !== "identity");
}

function byService(ops: Operation[]): [string, Operation[]][] {
  const m = new Map<string, Operation[]>();
  for (const op of ops) m.set(op.service, [...(m.get(op.service) ?? []), op]);
  return [...m.entries()];
}

/** Operations with optimizations first (stable otherwise). */
function ordered(ops: Operation[]): Operation[] {
  return [...ops].sort((a, b) => Number(realOptimizations(b).length > 0) - Number(realOptimizations(a).length > 0));
}

function OperationsTable({ ops, caption }: { ops: Operation[]; caption: string }) {
  return (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Operation</th>
          <th scope="col">Optimizations · improvement of median latency [95% CI]</th>
          <th scope="col">p95 latency, last 30 min</th>
        </tr>
      </thead>
      <tbody>
        {byService(ordered(ops)).map(([service, list]) => [
          <tr key={`s-${service}`} className={styles.service}>
            <th colSpan={3} scope="colgroup">
              {service}
            </th>
          </tr>,
          ...list.map((op) => <OperationRow key={op.name} op={op} />),
        ])}
      </tbody>
    </table>
  );
}

/** Every service and operation with its optimizations, their measured effect and p95; what needs attention beside them. */
export function OverviewBoard() {
  const q = useQuery(operationsQuery);
  const ops = q.data ?? [];
  const jobs = ops.filter((o) => o.name.startsWith("jobs."));
  const main = ops.filter((o) => !o.name.startsWith("jobs."));
  const all = ops.flatMap(realOptimizations);
  const inUse = all.filter((o) => IN_USE.has(o.state)).length;
  const rolledBack = all.filter((o) => o.state === "rolled_back").length;
  const aa = ops.flatMap((o) => o.optimizations).filter((o) => o.strategy === "identity");
  const aaRunning = aa.filter((o) => IN_USE.has(o.state)).length;
  return (
    <div className={styles.grid}>
      <MetricsFeed />
      <Panel
        title="Services and operations"
        loading={q.isPending}
        error={q.error}
        onRetry={() => void q.refetch()}
        empty={q.data && ops.length === 0 && "No operations registered yet: they register when the server starts."}
        testId="operations"
      >
        <p className={styles.counts} data-testid="overview-counts">
          <span>
            <strong data-testid="count-in-use">{inUse}</strong> of {all.length} optimizations in use <span className="muted">(shadow, canary or on)</span>
          </span>
          <span>
            <strong>{rolledBack}</strong> rolled back
          </span>
          <span>
            A/A control: <strong>{aaRunning}</strong> of {aa.length} operations <span className="muted">(not counted as optimizations)</span>
          </span>
        </p>
        <OperationsTable ops={main} caption="Operations by service" />
        {jobs.length > 0 && (
          <details className={styles.jobs} data-testid="jobs-group">
            <summary>
              Scheduled jobs ({jobs.length} operations, {jobs.flatMap(realOptimizations).filter((o) => IN_USE.has(o.state)).length} optimizations in use)
            </summary>
            <OperationsTable ops={jobs} caption="Scheduled job operations" />
          </details>
        )}
      </Panel>
      <div className={styles.side}>
        <OpenAlerts />
        <LosingCanaries ops={ops} />
        <AutomaticActions />
      </div>
    </div>
  );
}
