"use client";
import { useEffect, useRef, useState } from "react";
import type { Optimization } from "@/lib/client/api-types";
import { formatDateTime, humanize, stateLabel } from "@/lib/format";
import type { OptimizationStateName } from "@/lib/optimizer/types";
import { PercentControl } from "./percent-control";
import { RollbackButton } from "./rollback-button";
import { StateRadio } from "./state-radio";
import { useOptimizationChange } from "./use-optimization-mutations";
import styles from "./controls.module.css";

// Where the canary slider starts before anyone has chosen a percentage: a small first step.
const FIRST_CANARY_PERCENT = 10;

/** The controls of one optimization: state, canary percentage, roll back, and who changed it last. */
export function OptimizationCard({ opt, switchOff }: { opt: Optimization; switchOff: string | null }) {
  const change = useOptimizationChange();
  const [draft, setDraft] = useState<number | null>(null);
  const serverPercent = opt.state === "canary" ? Math.min(99, Math.max(1, Math.round(opt.percent))) : FIRST_CANARY_PERCENT;
  const percent = draft ?? serverPercent;
  // A refusal stays visible until the optimization changes (by anyone) or the next attempt.
  const { reset, isError } = change;
  const seenVersion = useRef(opt.version);
  useEffect(() => {
    if (seenVersion.current === opt.version) return;
    seenVersion.current = opt.version;
    if (isError) reset();
  }, [opt.version, isError, reset]);

  const apply = (state: OptimizationStateName, p?: number) => {
    if (state === opt.state && (state !== "canary" || p === opt.percent)) return;
    change.mutate({ id: opt.id, state, ...(state === "canary" ? { percent: p ?? percent } : {}) }, { onSettled: () => setDraft(null) });
  };
  const current = stateLabel(opt.state, opt.percent);

  return (
    <article className={styles.card} data-testid={`optimization-${opt.strategy}`} aria-label={`${opt.strategy} optimization`}>
      <div className={styles.head}>
        <span className={styles.name}>
          {opt.strategy} {change.isPending && <small>saving…</small>}
        </span>
        <span className={styles.current} data-state={opt.state} data-testid={`current-state-${opt.strategy}`} aria-live="polite">
          {current}
        </span>
      </div>
      <StateRadio strategy={opt.strategy} state={opt.state} disabled={false} onSelect={(s) => apply(s, s === "canary" ? percent : undefined)} />
      <PercentControl
        strategy={opt.strategy}
        value={percent}
        isCanary={opt.state === "canary"}
        disabled={false}
        onDraft={setDraft}
        onCommit={(p) => apply("canary", p)}
      />
      <div className={styles.footer}>
        <RollbackButton
          strategy={opt.strategy}
          operation={opt.operation}
          disabled={opt.state === "off" || opt.state === "rolled_back"}
          disabledReason={opt.state === "off" ? "Already off: every call runs the baseline" : "Already rolled back"}
          onConfirm={(reason) => change.mutate({ id: opt.id, state: "rolled_back", ...(reason ? { reason } : {}) })}
        />
        <span className={styles.meta}>
          Last change by <strong>{opt.updatedBy}</strong> at {formatDateTime(opt.updatedAt)}
          {opt.reason && <> — {opt.reason}</>}
        </span>
      </div>
      {change.error && (
        <div className={styles.error} role="alert">
          Not applied: {change.error.message}
        </div>
      )}
      {switchOff && <div className="warn">Master switch “{humanize(switchOff)}” is off: this optimization is not applied while it stays off.</div>}
    </article>
  );
}
