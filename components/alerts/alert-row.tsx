"use client";
import type { Alert } from "@/lib/client/api-types";
import { formatDateTime, formatShortDateTime } from "@/lib/format";
import { EvidenceView } from "../audit/evidence-view";
import { AckForm } from "./ack-form";
import { AlertStateBadge, OperationName, SeverityBadge } from "./alert-badges";
import { displayState, formatAgo, isAcknowledged, ruleLabel, stateSince } from "./alert-state";
import styles from "./alerts.module.css";

export const ALERT_COLUMNS = 7;

const NEED_OPERATOR = "Requires the operator role";

/** One alert: state, where, what, since when, evidence, acknowledgement; acknowledge and resolve when open. */
export function AlertRow(props: {
  alert: Alert;
  now: number;
  canOperate: boolean;
  ackOpen: boolean;
  onAckToggle: (open: boolean) => void;
  ack: { pending: boolean; error: Error | null; submit: (note: string, expiresAt: string | null) => void };
  resolve: { pending: boolean; run: () => void };
}) {
  const a = props.alert;
  const state = displayState(a, props.now);
  const open = a.state === "pending" || a.state === "firing";
  const since = stateSince(a);
  const label = `${ruleLabel(a.rule)} alert of ${a.operation}`;
  // Accessible names start with the visible text (WCAG 2.5.3, axe label-content-name-mismatch).
  const ackText = a.acknowledgedAt ? "Re-acknowledge" : "Acknowledge";
  const resolveText = props.resolve.pending ? "Resolving…" : "Resolve";
  return (
    <>
      <tr className={styles.row} data-testid="alert-row" data-state={state} data-alert-id={a.id}>
        <td>
          <AlertStateBadge state={state} />
          {a.reopenCount > 0 && <div className="muted">re-opened {a.reopenCount}×</div>}
        </td>
        <td>
          <OperationName operation={a.operation} />
          <div className="muted">{a.variant}</div>
        </td>
        <td>{ruleLabel(a.rule)}</td>
        <td>
          <SeverityBadge severity={a.severity} />
        </td>
        <td title={`started ${formatDateTime(a.startedAt)} · last seen ${formatDateTime(a.lastSeenAt)}`}>
          {formatShortDateTime(since)}
          <div className="muted">{formatAgo(since, props.now)}</div>
        </td>
        <td className={styles.summary}>
          {a.summary}
          {a.acknowledgedAt && (
            <div className={`${styles.ack} ${isAcknowledged(a, props.now) ? "" : "muted"}`}>
              Acknowledged by {a.acknowledgedBy ?? "—"} at {formatShortDateTime(a.acknowledgedAt)}
              {a.ackNote && <>: “{a.ackNote}”</>}
              {a.ackExpiresAt
                ? ` · ${Date.parse(a.ackExpiresAt) > props.now ? "until" : "expired"} ${formatShortDateTime(a.ackExpiresAt)}`
                : " · until resolved"}
            </div>
          )}
          <details className={styles.details}>
            <summary>Evidence</summary>
            <EvidenceView evidence={a.evidence} />
          </details>
        </td>
        <td>
          {open && (
            <div className={styles.actions}>
              <button
                type="button"
                onClick={() => props.onAckToggle(!props.ackOpen)}
                disabled={!props.canOperate}
                title={props.canOperate ? undefined : NEED_OPERATOR}
                aria-expanded={props.ackOpen}
                aria-label={`${ackText} ${label}`}
                data-testid={`alert-ack-${a.id}`}
              >
                {ackText}
              </button>
              <button
                type="button"
                onClick={props.resolve.run}
                disabled={!props.canOperate || props.resolve.pending}
                title={props.canOperate ? "Resolve now; it re-opens if the condition is still there" : NEED_OPERATOR}
                aria-label={`${resolveText} ${label}`}
                data-testid={`alert-resolve-${a.id}`}
              >
                {resolveText}
              </button>
              {!props.canOperate && <span className="muted">{NEED_OPERATOR}</span>}
            </div>
          )}
        </td>
      </tr>
      {props.ackOpen && open && (
        <tr>
          <td colSpan={ALERT_COLUMNS}>
            <AckForm
              alertLabel={label}
              pending={props.ack.pending}
              error={props.ack.error}
              onSubmit={props.ack.submit}
              onCancel={() => props.onAckToggle(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
