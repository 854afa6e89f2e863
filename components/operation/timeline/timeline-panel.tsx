"use client";
import { useQuery } from "@tanstack/react-query";
import { analysesQuery, operationsQuery } from "@/lib/client/queries";
import { Panel } from "../../panel";
import { OptimizationTimeline } from "./optimization-timeline";
import styles from "./timeline.module.css";

/** The rollout timeline of every optimization of one operation. */
export function TimelinePanel({ operation, canOperate }: { operation: string; canOperate: boolean }) {
  const ops = useQuery(operationsQuery);
  const analyses = useQuery(analysesQuery(operation));
  const op = ops.data?.find((o) => o.name === operation);
  const list = op?.optimizations ?? [];
  return (
    <div className={styles.wrap}>
      <Panel
        title="Rollout timeline"
        aside="who or what moved each step, and why"
        loading={ops.isPending}
        error={ops.error}
        onRetry={() => void ops.refetch()}
        empty={ops.data && list.length === 0 && "No optimization applies to this operation."}
        testId="timeline"
      >
        <div className={styles.list}>
          {list.map((o) => (
            <OptimizationTimeline
              key={o.id}
              opt={o}
              analyses={(analyses.data?.analyses ?? []).filter((a) => a.optimizationId === o.id)}
              canOperate={canOperate}
            />
          ))}
        </div>
      </Panel>
    </div>
  );
}
