"use client";
import { useQuery } from "@tanstack/react-query";
import { masterSwitchesQuery, operationsQuery } from "@/lib/client/queries";
import { SWITCH_OF } from "@/lib/optimizer/types";
import { Panel } from "../../panel";
import { OptimizationCard } from "./optimization-card";
import styles from "./controls.module.css";

/** Controls of every optimization of one operation. */
export function ControlsPanel({ operation }: { operation: string }) {
  const q = useQuery(operationsQuery);
  const switches = useQuery(masterSwitchesQuery);
  const op = q.data?.find((o) => o.name === operation);
  const off = new Set((switches.data ?? []).filter((s) => !s.enabled).map((s) => s.name));
  return (
    <Panel
      title="Optimizations"
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && (!op ? "Unknown operation." : op.optimizations.length === 0 && "No optimization applies to this operation.")}
      testId="controls"
    >
      <div className={styles.list}>
        {op?.optimizations.map((o) => {
          const sw = SWITCH_OF[o.strategy];
          return <OptimizationCard key={o.id} opt={o} switchOff={sw !== null && off.has(sw) ? sw : null} />;
        })}
      </div>
    </Panel>
  );
}
