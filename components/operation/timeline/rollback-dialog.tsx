"use client";
import { useRef, useState } from "react";
import styles from "./timeline.module.css";

/** "Roll back" beside the evidence: a confirmation with an optional reason that is audited. */
export function TimelineRollback(props: { id: string; strategy: string; disabledReason: string | null; onConfirm: (reason: string | undefined) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const titleId = `timeline-rollback-title-${props.strategy}`;
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={props.disabledReason !== null}
        onClick={() => dialog.current?.showModal()}
        data-testid={`timeline-rollback-${props.strategy}`}
      >
        Roll back
      </button>
      <dialog ref={dialog} className={styles.dialog} aria-labelledby={titleId} onClose={() => setReason("")}>
        <form method="dialog" onSubmit={() => props.onConfirm(reason.trim() || undefined)}>
          <h3 id={titleId}>Roll back {props.id}?</h3>
          <p className="muted">Every call goes to the baseline at once, on every instance. The change is audited with your reason.</p>
          <label>
            Reason (optional)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </label>
          <div className={styles.dialogActions}>
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="danger" data-testid={`timeline-rollback-confirm-${props.strategy}`}>
              Roll back
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
