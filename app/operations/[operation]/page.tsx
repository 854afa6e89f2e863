import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MetricsFeed } from "@/components/live/metrics-feed";
import { TaskFeed } from "@/components/live/task-feed";
import { LiveCharts } from "@/components/operation/charts/live-charts";
import { AnalysisPanel } from "@/components/operation/analysis/analysis-panel";
import { ComparisonsPanel } from "@/components/operation/comparisons/comparisons-panel";
import { ControlsPanel } from "@/components/operation/controls/controls-panel";
import { MasterSwitches } from "@/components/operation/controls/master-switches";
import { MismatchPanel } from "@/components/operation/log/mismatch-panel";
import { WhyPanel } from "@/components/operation/log/why-panel";
import { OperationHeader } from "@/components/operation/operation-header";
import { ResultPanel } from "@/components/operation/result/result-panel";
import { TimelinePanel } from "@/components/operation/timeline/timeline-panel";
import { hasRole } from "@/lib/server/domains/auth/roles";
import styles from "@/components/operation/operation.module.css";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ operation: string }> };

// Same shape as the engine's operation names (`service.operation`).
const OPERATION_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

async function operationOf(props: Props): Promise<string> {
  const raw = (await props.params).operation;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    notFound();
  }
  if (!OPERATION_NAME.test(name)) notFound();
  return name;
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  return { title: `${await operationOf(props)} · Perfpilot` };
}

/** One operation: before/after charts, controls, comparisons, mismatches and the "why" log. */
export default async function OperationPage(props: Props) {
  const operation = await operationOf(props);
  const actor = await requirePageSession("viewer", `/operations/${encodeURIComponent(operation)}`);
  return (
    <>
      <MetricsFeed />
      <TaskFeed />
      <OperationHeader operation={operation} />
      <ResultPanel operation={operation} />
      <div className={styles.top}>
        <LiveCharts operation={operation} />
        <div className={styles.side}>
          <ControlsPanel operation={operation} />
          <MasterSwitches />
        </div>
      </div>
      <TimelinePanel operation={operation} canOperate={hasRole(actor.role, "operator")} />
      <AnalysisPanel operation={operation} />
      <ComparisonsPanel operation={operation} />
      <div className={styles.bottom}>
        <MismatchPanel operation={operation} />
        <WhyPanel operation={operation} />
      </div>
    </>
  );
}
