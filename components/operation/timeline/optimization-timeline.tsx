"use client";
import { useQuery } from "@tanstack/react-query";
import type { AuditEvent, Optimization, StoredAnalysis } from "@/lib/client/api-types";
import { auditQuery } from "@/lib/client/queries";
import { formatDateTime, formatRatioChange, humanize } from "@/lib/format";
import { StateBadge } from "../../ui/state-badge";
import { useOptimizationChange } from "../controls/use-optimization-mutations";
import { TimelineRollback } from "./rollback-dialog";
import { STEPS, analysisOf, arrivalOf, currentIndex, evidenceSummary, nextStep, stepStatus, type Step, type StepStatus } from "./steps";
import styles from "./timeline.module.css";

/** Audit events fetched per optimization: a step whose arrival is older is "unrecorded", never "skipped". */
const AUDIT_LIMIT = 100;
const VERDICT_TEXT = { faster: "faster", slower: "slower", none: "no verdict yet" } as const;

function Who({ e }: { e: AuditEvent | null }) {
  if (!e) return null;
  const evidence = evidenceSummary(e.evidence, humanize);
  return (
    <span>
      by <strong>{e.actor}</strong> <span className="muted">({e.actorRole})</span>, {formatDateTime(e.at)}
      {e.reason && <span className={styles.reason}> — {e.reason}</span>}
      {evidence && <span className={styles.reason}> · evidence: {evidence}</span>}
    </span>
  );
}

function StepBox({ step, status, analysis, arrival }: { step: Step; status: StepStatus; analysis: StoredAnalysis | null; arrival: AuditEvent | null }) {
  return (
    <li className={styles.step} data-status={status} data-testid={`timeline-step-${step.key}`} aria-current={status === "current" ? "step" : undefined}>
      <span className={styles.stepName}>{step.label}</span>
      {status === "current" && <span>current</span>}
      {status === "visited" && <span className="muted">visited earlier</span>}
      {status === "skipped" && <span className="muted">skipped: the optimization never ran at this step</span>}
      {status === "unrecorded" && <span className="muted">not in the last {AUDIT_LIMIT} audit events</span>}
      {analysis ? (
        <span>
          <span className={styles.verdict} data-verdict={analysis.verdict}>
            {VERDICT_TEXT[analysis.verdict]}
          </span>{" "}
          {formatRatioChange(analysis.ratio)} [{formatRatioChange(analysis.ratioLow)}, {formatRatioChange(analysis.ratioHigh)}]
          <span className="muted">
            {" "}
            · n {analysis.nBaseline.toLocaleString()} / {analysis.nOptimized.toLocaleString()}
          </span>
        </span>
      ) : (
        (status === "done" || status === "current" || status === "visited") && <span className="muted">no analysis</span>
      )}
      <Who e={arrival} />
    </li>
  );
}

/** Why an operator may not act now, in words (shown next to the disabled control, not only on hover). */
function promoteBlock(o: Optimization, canOperate: boolean, busy: boolean): string | null {
  if (!canOperate) return "operators only";
  if (busy) return "saving…";
  if (o.state === "on") return "already at 100%";
  return null;
}

function rollbackBlock(o: Optimization, canOperate: boolean, busy: boolean): string | null {
  if (!canOperate) return "operators only";
  if (busy) return "saving…";
  if (o.state === "off") return "off: nothing to roll back";
  if (o.state === "rolled_back") return "already rolled back";
  return null;
}

/** shadow → 5% → 25% → 50% → 100% for one optimization, each step's analysis and who moved it, with promote and roll back. */
export function OptimizationTimeline({ opt, analyses, canOperate }: { opt: Optimization; analyses: StoredAnalysis[]; canOperate: boolean }) {
  const change = useOptimizationChange();
  // Mutations invalidate every audit query; automatic moves (autopilot, guard) arrive with the refetch.
  const audit = useQuery({ ...auditQuery({ subjectId: opt.id }, AUDIT_LIMIT), refetchInterval: 30_000 });
  const events = [...(audit.data ?? [])].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const at = currentIndex(opt);
  const next = nextStep(opt);
  const latest = events[0] ?? null;
  const ended = opt.state === "rolled_back" || opt.state === "off";
  const promoteWhy = promoteBlock(opt, canOperate, change.isPending);
  const rollbackWhy = rollbackBlock(opt, canOperate, change.isPending);
  return (
    <div className={styles.opt} data-testid={`timeline-${opt.strategy}`}>
      <h3 className={styles.optHead}>
        {opt.strategy === "identity" ? "identity (A/A control)" : humanize(opt.strategy)}
        <StateBadge state={opt.state} percent={opt.percent} />
      </h3>
      <ol className={styles.steps}>
        {STEPS.map((s, i) => {
          const arrival = arrivalOf(s, events);
          const analysis = analysisOf(s, analyses);
          // After a rollback nothing is "done", but the steps it went through keep their evidence.
          const status = stepStatus(i, at, { arrival, analysis }, audit.data !== undefined && audit.data.length < AUDIT_LIMIT);
          return <StepBox key={s.key} step={s} status={status} analysis={analysis} arrival={arrival} />;
        })}
      </ol>
      {ended && latest && (
        <p className={styles.end}>
          Now {humanize(opt.state)} <Who e={latest} />
        </p>
      )}
      <div className={styles.actions}>
        {next && (
          <button
            type="button"
            className="primary"
            disabled={promoteWhy !== null}
            onClick={() =>
              change.mutate({
                id: opt.id,
                state: next.state,
                ...(next.state === "canary" ? { percent: next.percent } : {}),
                reason: `promoted to ${next.label} from the timeline`,
              })
            }
            data-testid={`timeline-promote-${opt.strategy}`}
          >
            {opt.state === "rolled_back" ? "Start again: shadow" : opt.state === "off" ? "Start: shadow" : `Promote to ${next.label}`}
          </button>
        )}
        {promoteWhy && next && <span className={styles.reason}>Promote: {promoteWhy}</span>}
        <TimelineRollback
          id={opt.id}
          strategy={opt.strategy}
          disabledReason={rollbackWhy}
          onConfirm={(reason) => change.mutate({ id: opt.id, state: "rolled_back", ...(reason ? { reason } : {}) })}
        />
        {rollbackWhy && <span className={styles.reason}>Roll back: {rollbackWhy}</span>}
        {change.error && (
          <span className="down" role="alert">
            {change.error.message}
          </span>
        )}
      </div>
    </div>
  );
}
