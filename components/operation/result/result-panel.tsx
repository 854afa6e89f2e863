"use client";
import { useQuery } from "@tanstack/react-query";
import type { Comparison } from "@/lib/client/api-types";
import { autopilotQuery, comparisonsQuery, operationsQuery } from "@/lib/client/queries";
import { Panel } from "../../panel";
import { ResultCard } from "./result-card";
import styles from "./result.module.css";

/** The newest benchmark of a strategy (the API lists comparisons newest first); undefined while the list loads. */
function latestBenchmark(list: Comparison[] | undefined, strategy: string): Comparison | null | undefined {
  return list ? (list.find((c) => c.kind === "benchmark" && c.variant === strategy) ?? null) : undefined;
}

/** One result card per optimization of the operation; the A/A control last. */
export function ResultPanel({ operation }: { operation: string }) {
  const ops = useQuery(operationsQuery);
  const comparisons = useQuery(comparisonsQuery(operation));
  const autopilot = useQuery(autopilotQuery);
  const op = ops.data?.find((o) => o.name === operation);
  const list = [...(op?.optimizations ?? [])].sort((a, b) => Number(a.strategy === "identity") - Number(b.strategy === "identity"));
  if (ops.isPending || ops.error || list.length === 0) {
    return (
      <Panel
        title="Results"
        loading={ops.isPending}
        error={ops.error}
        onRetry={() => void ops.refetch()}
        empty={ops.data && "No optimization applies to this operation."}
        testId="results"
      />
    );
  }
  return (
    <section aria-label="Results per optimization" className={styles.grid} data-testid="results">
      {list.map((o) => (
        <ResultCard key={o.id} opt={o} benchmark={latestBenchmark(comparisons.data, o.strategy)} autopilot={autopilot.data} />
      ))}
    </section>
  );
}
